"""Every error the API answers is the contract's envelope (CONTRACT.md §d.2, style A):
our error tree through one handler, the router's 404/405 through another, and anything
unexpected through :class:`UnhandledErrorMiddleware` as a 500 that never shows its cause."""

from __future__ import annotations

import logging
from http import HTTPStatus

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectra.errors import BadRequest, ConnectraError, MethodNotAllowed, NotFound

log = logging.getLogger(__name__)


def error_response(error: ConnectraError, headers: dict[str, str] | None = None) -> Response:
    """Error style A (CONTRACT.md §d.2), for handlers and middleware alike."""
    return Response(
        orjson.dumps(error.envelope()),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


def _http_error(request: Request, exc: HTTPException) -> ConnectraError:
    """The router's own refusals (unknown path, wrong method) as our errors."""
    where = f"{request.method} {request.url.path}"
    if exc.status_code == HTTPStatus.NOT_FOUND:
        return NotFound(f"no route for {where}")
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        return MethodNotAllowed(f"method not allowed: {where}")
    if exc.status_code < HTTPStatus.INTERNAL_SERVER_ERROR:
        return BadRequest(str(exc.detail))
    return ConnectraError("An unexpected error occurred")


def install_error_handlers(app: FastAPI) -> None:
    async def _connectra_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConnectraError)
        return error_response(exc)

    async def _starlette_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(_http_error(request, exc), dict(exc.headers or {}))

    app.add_exception_handler(ConnectraError, _connectra_error)
    app.add_exception_handler(HTTPException, _starlette_error)


def _request_id(scope: Scope) -> str:
    """The id a request-id middleware put on ``request.state`` (``-`` without one)."""
    state = Request(scope).state
    return str(getattr(state, "request_id", None) or "-")


class UnhandledErrorMiddleware:
    """Any exception nothing else handled: logged with its traceback and the request id, and
    answered as a 500 ``INTERNAL_ERROR`` envelope that names neither the exception nor its
    message (those may hold a DSN, a path or data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception(
                "unhandled error in %s %s (request %s)",
                scope.get("method"),
                scope.get("path"),
                _request_id(scope),
            )
            if started:  # too late for an envelope: the connection is cut short instead
                raise
            error = ConnectraError("An unexpected error occurred")
            await error_response(error)(scope, receive, send)
