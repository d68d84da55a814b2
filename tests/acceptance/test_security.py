"""Security promises as tests against a real server: every route (enumerated from the app, so a
new one is covered automatically) needs the key, signed URLs cannot be bent, object keys stay in
their prefix, the body and head limits hold for raw HTTP, and API keys never leak."""

from __future__ import annotations

import contextlib
import re
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from connectra.api.app import create_app
from connectra.api.ratelimit import MemoryRateLimiter
from connectra.index.factory import open_index
from connectra.limits import BODY_MAX_BYTES
from connectra.objects.signing import UrlSigner, load_url_secret
from connectra.settings import Settings
from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.server import Server, assert_error, running_server

KEY = "sec-key-7f3a9c1e2b"
WRONG_KEY = "wrong-key-5d8e0a4b6c"
# The routes that answer without X-API-Key, and why: liveness, the API's own description (the
# documentation pages and their assets hold no data), the console's static page and assets (it
# asks for the key).
OPEN_PATHS = {"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
SIGNED = {("PUT", "/common/uploads/{key:path}"), ("GET", "/common/downloads/{key:path}")}
PARAMS = {"uuid": str(uuid.uuid4()), "service": "contact", "key": "uploads/x.csv"}
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")
PREFIX = "uploads"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("security") / "data"
    env = {"S3_UPLOAD_FILE_PATH_PRIFIX": PREFIX}
    with running_server(data_dir, env, key=KEY) as running:
        yield running


def _routes(tmp_path: Path) -> list[tuple[str, str]]:
    """(method, path template) of every route and mount of the app ``serve`` builds."""
    store = Store.from_url(f"sqlite:///{tmp_path}/routes.db")
    migrate.upgrade(store.engine)
    index = open_index(f"tantivy://{tmp_path}/index")
    try:
        app = create_app(Settings(), store, index, api_keys=[KEY], limiter=MemoryRateLimiter(1))
        found: list[tuple[str, str]] = []
        for route in iter_route_contexts(app.routes):  # included routers flattened, as OpenAPI
            if isinstance(route.original_route, Mount):
                found += [(method, f"{route.path}/x") for method in METHODS]
            else:
                found += [(method, str(route.path)) for method in sorted(route.methods or ())]
        return found
    finally:
        index.close()
        store.dispose()


def _concrete(template: str) -> str:
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: PARAMS[m.group(1)], template)


STATIC_PREFIXES = ("/ui", "/docs/assets")


def _is_open(method: str, template: str) -> bool:
    static = any(template == p or template.startswith(p + "/") for p in STATIC_PREFIXES)
    return template in OPEN_PATHS or (static and method in ("GET", "HEAD"))


def test_every_route_refuses_a_missing_or_wrong_key(server: Server, tmp_path: Path) -> None:
    routes = _routes(tmp_path)
    assert len(routes) >= 45  # the enumeration found the API, not an empty app
    checked = 0
    for method, template in routes:
        if _is_open(method, template):
            continue
        url = f"{server.base}{_concrete(template)}"
        for headers in ({}, {"X-API-Key": WRONG_KEY}, {"X-API-Key": ""}):
            answer = httpx.request(method, url, headers=headers, json={})
            if (method, template) in SIGNED:  # authorised by the URL's signature instead
                assert_error(answer, 403, "FORBIDDEN")
            else:
                assert_error(answer, 401, "UNAUTHORIZED")
            assert WRONG_KEY not in answer.text
        checked += 1
    assert checked > 35


def test_the_open_routes_are_exactly_these(server: Server, tmp_path: Path) -> None:
    opened = {
        t for m, t in _routes(tmp_path) if _is_open(m, t) and not t.startswith(STATIC_PREFIXES)
    }
    assert opened == OPEN_PATHS
    assert httpx.get(f"{server.base}/health").status_code == 200


def _upload_link(server: Server) -> dict[str, str]:
    with server.client() as client:
        answer = client.get("/common/upload-url", params={"filename": "a.csv"})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


