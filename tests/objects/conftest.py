"""Stores under test: the in-memory fake, a temp directory, and S3 on moto's server over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from connectra.objects.base import ObjectStore
from connectra.objects.local import LocalObjectStore
from connectra.objects.memory import MemoryObjectStore
from connectra.objects.s3 import S3ObjectStore
from connectra.objects.signing import UrlSigner
from connectra.settings import Settings
from tests.acceptance.server import free_port

SECRET = bytes(range(32))
PUBLIC_BASE = "http://testserver"
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """``host:port`` of a moto S3 server on 127.0.0.1 (real HTTP, no network needed)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_AWS.items():
            patch.setenv(name, value)
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            yield f"127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_settings(moto_endpoint: str) -> Settings:
    return Settings(
        s3_endpoint=moto_endpoint,
        s3_ssl=False,
        s3_access_key="testing",
        s3_secret_key="testing",
        s3_region="us-east-1",
        s3_bucket=f"test-{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture
def s3_store(s3_settings: Settings) -> S3ObjectStore:
    """A fresh bucket per test."""
    store = S3ObjectStore.from_settings(s3_settings)
    store.client.create_bucket(Bucket=store.bucket)
    return store


@pytest.fixture
def signer() -> UrlSigner:
    return UrlSigner(SECRET, PUBLIC_BASE)


@pytest.fixture
def local_store(tmp_path: Path, signer: UrlSigner) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects", "uploads", signer)


@pytest.fixture(params=["memory", "local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path, signer: UrlSigner) -> ObjectStore:
    """Every adapter, for the behaviour the protocol promises."""
    if request.param == "memory":
        return MemoryObjectStore("uploads")
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects", "uploads", signer)
    s3: S3ObjectStore = request.getfixturevalue("s3_store")
    return s3


def pending_uploads(store: S3ObjectStore) -> list[Any]:
    answer = store.client.list_multipart_uploads(Bucket=store.bucket)
    return list(answer.get("Uploads", []))


class Boom(Exception):
    """Raised inside a write to check that nothing of it survives."""


def write_then_fail(
    store: ObjectStore, key: str, data: bytes, *, while_open: Callable[[], None] | None = None
) -> None:
    with store.open_write(key) as handle:
        handle.write(data)
        if while_open is not None:
            while_open()
        raise Boom
