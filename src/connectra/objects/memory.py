"""An in-memory object store for unit tests: the same key rules and write semantics."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from typing import BinaryIO

from connectra.errors import ObjectStorageError
from connectra.objects.base import check_bucket, confine_key, normalise_prefix
from connectra.objects.signing import Method, UrlSigner

DEFAULT_BUCKET = "default"


class _Writer(io.BytesIO):
    """Keeps its bytes when closed early (a TextIOWrapper closes the buffer it wraps)."""

    written = b""

    def close(self) -> None:
        if not self.closed:
            self.written = self.getvalue()
        super().close()


class MemoryObjectStore:
    """Objects in a dict keyed by ``(bucket, key)``.

    With a ``url_signer`` its URLs are this server's signed ones (so the embedded upload routes
    work over it); without, they are ``memory://`` placeholders.
    """

    def __init__(self, prefix: str = "uploads", url_signer: UrlSigner | None = None) -> None:
        self.prefix = normalise_prefix(prefix)
        self.url_signer = url_signer
        self.objects: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def check_key(self, key: str) -> str:
        return confine_key(key, self.prefix)

    def _slot(self, key: str, bucket: str | None) -> tuple[str, str]:
        return (check_bucket(bucket) or DEFAULT_BUCKET, self.check_key(key))

    def open_read(self, key: str, bucket: str | None = None) -> BinaryIO:
        slot = self._slot(key, bucket)
        with self._lock:
            data = self.objects.get(slot)
        if data is None:
            raise ObjectStorageError(f"object {key!r} cannot be read: NoSuchKey")
        return io.BytesIO(data)

    @contextlib.contextmanager
    def open_write(self, key: str, bucket: str | None = None) -> Iterator[BinaryIO]:
        slot = self._slot(key, bucket)
        writer = _Writer()
        try:
            yield writer
        finally:
            writer.close()
        with self._lock:
            self.objects[slot] = writer.written

    def exists(self, key: str, bucket: str | None = None) -> bool:
        slot = self._slot(key, bucket)
        with self._lock:
            return slot in self.objects

    def delete(self, key: str, bucket: str | None = None) -> None:
        slot = self._slot(key, bucket)
        with self._lock:
            self.objects.pop(slot, None)

    def upload_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        return self._url("PUT", key, ttl_seconds, bucket)

    def download_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        return self._url("GET", key, ttl_seconds, bucket)

    def _url(self, method: Method, key: str, ttl_seconds: int, bucket: str | None) -> str:
        name, key = self._slot(key, bucket)
        if self.url_signer is not None:
            return self.url_signer.url(method, key, ttl_seconds, bucket)
        return f"memory://{name}/{key}?method={method}&ttl={ttl_seconds}"
