"""Upload and download URLs (CONTRACT.md §d.8, §d.9) and the signed transfers of a local store."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from connectra.api.deps import ObjectsDep, SettingsDep, json_response
from connectra.api.schemas import ERRORS, ErrorResponse, declared_parameter, request_body
from connectra.objects.base import (
    BUCKET_PATTERN,
    FILENAME_PATTERN,
    key_schema,
    normalise_prefix,
)
from connectra.services import transfers

# Checked by the routes (with the contract's ERR tokens), declared here.
Bucket = Annotated[str | None, Query(json_schema_extra={"pattern": BUCKET_PATTERN})]
Hidden = Annotated[str | None, Query(include_in_schema=False)]
HiddenPath = Annotated[str, Path(include_in_schema=False)]

_SIGNED: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "FORBIDDEN: bad or expired URL signature"},
    404: {
        "model": ErrorResponse,
        "description": "NOT_FOUND: no such object (or not a local store)",
    },
}
_BINARY_BODY = request_body(
    {"type": "string", "format": "binary"}, media_type="application/octet-stream"
)


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


def objects_router(upload_prefix: str) -> APIRouter:
    """``/common/upload-url``, ``/common/download-url`` and the signed transfer routes; keys
    live under ``upload_prefix`` (``S3_UPLOAD_FILE_PATH_PRIFIX``)."""
    router = APIRouter(prefix="/common", tags=["objects"], responses=ERRORS)
    key = key_schema(normalise_prefix(upload_prefix))
    key_path = declared_parameter("key", key, "an object key under the upload prefix", where="path")

    @router.get(
        "/upload-url",
        response_model=UploadUrlResponse,
        summary="A URL that takes one PUT of a file (no API key needed on it)",
        openapi_extra=declared_parameter(
            "filename", {"type": "string", "pattern": FILENAME_PATTERN}, "a file name, not a path"
        ),
    )
    def upload_url(
        store: ObjectsDep,
        settings: SettingsDep,
        filename: Hidden = None,
        bucket: Bucket = None,
    ) -> Response:
        return json_response(transfers.upload_link(store, settings, filename, bucket))

    @router.get(
        "/download-url",
        response_model=DownloadUrlResponse,
        summary="A URL that answers GET with an object (no API key needed on it)",
        responses={404: _SIGNED[404]},
        openapi_extra=declared_parameter("s3_key", key, "the key /common/upload-url gave"),
    )
    def download_url(
        store: ObjectsDep,
        settings: SettingsDep,
        s3_key: Hidden = None,
        bucket: Bucket = None,
    ) -> Response:
        return json_response(transfers.download_link(store, settings, s3_key, bucket))

    @router.put(
        "/uploads/{key:path}",
        response_model=UploadedResponse,
        summary="Receive a file at a signed upload URL (local object store)",
        responses=_SIGNED,
        openapi_extra={**_BINARY_BODY, **key_path},
    )
    async def receive_upload(
        request: Request,
        store: ObjectsDep,
        key: HiddenPath,
        expires: str | None = None,
        signature: str | None = None,
        bucket: Bucket = None,
    ) -> Response:
        key, checked = transfers.verify_transfer(store, "PUT", key, bucket, expires, signature)
        await transfers.receive(store, key, checked, request.stream())
        return json_response({"success": True, "s3_key": key})

    @router.get(
        "/downloads/{key:path}",
        summary="Send a file at a signed download URL (local object store)",
        responses={200: {"content": {"application/octet-stream": {}}}, **_SIGNED},
        openapi_extra=key_path,
    )
    def send_download(
        store: ObjectsDep,
        key: HiddenPath,
        expires: str | None = None,
        signature: str | None = None,
        bucket: Bucket = None,
    ) -> Response:
        key, checked = transfers.verify_transfer(store, "GET", key, bucket, expires, signature)
        name = quote(key.rsplit("/", 1)[-1], safe="")
        return StreamingResponse(
            transfers.send(store, key, checked),
            media_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
        )

    return router
