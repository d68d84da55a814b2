"""One handler that renders the error tree as the contract's envelope."""

from __future__ import annotations

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response

from connectra.errors import ConnectraError


def error_response(error: ConnectraError) -> Response:
    return Response(
        orjson.dumps(error.envelope()), status_code=error.status, media_type="application/json"
    )


def install_error_handlers(app: FastAPI) -> None:
    async def _connectra_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConnectraError)
        return error_response(exc)

    app.add_exception_handler(ConnectraError, _connectra_error)
