"""A real HTTP server on 127.0.0.1 that answers from a script: failures on purpose, counted.

Used to test retries, backoff and error mapping against real sockets (not a mock transport):
each path has a list of actions played in order, the last one repeating; every request is
recorded with its arrival time, headers and JSON body.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: {"success": True, "data": []})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Close:
    """Read the request, then drop the connection without a single byte of answer."""


Action = Reply | Close


@dataclass
class Seen:
    method: str
    path: str
    at: float
    headers: dict[str, str]
    body: Any


class ScriptedServer:
    def __init__(self) -> None:
        self.script: dict[str, list[Action]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def plan(self, path: str, *actions: Action) -> None:
        with self._lock:
            self.script[path] = list(actions)

    def hits(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def next_action(self, seen: Seen) -> Action:
        with self._lock:
            self.requests.append(seen)
            actions = self.script.get(seen.path.split("?")[0]) or [Reply(404, _not_found())]
            return actions.pop(0) if len(actions) > 1 else actions[0]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)


def _not_found() -> dict[str, Any]:
    return {"success": False, "error": "no such route", "error_code": "NOT_FOUND"}


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            seen = Seen(
                self.command,
                self.path,
                time.monotonic(),
                dict(self.headers.items()),
                json.loads(raw) if raw else None,
            )
            action = server.next_action(seen)
            if isinstance(action, Close):
                self.close_connection = True
                return
            time.sleep(action.delay)
            payload = json.dumps(action.body).encode()
            try:
                self.send_response(action.status)
                for name, value in {"Content-Type": "application/json", **action.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up first (timeout tests)
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    return Handler


@contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
