"""The gateway's own errors (branches of the one tree in ``connectra.errors``) and how a failed
Connectra call is answered.

::

    ConnectraError
    ├── ValidationError
    │   ├── InvalidCursor           400 ERR_INVALID_CURSOR
    │   └── TooManyUrls             400 ERR_TOO_MANY_URLS
    ├── GatewayUnauthorized         401 UNAUTHORIZED (missing or wrong X-API-Key)
    └── ConnectraUnavailable        503 SERVICE_UNAVAILABLE ERR_CONNECTRA_UNAVAILABLE

A Connectra failure (no answer, a 5xx, or the gateway's own key refused) is a 503 carrying the
upstream reason; any other Connectra 4xx is passed through with its status, ``error_code`` and
``ERR_`` token, since it describes the caller's request.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from connectra.client import ConnectraClientError, Forbidden, Unauthorized
from connectra.errors import ConnectraError, ValidationError


class InvalidCursor(ValidationError):
    token = "ERR_INVALID_CURSOR"  # noqa: S105 - an error token


class TooManyUrls(ValidationError):
    token = "ERR_TOO_MANY_URLS"  # noqa: S105 - an error token


class GatewayUnauthorized(ConnectraError):
    status = 401
    error_code = "UNAUTHORIZED"


class ConnectraUnavailable(ConnectraError):
    status = 503
    error_code = "SERVICE_UNAVAILABLE"
    token = "ERR_CONNECTRA_UNAVAILABLE"  # noqa: S105 - an error token


def _is_outage(error: ConnectraClientError) -> bool:
    """True when the fault is Connectra's or the gateway's configuration, not the caller's."""
    status = error.status
    return (
        status is None
        or status >= HTTPStatus.INTERNAL_SERVER_ERROR
        or isinstance(error, Unauthorized | Forbidden)
    )


def upstream_envelope(error: ConnectraClientError) -> tuple[int, dict[str, Any]]:
    """The status and error style A body (CONTRACT.md §0.2.6) answering a failed call."""
    if _is_outage(error):
        outage = ConnectraUnavailable(f"Connectra is unavailable: {error}")
        return outage.status, outage.envelope()
    assert error.status is not None
    body: dict[str, Any] = {
        "success": False,
        "error": error.error or error.message,
        "error_code": error.error_code or "UPSTREAM_ERROR",
        "message": error.message,
    }
    if error.details is not None:
        body["details"] = error.details
    return error.status, body


def json_response(body: Any, status: int = 200) -> Response:
    """Serialised once with orjson."""
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def install_error_handlers(app: FastAPI) -> None:
    async def _own(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConnectraError)
        return json_response(exc.envelope(), exc.status)

    async def _upstream(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConnectraClientError)
        status, body = upstream_envelope(exc)
        return json_response(body, status)

    async def _parameters(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0]
        path = ".".join(str(part) for part in first.get("loc", ())) or "$"
        error = ValidationError(f"{path}: {first.get('msg', 'invalid')}", path=path, field=path)
        return json_response(error.envelope(), error.status)

    app.add_exception_handler(ConnectraError, _own)
    app.add_exception_handler(ConnectraClientError, _upstream)
    app.add_exception_handler(RequestValidationError, _parameters)
