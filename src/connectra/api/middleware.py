"""ASGI middleware: API-key auth + per-key rate limit, request-body limit, CORS pre-flight."""

from __future__ import annotations

import hmac
import math
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectra.api.errors import error_response
from connectra.api.ratelimit import RateLimiter
from connectra.errors import PayloadTooLarge, RateLimitExceeded, Unauthorized
from connectra.limits import BODY_MAX_BYTES

OPEN_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
# Authorised by their URL signature (checked by the route), not by X-API-Key; uploads may be big.
# Exemptions name the method too: another route under the same prefix (say POST
# /common/uploads/filters/data matching /common/{service}/...) must not slip through.
SIGNED_ROUTES = (("PUT", "/common/uploads/"), ("GET", "/common/downloads/"))
# The web console's page and assets hold no data (the page asks for the key and sends it).
UI_PREFIX = "/ui"
DOCS_ASSETS = "/docs/assets"  # Swagger UI's and ReDoc's scripts and styles (connectra.api.docs)
UNLIMITED_BODY_ROUTE = ("PUT", "/common/uploads/")


def _signed(method: str, path: str) -> bool:
    return any(method == want and path.startswith(prefix) for want, prefix in SIGNED_ROUTES)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _open(method: str, path: str) -> bool:
    if path in OPEN_PATHS or method == "OPTIONS":
        return True
    static = _under(path, UI_PREFIX) or _under(path, DOCS_ASSETS)
    return static and method in ("GET", "HEAD")


def requires_key(method: str, path: str) -> bool:
    """Whether a request (or an OpenAPI operation: path templates work too) needs X-API-Key."""
    return not (_open(method, path) or _signed(method, path))


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class KeyChecker:
    """Constant-time comparison against every configured key (no early exit)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = [key.encode() for key in keys]

    def valid(self, presented: bytes | None) -> bool:
        if not presented:
            return False
        found = False
        for key in self._keys:
            found |= hmac.compare_digest(presented, key)
        return found


class AuthRateLimitMiddleware:
    """Authentication first (401), then the caller's bucket (429). Requests without a valid key
    are limited per client address, so guessing keys is throttled too."""

    def __init__(self, app: ASGIApp, *, keys: Sequence[str], limiter: RateLimiter) -> None:
        self.app = app
        self.checker = KeyChecker(keys)
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _open(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        presented = _header(scope, b"x-api-key")
        authorised = self.checker.valid(presented)
        client = scope.get("client") or ("unknown", 0)
        identity = (
            f"key:{presented.decode(errors='replace')}"
            if authorised and presented
            else (f"addr:{client[0]}")
        )
        decision = await self.limiter.take(identity)
        limits = {
            "X-RateLimit-Limit": str(self.limiter.capacity),
            "X-RateLimit-Remaining": str(decision.remaining),
        }
        if not decision.allowed:
            limits["Retry-After"] = str(max(1, math.ceil(decision.retry_after)))
            error = RateLimitExceeded("rate limit exceeded: too many requests, retry later")
            await error_response(error, limits)(scope, receive, send)
            return
        if not authorised and not _signed(scope["method"], scope["path"]):
            await error_response(Unauthorized("Invalid or missing API key"), limits)(
                scope, receive, send
            )
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in limits.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_limits)


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = BODY_MAX_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, prefix = UNLIMITED_BODY_ROUTE
        if scope["type"] != "http" or (
            scope["method"] == method and scope["path"].startswith(prefix)
        ):
            await self.app(scope, receive, send)
            return
        too_large = PayloadTooLarge(f"request body exceeds {self.max_bytes} bytes")
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(too_large)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await error_response(too_large)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


class PreflightCORSMiddleware(CORSMiddleware):
    """Starlette's CORS with the contract's 204 answer to pre-flight requests."""

    def preflight_response(self, request_headers: Any) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == HTTPStatus.OK:
            response.status_code = HTTPStatus.NO_CONTENT
            response.body = b""
            del response.headers["content-length"]
            del response.headers["content-type"]
        return response
