"""The object store protocol and the key rules every adapter enforces."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

from connectra.errors import ConfigurationError, FilenameRequired, ValidationError
from connectra.objects.signing import UrlSigner

MAX_KEY_BYTES = 1024  # S3's limit, applied everywhere so that every store accepts the same keys
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # control characters, lone surrogates
_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]")


_KEY_RULES: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda key: not key, "it is empty"),
    (lambda key: bool(_UNSAFE.search(key)), "control characters (NUL, newline...) are not allowed"),
    (lambda key: "\\" in key, "backslashes are not allowed"),
    (lambda key: key.startswith("/"), "it must be relative (no leading '/')"),
    (lambda key: len(key.encode()) > MAX_KEY_BYTES, f"it is longer than {MAX_KEY_BYTES} bytes"),
    (
        lambda key: any(segment in ("", ".", "..") for segment in key.split("/")),
        "empty, '.' and '..' path segments are not allowed",
    ),
)


class ObjectStore(Protocol):
    """Files in and out (CSV uploads, exports); keys always pass :meth:`check_key` first.

    ``bucket=None`` means the store's default bucket (``S3_BUCKET``; the root directory locally).
    Every failure of the storage itself is an :class:`~connectra.errors.ObjectStorageError`.

    ``url_signer`` is a declared capability: the signer of URLs that point at this server's own
    transfer routes (a local directory), or None for a store whose URLs go elsewhere (S3's
    presigned URLs), in which case this server takes no transfers for it.
    """

    @property
    def url_signer(self) -> UrlSigner | None: ...

    def check_key(self, key: str) -> str:
        """The key if it is relative, normalised and inside the prefix; else ValidationError."""
        ...

    def open_read(self, key: str, bucket: str | None = None) -> BinaryIO:
        """A streaming reader (the caller closes it); a missing object is ObjectStorageError."""
        ...

    def open_write(
        self, key: str, bucket: str | None = None
    ) -> contextlib.AbstractContextManager[BinaryIO]:
        """A streaming writer: the object appears on clean exit, and not at all on exception."""
        ...

    def exists(self, key: str, bucket: str | None = None) -> bool: ...

    def delete(self, key: str, bucket: str | None = None) -> None:
        """Remove the object; removing a missing object is not an error."""
        ...

    def upload_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        """A URL that accepts one ``PUT`` of the object's bytes, without an API key."""
        ...

    def download_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        """A URL that answers ``GET`` with the object's bytes, without an API key."""
        ...


def normalise_prefix(prefix: str) -> str:
    """``S3_UPLOAD_FILE_PATH_PRIFIX`` without its surrounding slashes (``connectra/`` works)."""
    stripped = prefix.strip("/")
    if stripped and _key_problem(stripped, "") is not None:
        raise ConfigurationError(f"S3_UPLOAD_FILE_PATH_PRIFIX {prefix!r} is not a valid key prefix")
    return stripped


def confine_key(key: str, prefix: str) -> str:
    """``key`` unchanged when it is a safe key under ``prefix`` (already normalised)."""
    problem = _key_problem(key, prefix)
    if problem is not None:
        raise ValidationError(
            f"invalid object key {key!r}: {problem}", field="s3_key", path="s3_key"
        )
    return key


def _key_problem(key: str, prefix: str) -> str | None:
    for broken, problem in _KEY_RULES:
        if broken(key):
            return problem
    head = prefix.split("/") if prefix else []
    segments = key.split("/")
    if segments[: len(head)] != head or len(segments) == len(head):
        return f"it must be inside {prefix}/"
    return None


# The rules above as JSON Schema (ECMA 262 and Python read these patterns alike): segments of
# neither control characters nor backslashes, never empty, "." or ".."; a length in characters
# that no key of MAX_KEY_BYTES UTF-8 bytes can pass (4 bytes at most per character).
_SEGMENT = r"(?!\.\.?(?:/|$))[^/\\\x00-\x1f\x7f]+"
BUCKET_PATTERN = r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$"
KEY_MAX_CHARS = MAX_KEY_BYTES // 4
_SPECIAL = re.compile(r"[.^$*+?()[\]{}|\\]")  # escaped alike in both dialects
# A file name, not a path (what safe_filename keeps whole): no separator or control character,
# not only spaces, not "." or "..".
_NAME_CHAR = r"[^/\\\x00-\x1f\x7f]"
FILENAME_PATTERN = (
    rf"^(?![\s\x85]*\.\.?[\s\x85]*$){_NAME_CHAR}*[^/\\\x00-\x1f\x7f\x85\s]{_NAME_CHAR}*$"
)


def key_schema(prefix: str) -> dict[str, Any]:
    """JSON schema of a key :func:`confine_key` accepts under ``prefix`` (normalised); its
    example also tells clients and fuzzers that the key holds a ``/`` (sent as ``%2F``)."""
    head = _SPECIAL.sub(r"\\\g<0>", prefix) + "/" if prefix else ""
    example = f"{prefix}/" if prefix else ""
    return {
        "type": "string",
        "pattern": f"^{head}{_SEGMENT}(?:/{_SEGMENT})*$",
        "maxLength": KEY_MAX_CHARS,
        "examples": [f"{example}0f8fad5b-d9cb-469f-a165-70867728950e_contacts.csv"],
    }


def check_bucket(bucket: str | None) -> str | None:
    """A bucket name that is also a safe directory name (no separators, no ``..``)."""
    if bucket is None:
        return None
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ValidationError(
            f"invalid bucket {bucket!r}: use 3-255 letters, digits, '.', '-' or '_'",
            field="bucket",
            path="bucket",
        )
    return bucket


def safe_filename(filename: str | None) -> str:
    """The last path segment of a client's file name, without control characters."""
    name = _UNSAFE.sub("", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if name in ("", ".", ".."):
        raise FilenameRequired("filename is required (a file name, not a path)", field="filename")
    return name


def upload_key(prefix: str, filename: str | None) -> str:
    """``<prefix>/<uuid4>_<filename>`` with exactly one ``/`` (CONTRACT.md §d.8, §f.7)."""
    name = f"{uuid.uuid4()}_{safe_filename(filename)}"
    clean = normalise_prefix(prefix)
    return f"{clean}/{name}" if clean else name


def export_key(prefix: str, job_uuid: str) -> str:
    """``<prefix>/<job_uuid>.csv`` (CONTRACT.md §f.6)."""
    clean = normalise_prefix(prefix)
    return f"{clean}/{job_uuid}.csv" if clean else f"{job_uuid}.csv"
