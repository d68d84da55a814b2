"""One handler that renders the error tree as the contract's envelope."""

from __future__ import annotations

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response

from connectra.errors import ConnectraError


def error_response(error: ConnectraError, headers: dict[str, str] | None = None) -> Response:
    """Error style A (CONTRACT.md §d.2), for handlers and middleware alike."""
    return Response(
        orjson.dumps(error.envelope()),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    async def _connectra_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConnectraError)
        return error_response(exc)

    app.add_exception_handler(ConnectraError, _connectra_error)
