"""The local directory store: streaming, atomic writes, escapes, signed URLs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from connectra.errors import ObjectStorageError, ValidationError
from connectra.objects.local import LocalObjectStore
from connectra.objects.signing import UrlSigner
from tests.objects.conftest import Boom, write_then_fail

MIB = 1024 * 1024
KEY = "uploads/big.bin"


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_streaming_write_over_10_mib_is_atomic(local_store: LocalObjectStore) -> None:
    digest = hashlib.sha256()
    target = local_store.root / KEY
    with local_store.open_write(KEY) as handle:
        for _ in range(11):
            chunk = os.urandom(MIB)
            digest.update(chunk)
            handle.write(chunk)
            assert not target.exists()  # nothing visible under the key until the end
        (temp,) = _files(local_store.root)
        assert temp.startswith("uploads/.big.bin.")
        assert temp.endswith(".part")
    assert _files(local_store.root) == [KEY]
    assert target.stat().st_size == 11 * MIB

    read_back = hashlib.sha256()
    with local_store.open_read(KEY) as reader:
        while chunk := reader.read(MIB):
            assert len(chunk) <= MIB  # streamed, never the whole file at once
            read_back.update(chunk)
    assert read_back.digest() == digest.digest()


def test_abort_leaves_nothing_not_even_the_temp_file(local_store: LocalObjectStore) -> None:
    with pytest.raises(Boom):
        write_then_fail(local_store, KEY, os.urandom(2 * MIB))
    assert _files(local_store.root) == []


def test_layout_with_and_without_bucket(local_store: LocalObjectStore) -> None:
    for bucket in (None, "exports-bucket"):
        with local_store.open_write("uploads/a/b.csv", bucket) as handle:
            handle.write(b"x")
    assert _files(local_store.root) == ["exports-bucket/uploads/a/b.csv", "uploads/a/b.csv"]
    assert local_store.path("uploads/a/b.csv") == local_store.root / "uploads/a/b.csv"


def test_symlink_escapes_are_refused(tmp_path: Path, local_store: LocalObjectStore) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("do not read")
    (local_store.root / "uploads").mkdir()
    (local_store.root / "uploads" / "link").symlink_to(outside, target_is_directory=True)
    (local_store.root / "uploads" / "file-link").symlink_to(outside / "secret.txt")
    for key in ("uploads/link/secret.txt", "uploads/file-link"):
        with pytest.raises(ValidationError, match="outside the object store"):
            local_store.open_read(key)
        with pytest.raises(ValidationError, match="outside the object store"):
            local_store.open_write(key).__enter__()
    with pytest.raises(ValidationError, match="outside"):
        local_store.delete("uploads/link/secret.txt")
    assert (outside / "secret.txt").read_text() == "do not read"


def test_symlinked_root_is_fine(tmp_path: Path, signer: UrlSigner) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    store = LocalObjectStore(tmp_path / "alias", "uploads", signer)
    with store.open_write("uploads/x") as handle:
        handle.write(b"ok")
    assert (real / "uploads" / "x").read_bytes() == b"ok"


def test_writing_over_a_directory_fails_cleanly(local_store: LocalObjectStore) -> None:
    (local_store.root / "uploads" / "dir").mkdir(parents=True)
    with pytest.raises(ObjectStorageError), local_store.open_write("uploads/dir") as handle:
        handle.write(b"x")
    assert _files(local_store.root) == []
    assert not local_store.exists("uploads/dir")


def test_missing_object_error_does_not_leak_server_paths(local_store: LocalObjectStore) -> None:
    with pytest.raises(ObjectStorageError) as caught:
        local_store.open_read("uploads/nope.csv")
    assert "No such file or directory" in caught.value.message
    assert str(local_store.root) not in caught.value.message


def test_urls_point_at_this_server_and_verify(local_store: LocalObjectStore) -> None:
    for method, url, route in (
        ("PUT", local_store.upload_url(KEY, 3600), "/common/uploads/"),
        ("GET", local_store.download_url(KEY, 3600), "/common/downloads/"),
    ):
        split = urlsplit(url)
        assert f"{split.scheme}://{split.netloc}" == "http://testserver"
        assert unquote(split.path) == route + KEY
        query = {name: values[0] for name, values in parse_qs(split.query).items()}
        local_store.url_signer.verify(
            method,  # type: ignore[arg-type]
            KEY,
            None,
            query["expires"],
            query["signature"],
        )
