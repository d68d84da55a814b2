"""Upload and download URLs (CONTRACT.md §d.8, §d.9) and the signed transfers of a local store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, BinaryIO
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from connectra.api.deps import json_response
from connectra.api.schemas import ERRORS, ErrorResponse
from connectra.errors import NotFound, S3KeyRequired
from connectra.objects.base import ObjectStore, check_bucket, upload_key
from connectra.objects.signing import UrlSigner
from connectra.settings import Settings

READ_CHUNK = 256 * 1024
WRITE_BATCH = 1024 * 1024  # request chunks are gathered into writes of about this size
_SIGNED: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "FORBIDDEN: bad or expired URL signature"},
    404: {
        "model": ErrorResponse,
        "description": "NOT_FOUND: no such object (or not a local store)",
    },
}
_BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class UploadUrlResponse(BaseModel):
    success: bool = True
    upload_url: str
    s3_key: str
    expires_in: str


class DownloadUrlResponse(BaseModel):
    success: bool = True
    download_url: str
    s3_key: str
    expires_in: str


class UploadedResponse(BaseModel):
    success: bool = True
    s3_key: str


def get_objects(request: Request) -> ObjectStore:
    objects: ObjectStore = request.app.state.objects
    return objects


ObjectsDep = Annotated[ObjectStore, Depends(get_objects)]


def _lifetime(request: Request) -> tuple[int, str]:
    """``S3_UPLOAD_URL_TTL_HOURS`` in seconds and as the contract's ``"<H>h0m0s"``."""
    settings: Settings = request.app.state.settings
    hours = settings.s3_upload_url_ttl_hours
    return hours * 3600, f"{hours}h0m0s"


def _signer(store: ObjectStore) -> UrlSigner:
    """Only stores whose URLs point at this server (the local directory) take transfers here."""
    signer = getattr(store, "url_signer", None)
    if not isinstance(signer, UrlSigner):
        raise NotFound("this server stores objects in S3: use the presigned URL")
    return signer


def objects_router() -> APIRouter:
    """``/common/upload-url``, ``/common/download-url`` and the signed transfer routes."""
    router = APIRouter(prefix="/common", tags=["objects"], responses=ERRORS)

    @router.get(
        "/upload-url",
        response_model=UploadUrlResponse,
        summary="A URL that takes one PUT of a file (no API key needed on it)",
    )
    def upload_url(
        request: Request, store: ObjectsDep, filename: str | None = None, bucket: str | None = None
    ) -> Response:
        settings: Settings = request.app.state.settings
        key = upload_key(settings.s3_upload_file_path_prifix, filename)
        seconds, expires_in = _lifetime(request)
        url = store.upload_url(key, seconds, bucket or None)
        body = {"success": True, "upload_url": url, "s3_key": key, "expires_in": expires_in}
        return json_response(body)

    @router.get(
        "/download-url",
        response_model=DownloadUrlResponse,
        summary="A URL that answers GET with an object (no API key needed on it)",
        responses={404: _SIGNED[404]},
    )
    def download_url(
        request: Request, store: ObjectsDep, s3_key: str | None = None, bucket: str | None = None
    ) -> Response:
        if not s3_key:
            raise S3KeyRequired("s3_key is required", field="s3_key", path="s3_key")
        key = store.check_key(s3_key)
        if not store.exists(key, bucket or None):
            raise NotFound(f"object {key!r} not found")
        seconds, expires_in = _lifetime(request)
        url = store.download_url(key, seconds, bucket or None)
        body = {"success": True, "download_url": url, "s3_key": key, "expires_in": expires_in}
        return json_response(body)

    @router.put(
        "/uploads/{key:path}",
        response_model=UploadedResponse,
        summary="Receive a file at a signed upload URL (local object store)",
        responses=_SIGNED,
        openapi_extra=_BINARY_BODY,
    )
    async def receive_upload(
        request: Request,
        store: ObjectsDep,
        key: str,
        expires: str | None = None,
        signature: str | None = None,
        bucket: str | None = None,
    ) -> Response:
        bucket = check_bucket(bucket or None)
        _signer(store).verify("PUT", store.check_key(key), bucket, expires, signature)
        await _receive(store, key, bucket, request.stream())
        return json_response({"success": True, "s3_key": key})

    @router.get(
        "/downloads/{key:path}",
        summary="Send a file at a signed download URL (local object store)",
        responses={200: {"content": {"application/octet-stream": {}}}, **_SIGNED},
    )
    def send_download(
        store: ObjectsDep,
        key: str,
        expires: str | None = None,
        signature: str | None = None,
        bucket: str | None = None,
    ) -> Response:
        bucket = check_bucket(bucket or None)
        _signer(store).verify("GET", store.check_key(key), bucket, expires, signature)
        if not store.exists(key, bucket):
            raise NotFound(f"object {key!r} not found")
        name = quote(key.rsplit("/", 1)[-1], safe="")
        return StreamingResponse(
            _chunks(store.open_read(key, bucket)),
            media_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
        )

    return router


async def _receive(
    store: ObjectStore, key: str, bucket: str | None, chunks: AsyncIterator[bytes]
) -> None:
    """Stream the body into the store; file I/O runs in worker threads, never on the loop.

    Any failure, client disconnect or cancellation discards the partial object (shielded, so
    that a cancelled request still cleans up).
    """
    writing = store.open_write(key, bucket)
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


def _chunks(reader: BinaryIO) -> Iterator[bytes]:
    """Starlette iterates this in a worker thread; the reader closes when it ends or is dropped."""
    with reader:
        while chunk := reader.read(READ_CHUNK):
            yield chunk
