"""Objects as files under one directory, with upload/download URLs served by this server."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from connectra.errors import ObjectStorageError, ValidationError
from connectra.objects.base import check_bucket, confine_key, normalise_prefix
from connectra.objects.signing import UrlSigner


class LocalObjectStore:
    """``root/<key>`` (or ``root/<bucket>/<key>``); writes land atomically by rename."""

    def __init__(self, root: Path, prefix: str, url_signer: UrlSigner) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.prefix = normalise_prefix(prefix)
        self.url_signer = url_signer

    def check_key(self, key: str) -> str:
        return confine_key(key, self.prefix)

    def path(self, key: str, bucket: str | None = None) -> Path:
        """The file of a key, refusing any that resolves outside the root (symlinks, ``..``)."""
        key = self.check_key(key)
        base = self.root / name if (name := check_bucket(bucket)) else self.root
        resolved = base.joinpath(*key.split("/")).resolve()
        if not resolved.is_relative_to(self.root):
            raise ValidationError(
                f"invalid object key {key!r}: it resolves outside the object store",
                field="s3_key",
                path="s3_key",
            )
        return resolved

    def open_read(self, key: str, bucket: str | None = None) -> BinaryIO:
        path = self.path(key, bucket)
        try:
            return path.open("rb")
        except OSError as exc:
            raise ObjectStorageError(f"object {key!r} cannot be read: {exc.strerror}") from exc

    @contextlib.contextmanager
    def open_write(self, key: str, bucket: str | None = None) -> Iterator[BinaryIO]:
        path = self.path(key, bucket)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        except OSError as exc:
            raise ObjectStorageError(f"object {key!r} cannot be written: {exc.strerror}") from exc
        handle = os.fdopen(fd, "wb")
        try:
            yield handle
        except OSError as exc:  # a write into the handle failed (disk full...)
            _discard(handle, temp)
            raise ObjectStorageError(f"object {key!r} cannot be written: {exc.strerror}") from exc
        except BaseException:
            _discard(handle, temp)
            raise
        try:
            handle.close()  # the caller may have closed it already (a TextIOWrapper does)
            _fsync(temp)
            os.replace(temp, path)
        except OSError as exc:
            _discard(handle, temp)
            raise ObjectStorageError(f"object {key!r} cannot be written: {exc.strerror}") from exc

    def exists(self, key: str, bucket: str | None = None) -> bool:
        return self.path(key, bucket).is_file()

    def delete(self, key: str, bucket: str | None = None) -> None:
        path = self.path(key, bucket)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise ObjectStorageError(f"object {key!r} cannot be deleted: {exc.strerror}") from exc

    def upload_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        self.path(key, bucket)
        return self.url_signer.url("PUT", key, ttl_seconds, bucket)

    def download_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        self.path(key, bucket)
        return self.url_signer.url("GET", key, ttl_seconds, bucket)


def _discard(handle: BinaryIO, temp: str) -> None:
    with contextlib.suppress(OSError):
        handle.close()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)


def _fsync(path: str) -> None:
    """Flush the finished file to disk before the rename makes it visible."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