def _local(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_tampered_expired_and_retargeted_signed_urls_are_refused(server: Server) -> None:
    link = _upload_link(server)
    path, query = _local(link["upload_url"])
    put = f"{server.base}{path}"
    flipped = query["signature"][:-1] + ("0" if query["signature"][-1] != "0" else "1")
    cases = {
        "tampered": (put, {**query, "signature": flipped}),
        "longer expiry": (put, {**query, "expires": str(int(query["expires"]) + 3600)}),
        "other key": (put.replace("a.csv", "b.csv"), query),
        "other method": (put.replace("/common/uploads/", "/common/downloads/"), query),
        "other bucket": (put, {**query, "bucket": "elsewhere"}),
        "no signature": (put, {"expires": query["expires"]}),
    }
    for name, (url, params) in cases.items():
        method = "GET" if "/downloads/" in url else "PUT"
        answer = httpx.request(method, url, params=params, content=b"x")
        assert answer.status_code == 403, (name, answer.text)
    signer = UrlSigner(load_url_secret(server.data_dir), server.base, clock=lambda: 1_000_000)
    expired_path, expired = _local(signer.url("PUT", link["s3_key"], 60))
    answer = httpx.put(f"{server.base}{expired_path}", params=expired, content=b"x")
    assert_error(answer, 403, "FORBIDDEN")
    assert "expired" in answer.json()["error"]
    genuine = httpx.put(put, params=query, content=b"a,b\n")
    assert genuine.status_code in (200, 201), genuine.text


def _signed_get(server: Server, key: str) -> httpx.Response:
    """A download URL validly signed for ``key`` (as if the signer were fooled), key encoded."""
    signer = UrlSigner(load_url_secret(server.data_dir), server.base)
    _path, query = _local(signer.url("GET", key, 60))
    path = "/common/downloads/" + quote(key, safe="")  # every separator and dot encoded
    return httpx.get(f"{server.base}{path}", params=query)


def test_object_keys_never_leave_their_prefix(server: Server, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret")
    objects = server.data_dir / "objects" / PREFIX
    objects.mkdir(parents=True, exist_ok=True)
    (objects / "link").symlink_to(outside, target_is_directory=True)
    escapes = [
        "../secret.txt",
        f"{PREFIX}/../../secret.txt",
        f"/{PREFIX}/a.csv",
        str(outside / "secret.txt"),
        f"{PREFIX}/link/secret.txt",
        f"{PREFIX}/./a.csv",
        f"{PREFIX}\\..\\a.csv",
        f"{PREFIX}/a\x00.csv",
        "other/a.csv",
    ]
    with server.client() as client:
        for key in escapes:
            answer = client.get("/common/download-url", params={"s3_key": key})
            assert_error(answer, 400, "VALIDATION_ERROR")
            signed = _signed_get(server, key)
            assert signed.status_code == 400, (key, signed.status_code, signed.text)
            assert "top secret" not in signed.text
        encoded = client.get(f"/common/downloads/{PREFIX}%2F..%2F..%2Fsecret.txt")
        assert encoded.status_code in (400, 403, 404)
        for filename in ("../../evil.csv", "/etc/evil.csv", "a/../../evil.csv", "..", "%2e%2e"):
            answer = client.get("/common/upload-url", params={"filename": filename})
            if answer.status_code == 400:  # refused outright, or confined below
                continue
            key = answer.json()["s3_key"]
            assert key.startswith(f"{PREFIX}/"), key
            assert ".." not in key.split("/"), key
    assert not list(tmp_path.glob("**/evil.csv"))


def _raw(server: Server, payload: bytes) -> bytes:
    """Send bytes on one connection; read one response (head and Content-Length body)."""
    url = urlsplit(server.base)
    with socket.create_connection((url.hostname, url.port), timeout=60) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
                head, sep, body = answer.partition(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                if sep and length and len(body) >= int(length.group(1)):
                    break
    return answer


def _chunked(size: int) -> Iterator[bytes]:
    piece = b"[" + b" " * (1024 * 1024 - 2) + b"]"
    sent = 0
    while sent < size:
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
        sent += len(piece)
    yield b"0\r\n\r\n"


def test_the_body_limit_holds_for_chunked_bodies(server: Server) -> None:
    head = (
        b"POST /contacts/bulk HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY.encode() + b"\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer = _raw(server, head + b"".join(_chunked(BODY_MAX_BYTES + 2 * 1024 * 1024)))
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == b"413", answer[:200]
    assert b"PAYLOAD_TOO_LARGE" in answer
    assert httpx.get(f"{server.base}/health").status_code == 200


def test_absurd_headers_and_paths_are_refused_cleanly(server: Server) -> None:
    long_path = b"GET /contacts/" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status = _raw(server, long_path).split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 431 "), status
    with server.client() as client:
        long_header = client.get("/health", headers={"X-Big": "b" * 70_000})
        assert_error(long_header, 431, "HEADERS_TOO_LARGE")
        long_segment = client.get("/contacts/" + "a" * 8000)
        assert_error(long_segment, 400, "VALIDATION_ERROR")
        assert client.get("/health").status_code == 200


def test_api_keys_never_appear_in_logs_errors_or_jobs(server: Server) -> None:
    with server.client() as client:
        bad = {"X-API-Key": WRONG_KEY}
        for _ in range(3):
            assert WRONG_KEY not in httpx.post(f"{server.base}/contacts", headers=bad).text
        answers = [
            client.post("/contacts", json={"where": {"nope": 1}}),
            client.post("/contacts/create", json={"email": "not an email"}),
            client.post("/common/jobs/create", json={"job_type": "make_coffee", "job_data": {}}),
            client.post(
                "/common/jobs/create", json={"job_type": "insert_csv_file", "job_data": {}}
            ),
            client.get("/no/such/route"),
        ]
        for answer in answers:
            assert KEY not in answer.text
            assert WRONG_KEY not in answer.text
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # let the runners fail the jobs (they log failures)
            jobs = client.post("/common/jobs", json={"status": ["open", "in_queue"]}).json()
            if not jobs["data"]:
                break
            time.sleep(0.2)
    engine = sa.create_engine(f"sqlite:///{server.data_dir}/connectra.db")
    with engine.connect() as conn:
        rows = [str(tuple(row)) for row in conn.execute(sa.text("SELECT * FROM jobs"))]
    engine.dispose()
    assert len(rows) >= 2
    for row in rows:
        assert KEY not in row
        assert WRONG_KEY not in row
    logs = "".join(p.read_text() for p in server.data_dir.parent.glob("server-*.log"))
    assert KEY not in logs
    assert WRONG_KEY not in logs
