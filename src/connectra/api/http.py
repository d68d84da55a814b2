"""The HTTP/1.1 protocol ``connectra serve`` runs: uvicorn's httptools protocol with a bound on
the request head (request line + headers) counted as the bytes arrive, before the parser buffers
them. Over :data:`HEADERS_MAX_BYTES` the client gets a 431 envelope and the connection is closed,
so one client sending a huge header can neither grow the process nor stall the event loop."""

from __future__ import annotations

from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from connectra.errors import HeadersTooLarge
from connectra.limits import HEADERS_MAX_BYTES

HEAD_END = b"\r\n\r\n"
STATUS_LINE = b"HTTP/1.1 431 Request Header Fields Too Large\r\n"


def _refusal() -> bytes:
    error = HeadersTooLarge(f"request line and headers exceed {HEADERS_MAX_BYTES} bytes")
    body = orjson.dumps(error.envelope())
    head = (
        b"content-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
    )
    return STATUS_LINE + head + body


class BoundedHeadProtocol(HttpToolsProtocol):
    """Counts each request's head while it arrives; the parser never sees more than the bound."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes: int | None = 0  # None: this request's head is complete
        self._tail = b""  # the last bytes seen, for a terminator split across reads

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            seen = self._tail + data
            end = seen.find(HEAD_END)
            fresh = len(data) if end < 0 else end + len(HEAD_END) - len(self._tail)
            total = self._head_bytes + fresh
            if total > HEADERS_MAX_BYTES:
                self.transport.write(_refusal())
                self.transport.close()
                return
            self._head_bytes = None if end >= 0 else total
            self._tail = seen[-(len(HEAD_END) - 1) :]
        super().data_received(data)

    def on_message_complete(self) -> None:
        self._head_bytes, self._tail = 0, b""  # the next request on this connection
        super().on_message_complete()
