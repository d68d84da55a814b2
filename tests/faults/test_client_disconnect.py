"""A client that goes away with its request body half-sent (declared length or chunked) leaves
nothing half-written: no record, no object, no temporary file; the server goes on serving."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.acceptance.server import Server, running_server

PEOPLE = 500
SETTLE_S = 15.0  # how long the server may take to notice the disconnect and clean up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("disconnect") / "data", {}) as found:
        yield found


def _half_send(
    server: Server,
    method: str,
    target: str,
    body: bytes,
    *,
    chunked: bool,
    while_open: Callable[[], None] = lambda: time.sleep(0.3),
) -> None:
    """Send the head and half the body, wait in ``while_open`` (by default a moment for the
    server to start on the request), then close the connection without reading."""
    url = urlsplit(server.base)
    head = [f"{method} {target} HTTP/1.1", f"Host: {url.netloc}", f"X-API-Key: {server.key}",
            "Content-Type: application/json"]  # fmt: skip
    half = body[: len(body) // 2]
    if chunked:
        head.append("Transfer-Encoding: chunked")
        payload = f"{len(half):x}\r\n".encode() + half + b"\r\n"  # no terminating chunk
    else:
        head.append(f"Content-Length: {len(body)}")
        payload = half
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        while_open()


def _contacts(server: Server) -> int:
    with sqlite3.connect(server.data_dir / "connectra.db") as conn:
        return int(conn.execute("SELECT count(*) FROM contacts").fetchone()[0])


def _object_files(server: Server) -> list[Path]:
    root = server.data_dir / "objects"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _settled(check: Callable[[], object], expected: object) -> None:
    deadline = time.monotonic() + SETTLE_S
    while (found := check()) != expected:
        assert time.monotonic() < deadline, f"{found} != {expected}"
        time.sleep(0.1)


def _people() -> bytes:
    rows = [{"first_name": f"Half{n}", "last_name": "Sent", "email": f"half{n}@cut.io"}
            for n in range(PEOPLE)]  # fmt: skip
    return json.dumps({"contacts": rows}).encode()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("route", ["/contacts/bulk", "/contacts/create", "/common/batch-upsert"])
def test_a_half_sent_write_writes_nothing(server: Server, route: str, chunked: bool) -> None:
    body = _people()
    if route == "/common/batch-upsert":
        body = json.dumps(json.loads(body)["contacts"][:100]).encode()
    before = _contacts(server)
    _half_send(server, "POST", route, body, chunked=chunked)
    time.sleep(1.0)
    assert _contacts(server) == before
    with server.client() as client:
        assert client.post("/contacts/count", json={}).status_code == 200


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_half_sent_upload_leaves_no_object(server: Server, chunked: bool) -> None:
    with server.client() as client:
        upload = client.get("/common/upload-url", params={"filename": "cut.csv"}).json()
    url = urlsplit(upload["upload_url"])
    body = b"a,b\n" * 2**18

    def partial_file_appears() -> None:  # the server is writing the object when the client goes
        _settled(lambda: [p.suffix for p in _object_files(server)], [".part"])

    target = f"{url.path}?{url.query}"
    _half_send(server, "PUT", target, body, chunked=chunked, while_open=partial_file_appears)
    _settled(lambda: _object_files(server), [])
    with server.client() as client:
        link = client.get("/common/download-url", params={"s3_key": upload["s3_key"]})
    assert link.status_code == 404, link.text
