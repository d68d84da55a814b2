"""Limits of the HTTP edge over a real server: request heads over 64 KiB are refused with a 431
before they are buffered (and /health answers meanwhile), forwarded headers are believed from
configured proxies only, and signed transfers have buckets of their own."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson

from tests.acceptance.server import Server, running_server

HEAD_LIMIT = 64 * 1024
SLOW_CHUNK = 16 * 1024
HEALTH_BUDGET_S = 2.0


def _raw(server: Server, payload: bytes, *, timeout: float = 30.0) -> bytes:
    """Send bytes on one connection and read until the server closes it."""
    url = urlsplit(server.base)
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        # The server may answer and close before taking everything: its answer is still read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _status_and_body(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), orjson.loads(body)


def test_a_huge_header_is_a_431_and_health_stays_responsive(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {}) as server:
        fine = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 60_000 + b"\r\n\r\n"
        assert b" 200 " in _raw(server, fine).split(b"\r\n", 1)[0]

        one_big = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 * 1024 * 1024)
        status, body = _status_and_body(_raw(server, one_big + b"\r\n\r\n"))
        assert status == 431
        assert body["error_code"] == "HEADERS_TOO_LARGE"

        many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(1000))
        status, _ = _status_and_body(_raw(server, b"GET /health HTTP/1.1\r\n" + many + b"\r\n"))
        assert status == 431
        long_path = b"GET /" + b"p" * (HEAD_LIMIT + 1) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        assert _status_and_body(_raw(server, long_path))[0] == 431

        # A slow sender: /health answers within budget while it trickles its header.
        url = urlsplit(server.base)
        slow = socket.create_connection((url.hostname, url.port), timeout=30)
        refused = threading.Event()

        def trickle() -> None:
            try:
                slow.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                for _ in range(2 * HEAD_LIMIT // SLOW_CHUNK + 2):
                    slow.sendall(b"s" * SLOW_CHUNK)
                    time.sleep(0.05)
            except OSError:
                refused.set()

        sender = threading.Thread(target=trickle)
        sender.start()
        worst = 0.0
        for _ in range(10):
            start = time.monotonic()
            assert httpx.get(f"{server.base}/health", timeout=10).status_code == 200
            worst = max(worst, time.monotonic() - start)
        sender.join(timeout=30)
        answer = slow.recv(65536)
        slow.close()
        assert b" 431 " in answer.split(b"\r\n", 1)[0]
        assert worst < HEALTH_BUDGET_S, worst


def _unauthenticated_statuses(server: Server, spoofs: int) -> list[int]:
    return [
        httpx.get(
            f"{server.base}/common/jobs", headers={"X-Forwarded-For": f"10.0.0.{i}"}
        ).status_code
        for i in range(spoofs)
    ]


def test_forwarded_headers_are_believed_from_trusted_proxies_only(tmp_path: Path) -> None:
    limited = {"MAX_REQUESTS_PER_MINUTE": "3"}
    with running_server(tmp_path / "a", limited) as server:
        assert _unauthenticated_statuses(server, 5)[3:] == [429, 429]
    with running_server(tmp_path / "b", {**limited, "TRUSTED_PROXIES": "127.0.0.1"}) as server:
        assert _unauthenticated_statuses(server, 5) == [401] * 5


def test_signed_transfers_have_their_own_bucket(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {"MAX_REQUESTS_PER_MINUTE": "3"}) as server:
        with server.client() as client:
            link = client.get("/common/upload-url", params={"filename": "a.csv"}).json()
        flood = [httpx.get(f"{server.base}/contacts/count").status_code for _ in range(6)]
        assert flood[-1] == 429
        target = urlsplit(link["upload_url"])
        put = httpx.put(f"{server.base}{target.path}?{target.query}", content=b"a,b\n1,2\n")
        assert put.status_code in (200, 201), put.text
