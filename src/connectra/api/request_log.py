"""The outermost middleware: a request id for every request, one log line and the request
metrics once it is answered (route template, status, duration, key id, client, bytes)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectra.api.keys import key_id
from connectra.api.metrics import record_pool
from connectra.api.middleware import KeyChecker
from connectra.instruments import instruments
from connectra.store.database import Store

REQUEST_ID_HEADER = "X-Request-ID"
UNMATCHED_ROUTE = "<unmatched>"  # one label for every unknown path: raw paths are unbounded
ANONYMOUS = "anonymous"
# A caller's request id is kept when it is short and plain, so it cannot forge log lines.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SERVER_ERROR = 500
_TOO_MANY_REQUESTS = 429

log = logging.getLogger("connectra.request")


@dataclass(slots=True)
class _Answer:
    status: int = _SERVER_ERROR  # until the response starts: an exception means a 500
    sent: int = 0


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def request_id(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` when acceptable, else API Gateway's id of the request (in
    Lambda), else a new one."""
    given = _header(scope, b"x-request-id")
    if given and _ACCEPTED_ID.match(given):
        return given
    gateway = scope.get("aws.event", {}).get("requestContext", {}).get("requestId")
    return gateway if isinstance(gateway, str) and _ACCEPTED_ID.match(gateway) else uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The path template the router matched (``/contacts/{uuid}``), never the raw path."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, *, keys: Sequence[str], store: Store) -> None:
        self.app = app
        self.checker = KeyChecker(keys)
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid  # request.state.request_id
        started = time.perf_counter()
        answer = _Answer()

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.status = int(message["status"])
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, rid)
            elif message["type"] == "http.response.body":
                answer.sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        except Exception:
            answer.status = _SERVER_ERROR
            log.exception("request %s failed", rid, extra={"fields": {"request_id": rid}})
            raise
        finally:
            self._record(scope, rid, answer, time.perf_counter() - started)

    def _key_id(self, scope: Scope) -> str | None:
        presented = _header(scope, b"x-api-key")
        if presented and self.checker.valid(presented.encode("latin-1")):
            return key_id(presented)
        return None  # never a hash of a wrong key: guesses would make unbounded labels

    def _record(self, scope: Scope, rid: str, answer: _Answer, seconds: float) -> None:
        route, method, status = route_template(scope), str(scope["method"]), answer.status
        key = self._key_id(scope)
        meters = instruments()
        meters.requests.labels(method, route, str(status)).inc()
        meters.request_seconds.labels(method, route, str(status)).observe(seconds)
        if status == _TOO_MANY_REQUESTS:
            meters.rate_limited.labels(key or ANONYMOUS).inc()
        record_pool(self.store)
        client = scope.get("client")
        fields = {
            "request_id": rid,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "key_id": key,
            "client": client[0] if client else None,
            "bytes": answer.sent,
        }
        level = logging.ERROR if status >= _SERVER_ERROR else logging.INFO
        log.log(level, "%s %s %d", method, route, status, extra={"fields": fields})
