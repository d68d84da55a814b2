"""The gateway's own API-key check (``X-API-Key``, any of ``GATEWAY_API_KEYS``)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from connectra.api.middleware import KeyChecker
from connectra.gateway.errors import GatewayUnauthorized, json_response

OPEN_PATHS = frozenset({"/health/vql", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


class GatewayAuthMiddleware:
    """401 unless the request carries one of ``keys`` (constant-time compare, no early exit).
    Not installed at all when no keys are configured (loopback only, see settings)."""

    def __init__(self, app: ASGIApp, *, keys: Sequence[str]) -> None:
        self.app = app
        self.checker = KeyChecker(keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        presented = dict(scope.get("headers", ())).get(b"x-api-key")
        if not self.checker.valid(presented):
            error = GatewayUnauthorized("missing or invalid X-API-Key")
            await json_response(error.envelope(), error.status)(scope, receive, send)
            return
        await self.app(scope, receive, send)
