from __future__ import annotations

import inspect

import pytest

from connectra import errors
from connectra.errors import ConnectraError, PageSizeExceeded, ValidationError

ALL_ERRORS = [
    cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, ConnectraError)
]
STATUS_OF_CODE = {
    "VALIDATION_ERROR": 400, "BAD_REQUEST": 400, "UNAUTHORIZED": 401, "FORBIDDEN": 403,
    "NOT_FOUND": 404, "METHOD_NOT_ALLOWED": 405, "CONFLICT": 409, "PAYLOAD_TOO_LARGE": 413,
    "RATE_LIMIT_EXCEEDED": 429,
    "HEADERS_TOO_LARGE": 431, "DATABASE_UNAVAILABLE": 503,
    "INTERNAL_ERROR": 500, "DATABASE_ERROR": 500, "ELASTICSEARCH_ERROR": 500,
}  # fmt: skip


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_has_a_consistent_status_and_code(cls: type[ConnectraError]) -> None:
    assert STATUS_OF_CODE[cls.error_code] == cls.status
    if cls.token is not None:
        assert cls.token.startswith("ERR_")


def test_every_error_is_drawn_in_the_docstring() -> None:
    assert errors.__doc__ is not None
    for cls in ALL_ERRORS:
        assert cls.__name__ in errors.__doc__


def test_envelope_style_a_with_token_and_path() -> None:
    exc = PageSizeExceeded("limit must be at most 100, got 101", path="limit", field="limit")
    assert exc.envelope() == {
        "success": False,
        "error": "ERR_PAGE_SIZE_EXCEEDED: limit must be at most 100, got 101",
        "error_code": "VALIDATION_ERROR",
        "message": "ERR_PAGE_SIZE_EXCEEDED: limit must be at most 100, got 101",
        "details": {"field": "limit", "path": "limit"},
    }


def test_plain_validation_error_has_no_details() -> None:
    body = ValidationError("bad").envelope()
    assert body["error"] == "bad"
    assert "details" not in body
