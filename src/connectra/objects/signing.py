"""Signed URLs on this server: HMAC-SHA256 over method, bucket, key and expiry time."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlencode

from connectra.errors import ConfigurationError, Forbidden, ValidationError

SECRET_FILE = "url_secret"  # noqa: S105 (a file name, not a secret)
SECRET_BYTES = 32
_MAX_EXPIRES_DIGITS = 12  # a Unix time in seconds until the year 33658
Method = Literal["PUT", "GET"]
PATHS: dict[Method, str] = {"PUT": "/common/uploads/", "GET": "/common/downloads/"}


def load_url_secret(data_dir: Path) -> bytes:
    """The signing secret under the data dir, created (mode 0600) on first use.

    A secret of its own, never the API key: rotating keys must not revoke URLs, and a leaked
    URL must not help anyone guess a key.
    """
    path = data_dir / SECRET_FILE
    try:
        if not path.exists():
            _create_secret(path)
        secret = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read or create the URL secret {path}: {exc}") from exc
    if len(secret) < SECRET_BYTES:
        raise ConfigurationError(f"{path} is too short; delete it to generate a new URL secret")
    return secret


def _create_secret(path: Path) -> None:
    """Write to a private temp file, then link it into place: a racing process never reads a
    half-written secret, and the first one to link wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_FILE}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(SECRET_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        os.unlink(temp)


class UrlSigner:
    """Builds and checks the URLs of ``/common/uploads/…`` (PUT) and ``/common/downloads/…``
    (GET); the signature binds the method, so an upload URL never downloads."""

    __slots__ = ("_base", "_clock", "_secret")

    def __init__(
        self, secret: bytes, public_base: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self._base = public_base.rstrip("/")
        self._clock = clock

    def url(self, method: Method, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        if ttl_seconds < 1:
            raise ValidationError(f"URL lifetime must be at least 1 second, got {ttl_seconds}")
        expires = int(self._clock()) + ttl_seconds
        query = {"bucket": bucket} if bucket else {}
        query |= {
            "expires": str(expires),
            "signature": self.signature(method, key, bucket, expires),
        }
        return f"{self._base}{PATHS[method]}{quote(key, safe='/')}?{urlencode(query)}"

    def signature(self, method: Method, key: str, bucket: str | None, expires: int) -> str:
        message = "\n".join((method, bucket or "", key, str(expires)))
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    def verify(
        self,
        method: Method,
        key: str,
        bucket: str | None,
        expires: str | None,
        signature: str | None,
    ) -> None:
        """Raise Forbidden unless the URL was signed here, for this request, and is still valid."""
        if not expires or not signature:
            raise Forbidden("a signed URL is required (expires and signature are missing)")
        if not (expires.isascii() and expires.isdigit() and len(expires) <= _MAX_EXPIRES_DIGITS):
            raise Forbidden("invalid URL signature")
        expected = self.signature(method, key, bucket, int(expires)).encode()
        if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
            raise Forbidden("invalid URL signature")
        if int(expires) < self._clock():
            raise Forbidden("the signed URL has expired")
