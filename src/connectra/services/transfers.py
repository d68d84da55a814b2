"""File transfers: upload and download links, and the signed transfers of a local object store.

With S3 the links are presigned S3 URLs and the bytes never pass through this server; with a
local directory they point at this server's ``/common/uploads`` and ``/common/downloads``
routes, signed and expiring, which check the signature here before any byte moves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, BinaryIO, Literal

import anyio

from connectra.errors import NotFound, S3KeyRequired
from connectra.objects.base import ObjectStore, check_bucket, upload_key
from connectra.objects.signing import UrlSigner
from connectra.settings import Settings

READ_CHUNK = 256 * 1024
WRITE_BATCH = 1024 * 1024  # request chunks are gathered into writes of about this size


def _lifetime(settings: Settings) -> tuple[int, str]:
    """``S3_UPLOAD_URL_TTL_HOURS`` in seconds and as the contract's ``"<H>h0m0s"``."""
    hours = settings.s3_upload_url_ttl_hours
    return hours * 3600, f"{hours}h0m0s"


def upload_link(
    objects: ObjectStore, settings: Settings, filename: str | None, bucket: str | None
) -> dict[str, Any]:
    """A new upload key under the prefix and a URL that takes one PUT of the file."""
    key = upload_key(settings.s3_upload_file_path_prifix, filename)
    seconds, expires_in = _lifetime(settings)
    url = objects.upload_url(key, seconds, bucket or None)
    return {"success": True, "upload_url": url, "s3_key": key, "expires_in": expires_in}


def download_link(
    objects: ObjectStore, settings: Settings, s3_key: str | None, bucket: str | None
) -> dict[str, Any]:
    """A URL that answers GET with an existing object."""
    if not s3_key:
        raise S3KeyRequired("s3_key is required", field="s3_key", path="s3_key")
    key = objects.check_key(s3_key)
    if not objects.exists(key, bucket or None):
        raise NotFound(f"object {key!r} not found")
    seconds, expires_in = _lifetime(settings)
    url = objects.download_url(key, seconds, bucket or None)
    return {"success": True, "download_url": url, "s3_key": key, "expires_in": expires_in}


def store_file(objects: ObjectStore, settings: Settings, source: BinaryIO, filename: str) -> str:
    """Copy a local file into the store under a new upload key (the CLI's import)."""
    key = upload_key(settings.s3_upload_file_path_prifix, filename)
    with objects.open_write(key) as target:
        while chunk := source.read(WRITE_BATCH):
            target.write(chunk)
    return key


def _signer(objects: ObjectStore) -> UrlSigner:
    """Only stores whose URLs point at this server take transfers here."""
    if objects.url_signer is None:
        raise NotFound("this server stores objects in S3: use the presigned URL")
    return objects.url_signer


def verify_transfer(
    objects: ObjectStore,
    method: Literal["GET", "PUT"],
    key: str,
    bucket: str | None,
    expires: str | None,
    signature: str | None,
) -> tuple[str, str | None]:
    """The (key, bucket) a signed URL names, after its signature and expiry are checked."""
    checked_bucket = check_bucket(bucket or None)
    checked_key = objects.check_key(key)
    _signer(objects).verify(method, checked_key, checked_bucket, expires, signature)
    return checked_key, checked_bucket


async def receive(
    objects: ObjectStore, key: str, bucket: str | None, chunks: AsyncIterator[bytes]
) -> None:
    """Stream a request body into the store; file I/O runs in worker threads, never on the
    event loop. Any failure, client disconnect or cancellation discards the partial object
    (shielded, so that a cancelled request still cleans up)."""
    writing = objects.open_write(key, bucket)
    handle: BinaryIO = await anyio.to_thread.run_sync(writing.__enter__)
    try:
        await _copy(chunks, handle)
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(writing.__exit__, type(exc), exc, exc.__traceback__)
        raise
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(writing.__exit__, None, None, None)


async def _copy(chunks: AsyncIterator[bytes], handle: BinaryIO) -> None:
    pending: list[bytes] = []
    size = 0
    async for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= WRITE_BATCH:
            await anyio.to_thread.run_sync(handle.write, b"".join(pending))
            pending, size = [], 0
    if pending:
        await anyio.to_thread.run_sync(handle.write, b"".join(pending))


def send(objects: ObjectStore, key: str, bucket: str | None) -> Iterator[bytes]:
    """An existing object's bytes in chunks; the reader closes when the iteration ends."""
    if not objects.exists(key, bucket):
        raise NotFound(f"object {key!r} not found")
    return _chunks(objects.open_read(key, bucket))


def _chunks(reader: BinaryIO) -> Iterator[bytes]:
    with reader:
        while chunk := reader.read(READ_CHUNK):
            yield chunk
