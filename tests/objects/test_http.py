"""The embedded upload flow against a real ``connectra serve`` process (local object store)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from connectra.objects.signing import SECRET_FILE, UrlSigner
from tests.acceptance.server import Server, running_server

MIB = 1024 * 1024
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("objects-server") / "data"
    with running_server(data_dir, {"S3_UPLOAD_URL_TTL_HOURS": "3"}) as running:
        yield running


def _upload_url(server: Server, filename: str) -> dict[str, Any]:
    with server.client() as client:
        answer = client.get("/common/upload-url", params={"filename": filename})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _secret(server: Server) -> bytes:
    return (server.data_dir / SECRET_FILE).read_bytes()


def test_upload_and_download_round_trip_without_the_api_key(server: Server) -> None:
    body = _upload_url(server, "people list.csv")
    assert body["success"] is True
    assert body["expires_in"] == "3h0m0s"
    assert re.fullmatch(rf"uploads/{UUID}_people list\.csv", body["s3_key"])
    assert body["upload_url"].startswith(f"{server.base}/common/uploads/uploads/")

    payload = os.urandom(12 * MIB) + b"last line\n"  # over the API's 10 MiB body limit
    chunks = (payload[i : i + MIB] for i in range(0, len(payload), MIB))
    put = httpx.put(body["upload_url"], content=chunks, timeout=60)  # no X-API-Key
    assert put.status_code == 200, put.text
    assert put.json() == {"success": True, "s3_key": body["s3_key"]}
    stored = server.data_dir / "objects" / body["s3_key"]
    assert stored.stat().st_size == len(payload)

    with server.client() as client:
        answer = client.get("/common/download-url", params={"s3_key": body["s3_key"]})
    assert answer.status_code == 200, answer.text
    link = answer.json()
    assert link["success"] is True
    assert link["s3_key"] == body["s3_key"]
    assert link["expires_in"] == "3h0m0s"
    assert link["download_url"].startswith(f"{server.base}/common/downloads/uploads/")

    digest = hashlib.sha256()
    with httpx.stream("GET", link["download_url"], timeout=60) as got:  # no X-API-Key
        assert got.status_code == 200
        for chunk in got.iter_bytes():
            digest.update(chunk)
    assert digest.digest() == hashlib.sha256(payload).digest()


def test_url_secret_is_private(server: Server) -> None:
    path = server.data_dir / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    assert path.read_bytes() != server.key.encode()


def test_tampered_signature_is_403(server: Server) -> None:
    body = _upload_url(server, "a.csv")
    url = body["upload_url"]
    signature = re.search(r"signature=([0-9a-f]+)", url)
    assert signature is not None
    flipped = ("1" if signature[1][0] == "0" else "0") + signature[1][1:]
    for bad in (
        url.replace(signature[1], flipped),
        url.replace("expires=", "expires=9"),
        url.split("?")[0],
        url.replace("a.csv", "b.csv"),
    ):
        answer = httpx.put(bad, content=b"x")
        assert answer.status_code == 403, bad
        assert answer.json()["error_code"] == "FORBIDDEN"
    as_download = url.replace("/common/uploads/", "/common/downloads/")
    assert httpx.get(as_download).status_code == 403  # an upload URL never downloads
    with server.client() as client:
        answer = client.get("/common/download-url", params={"s3_key": body["s3_key"]})
    assert answer.status_code == 404  # nothing was written


def test_expired_url_is_403(server: Server) -> None:
    key = _upload_url(server, "late.csv")["s3_key"]
    yesterday = UrlSigner(_secret(server), server.base, clock=lambda: time.time() - 86_400)
    answer = httpx.put(yesterday.url("PUT", key, 3600), content=b"x")
    assert answer.status_code == 403
    assert "expired" in answer.json()["message"]
    fresh = UrlSigner(_secret(server), server.base)  # the same secret signs a valid one
    assert httpx.put(fresh.url("PUT", key, 60), content=b"x").status_code == 200


def test_missing_filename_is_400(server: Server) -> None:
    with server.client() as client:
        for params in ({}, {"filename": ""}, {"filename": "../"}):
            answer = client.get("/common/upload-url", params=params)
            assert answer.status_code == 400
            assert answer.json()["error"].startswith("ERR_FILENAME_REQUIRED")
        answer = client.get("/common/download-url")
        assert answer.status_code == 400
        assert answer.json()["error"].startswith("ERR_S3_KEY_REQUIRED")


def test_path_traversal_is_400(server: Server) -> None:
    with server.client() as client:
        for key in ("uploads/../../api_key", "../url_secret", "/etc/passwd", "api_key"):
            answer = client.get("/common/download-url", params={"s3_key": key})
            assert answer.status_code == 400, key
            assert answer.json()["error_code"] == "VALIDATION_ERROR"
    for method, path in (
        ("PUT", "/common/uploads/uploads/%2E%2E/%2E%2E/api_key"),
        ("GET", "/common/downloads/uploads/%2E%2E/%2E%2E/url_secret"),
    ):
        answer = httpx.request(method, server.base + path)
        assert answer.status_code == 400, path


def test_unknown_object_is_404(server: Server) -> None:
    with server.client() as client:
        answer = client.get("/common/download-url", params={"s3_key": "uploads/none.csv"})
    assert answer.status_code == 404
    assert answer.json()["error_code"] == "NOT_FOUND"


def test_url_routes_still_need_the_api_key(server: Server) -> None:
    answer = httpx.get(f"{server.base}/common/upload-url", params={"filename": "a.csv"})
    assert answer.status_code == 401
    path = urlsplit(_upload_url(server, "a.csv")["upload_url"]).path
    assert httpx.put(server.base + path, content=b"x").status_code == 403  # no signature
