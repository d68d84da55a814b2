"""The object routes over real HTTP (uvicorn in a thread), behind the real auth and body-limit
middleware; the full-server flow is in test_http.py."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from connectra.api.errors import install_error_handlers
from connectra.api.middleware import AuthRateLimitMiddleware, BodyLimitMiddleware
from connectra.api.ratelimit import MemoryRateLimiter
from connectra.api.routes.objects import objects_router
from connectra.objects.base import ObjectStore
from connectra.objects.local import LocalObjectStore
from connectra.objects.memory import MemoryObjectStore
from connectra.objects.s3 import S3ObjectStore
from connectra.objects.signing import UrlSigner
from connectra.settings import Settings
from tests.acceptance.server import free_port
from tests.objects.conftest import SECRET

API_KEY = "route-key"
MIB = 1024 * 1024
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def _app(store: ObjectStore, settings: Settings) -> FastAPI:
    app = FastAPI()
    app.state.settings = settings
    app.state.objects = store
    install_error_handlers(app)
    app.include_router(objects_router(settings.s3_upload_file_path_prifix))
    app.add_middleware(AuthRateLimitMiddleware, keys=[API_KEY], limiter=MemoryRateLimiter(100_000))
    app.add_middleware(BodyLimitMiddleware)
    return app


@pytest.fixture
def settings() -> Settings:
    return Settings(s3_upload_url_ttl_hours=2, s3_upload_file_path_prifix="uploads/")


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[httpx.Client]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def base(port: int) -> str:
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def local_store(tmp_path: Path, base: str) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects", "uploads", UrlSigner(SECRET, base))


@pytest.fixture
def client(local_store: LocalObjectStore, settings: Settings, port: int) -> Iterator[httpx.Client]:
    with serving(_app(local_store, settings), port) as http:
        yield http


def _path(url: str) -> str:
    split = urlsplit(url)
    return f"{split.path}?{split.query}"


def test_upload_then_download_without_the_api_key(
    client: httpx.Client, local_store: LocalObjectStore, base: str
) -> None:
    answer = client.get(
        "/common/upload-url", params={"filename": "../people.csv"}, headers={"X-API-Key": API_KEY}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"success", "upload_url", "s3_key", "expires_in"}
    assert body["success"] is True
    assert body["expires_in"] == "2h0m0s"
    assert re.fullmatch(rf"uploads/{UUID}_people\.csv", body["s3_key"])
    assert body["upload_url"].startswith(f"{base}/common/uploads/{body['s3_key']}?")

    payload = os.urandom(12 * MIB)  # over the 10 MiB API body limit
    chunks = (payload[i : i + MIB] for i in range(0, len(payload), MIB))
    put = client.put(_path(body["upload_url"]), content=chunks)
    assert put.status_code == 200, put.text
    assert put.json() == {"success": True, "s3_key": body["s3_key"]}
    assert local_store.path(body["s3_key"]).stat().st_size == len(payload)

    answer = client.get(
        "/common/download-url", params={"s3_key": body["s3_key"]}, headers={"X-API-Key": API_KEY}
    )
    assert answer.status_code == 200
    link = answer.json()
    assert link["success"] is True
    assert link["s3_key"] == body["s3_key"]
    assert link["expires_in"] == "2h0m0s"
    got = client.get(_path(link["download_url"]))
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert got.content == payload


def test_url_routes_need_the_api_key(client: httpx.Client) -> None:
    assert client.get("/common/upload-url", params={"filename": "a.csv"}).status_code == 401
    assert client.get("/common/download-url", params={"s3_key": "uploads/a"}).status_code == 401


def test_other_routes_keep_the_body_limit(client: httpx.Client) -> None:
    big = b"x" * (10 * MIB + 1)
    answer = client.put("/common/upload-urlx", content=big, headers={"X-API-Key": API_KEY})
    assert answer.status_code == 413


def _signed(client: httpx.Client, filename: str = "a.csv") -> tuple[str, str]:
    body = client.get(
        "/common/upload-url", params={"filename": filename}, headers={"X-API-Key": API_KEY}
    ).json()
    return body["s3_key"], _path(body["upload_url"])


def test_tampered_and_expired_signatures_are_403(
    client: httpx.Client, local_store: LocalObjectStore, base: str
) -> None:
    key, url = _signed(client)
    tampered = re.sub(
        r"signature=([0-9a-f])", lambda m: "signature=" + ("1" if m[1] == "0" else "0"), url
    )
    for bad in (
        tampered,
        url.replace("expires=", "expires=1"),
        url.split("?")[0],
        url.replace(key, key.replace(".csv", ".txt")),
    ):
        answer = client.put(bad, content=b"x")
        assert answer.status_code == 403, bad
        assert answer.json()["error_code"] == "FORBIDDEN"
    expired = UrlSigner(SECRET, base, clock=lambda: time.time() - 7200).url("PUT", key, 60)
    answer = client.put(_path(expired), content=b"x")
    assert answer.status_code == 403
    assert "expired" in answer.json()["message"]
    # An upload URL never downloads, and nothing was written by the refused requests.
    assert client.get(url.replace("/common/uploads/", "/common/downloads/")).status_code == 403
    assert not local_store.exists(key)


def test_missing_filename_and_key(client: httpx.Client) -> None:
    headers = {"X-API-Key": API_KEY}
    for params in ({}, {"filename": ""}, {"filename": "dir/"}):
        answer = client.get("/common/upload-url", params=params, headers=headers)
        assert answer.status_code == 400
        assert answer.json()["error"].startswith("ERR_FILENAME_REQUIRED")
    for params in ({}, {"s3_key": ""}):
        answer = client.get("/common/download-url", params=params, headers=headers)
        assert answer.status_code == 400
        assert answer.json()["error"].startswith("ERR_S3_KEY_REQUIRED")


def test_traversal_and_foreign_keys_are_400(client: httpx.Client) -> None:
    headers = {"X-API-Key": API_KEY}
    for key in ("uploads/../../etc/passwd", "../api_key", "/etc/passwd", "other/x.csv"):
        answer = client.get("/common/download-url", params={"s3_key": key}, headers=headers)
        assert answer.status_code == 400, key
        assert answer.json()["error_code"] == "VALIDATION_ERROR"
        assert key in answer.json()["message"]
    for method, path in (
        ("PUT", "/common/uploads/uploads/%2E%2E/%2E%2E/x"),
        ("GET", "/common/downloads/uploads/%2E%2E/api_key"),
        ("GET", "/common/downloads/other/x"),
    ):
        answer = client.request(method, path)
        assert answer.status_code == 400, path
        assert "invalid object key" in answer.json()["message"]
    answer = client.get(
        "/common/upload-url", params={"filename": "a.csv", "bucket": "../x"}, headers=headers
    )
    assert answer.status_code == 400


def test_unknown_object_is_404(client: httpx.Client) -> None:
    answer = client.get(
        "/common/download-url",
        params={"s3_key": "uploads/nope.csv"},
        headers={"X-API-Key": API_KEY},
    )
    assert answer.status_code == 404
    assert answer.json()["error_code"] == "NOT_FOUND"


def test_failed_upload_leaves_nothing(client: httpx.Client, local_store: LocalObjectStore) -> None:
    key, url = _signed(client)

    def broken() -> Iterator[bytes]:
        yield b"x" * MIB
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        client.put(url, content=broken())
    deadline = time.monotonic() + 10  # the server notices the disconnect on its own time
    while [p for p in local_store.root.rglob("*") if p.is_file()]:
        assert time.monotonic() < deadline, "the partial upload was not discarded"
        time.sleep(0.05)
    assert not local_store.exists(key)


def test_bucket_is_part_of_the_signature(
    client: httpx.Client, local_store: LocalObjectStore
) -> None:
    headers = {"X-API-Key": API_KEY}
    body = client.get(
        "/common/upload-url", params={"filename": "b.csv", "bucket": "team-b"}, headers=headers
    ).json()
    url = _path(body["upload_url"])
    assert "bucket=team-b" in url
    assert client.put(url.replace("team-b", "team-c"), content=b"x").status_code == 403
    assert client.put(url, content=b"in team-b").status_code == 200
    assert (local_store.root / "team-b" / body["s3_key"]).read_bytes() == b"in team-b"
    answer = client.get("/common/download-url", params={"s3_key": body["s3_key"]}, headers=headers)
    assert answer.status_code == 404  # not in the default bucket
    answer = client.get(
        "/common/download-url",
        params={"s3_key": body["s3_key"], "bucket": "team-b"},
        headers=headers,
    )
    assert client.get(_path(answer.json()["download_url"])).content == b"in team-b"


def test_memory_store_with_a_signer_serves_transfers(
    settings: Settings, port: int, base: str
) -> None:
    store = MemoryObjectStore("uploads", UrlSigner(SECRET, base))
    with serving(_app(store, settings), port) as client:
        key, url = _signed(client)
        assert client.put(url, content=b"kept in memory").status_code == 200
        assert store.objects[("default", key)] == b"kept in memory"


def test_s3_store_hands_out_presigned_urls(
    s3_store: S3ObjectStore, settings: Settings, port: int
) -> None:
    headers = {"X-API-Key": API_KEY}
    with serving(_app(s3_store, settings), port) as client:
        body = client.get(
            "/common/upload-url", params={"filename": "s3.csv"}, headers=headers
        ).json()
        assert f"/{s3_store.bucket}/{body['s3_key']}?" in body["upload_url"]
        assert "X-Amz-Expires=7200" in body["upload_url"]
        put = httpx.put(
            body["upload_url"],
            content=b"a,b\n",
            headers={"Content-Type": "application/octet-stream"},
        )
        assert put.status_code == 200
        answer = client.get(
            "/common/download-url", params={"s3_key": body["s3_key"]}, headers=headers
        )
        assert answer.status_code == 200
        assert httpx.get(answer.json()["download_url"]).content == b"a,b\n"
        # The embedded transfer routes are for the local store only.
        assert client.put(f"/common/uploads/{body['s3_key']}", content=b"x").status_code == 404
