"""Error answers of a real server become the SDK's exception classes, with code and token."""

from __future__ import annotations

import time
import uuid as uuidlib
from collections.abc import Iterator

import pytest

from connectra.client import (
    BadRequest,
    ConnectraClientError,
    NotFound,
    Q,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from tests.client.conftest import Api, Seeded, _start, make_api


@pytest.mark.parametrize("key", ["wrong-key", ""])
def test_wrong_or_missing_key_is_unauthorized(mode: str, read_server: Seeded, key: str) -> None:
    api = make_api(mode, **read_server.options(api_key=key))
    with pytest.raises(Unauthorized) as caught:
        api.count_contacts()
    api.close()
    assert (caught.value.status, caught.value.error_code) == (401, "UNAUTHORIZED")
    assert isinstance(caught.value, ConnectraClientError)


@pytest.mark.parametrize(
    ("vql", "token"),
    [({"limit": 101}, "ERR_PAGE_SIZE_EXCEEDED"), (Q.all().page(11), "ERR_PAGE_OUT_OF_RANGE")],
)
def test_paging_limits_carry_their_token(api: Api, vql: object, token: str) -> None:
    for call in (api.search_contacts, api.count_companies):
        with pytest.raises(ValidationFailed) as caught:
            call(vql)
        error = caught.value
        assert isinstance(error, BadRequest)
        assert (error.status, error.error_code, error.token) == (400, "VALIDATION_ERROR", token)
        assert str(error).startswith(f"Connectra API error: 400 - {token}: ")


def test_unknown_field_names_its_path(api: Api) -> None:
    with pytest.raises(ValidationFailed) as caught:
        api.search_contacts(Q.keyword("shoe_size", "42"))
    assert caught.value.token is None
    assert "shoe_size" in caught.value.message
    assert caught.value.details["path"].startswith("where.keyword_match.must")


def test_not_found_and_bad_uuid(api: Api) -> None:
    with pytest.raises(NotFound) as caught:
        api.get_contact(str(uuidlib.uuid4()))
    assert (caught.value.status, caught.value.error_code) == (404, "NOT_FOUND")
    with pytest.raises(ValidationFailed):
        api.get_company("not-a-uuid")


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """30 requests a minute: the bucket refills one token every 2 s."""
    yield from _start(tmp_path_factory, "sdk-limited", 5, {"MAX_REQUESTS_PER_MINUTE": "30"})


def _until_limited(api: Api) -> RateLimited:
    for _ in range(40):
        try:
            api.count_contacts()
        except RateLimited as exc:
            return exc
    raise AssertionError("40 calls and still not limited")


def test_real_rate_limit(mode: str, limited_server: Seeded) -> None:
    impatient = make_api(mode, **limited_server.options(retry_attempts=1))
    limited = _until_limited(impatient)
    impatient.close()
    assert (limited.status, limited.error_code) == (429, "RATE_LIMIT_EXCEEDED")
    assert limited.retry_after is not None
    assert 1 <= limited.retry_after <= 2
    patient = make_api(mode, **limited_server.options(retry_attempts=3))
    start = time.monotonic()
    assert patient.count_contacts() == 5
    assert time.monotonic() - start >= 0.9  # waited for Retry-After
    patient.close()
