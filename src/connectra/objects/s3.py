"""Objects in S3 or any S3-compatible endpoint (MinIO...) through boto3."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from connectra.errors import ConfigurationError, ObjectStorageError
from connectra.objects.base import check_bucket, confine_key, normalise_prefix
from connectra.settings import Settings

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

log = logging.getLogger(__name__)

PART_SIZE = 5 * 1024 * 1024  # S3's minimum for every part but the last
PARTS_PER_SIZE = 1000  # the part size doubles every 1,000 parts (S3 allows 10,000 per object)
MAX_URL_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs live at most 7 days
READ_BUFFER = 256 * 1024
WRITE_BUFFER = 256 * 1024
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
_STORAGE_ERRORS = (BotoCoreError, ClientError)


def s3_client(settings: Settings) -> Any:
    """A client for ``S3_ENDPOINT`` (host[:port], scheme from ``S3_SSL``, path-style) or AWS."""
    endpoint = settings.s3_endpoint.strip()
    if endpoint and "://" not in endpoint:
        endpoint = f"{'https' if settings.s3_ssl else 'http'}://{endpoint}"
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint else "auto"},
        retries={"mode": "standard", "max_attempts": 5},
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=settings.s3_region or None,
        aws_access_key_id=settings.s3_access_key or None,
        aws_secret_access_key=settings.s3_secret_key or None,
        config=config,
    )


class S3ObjectStore:
    """Streaming reads, multipart writes and presigned URLs; ``bucket`` defaults to S3_BUCKET."""

    url_signer = None  # presigned URLs go to S3 itself, never through this server

    def __init__(
        self, client: Any, bucket: str, prefix: str, *, part_size: int = PART_SIZE
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = normalise_prefix(prefix)
        self.part_size = part_size

    @classmethod
    def from_settings(cls, settings: Settings, bucket: str | None = None) -> S3ObjectStore:
        return cls(
            s3_client(settings), bucket or settings.s3_bucket, settings.s3_upload_file_path_prifix
        )

    def check_key(self, key: str) -> str:
        return confine_key(key, self.prefix)

    def _where(self, key: str, bucket: str | None) -> tuple[str, str]:
        name = check_bucket(bucket) or self.bucket
        if not name:
            raise ConfigurationError("no bucket: set S3_BUCKET or pass a bucket")
        return name, self.check_key(key)

    def open_read(self, key: str, bucket: str | None = None) -> BinaryIO:
        name, key = self._where(key, bucket)
        try:
            body = self.client.get_object(Bucket=name, Key=key)["Body"]
        except _STORAGE_ERRORS as exc:
            raise ObjectStorageError(f"object {name}/{key} cannot be read: {exc}") from exc
        return io.BufferedReader(_BodyReader(body, f"{name}/{key}"), buffer_size=READ_BUFFER)

    @contextlib.contextmanager
    def open_write(self, key: str, bucket: str | None = None) -> Iterator[BinaryIO]:
        name, key = self._where(key, bucket)
        upload = _MultipartUpload(self.client, name, key, self.part_size)
        writer = io.BufferedWriter(upload, buffer_size=WRITE_BUFFER)
        try:
            yield writer
            writer.close()  # flushes into the upload; the caller may have closed it already
            upload.complete()
        except BaseException:
            upload.abort()
            with contextlib.suppress(Exception):  # its last flush meets the aborted upload
                writer.close()
            raise

    def exists(self, key: str, bucket: str | None = None) -> bool:
        name, key = self._where(key, bucket)
        try:
            self.client.head_object(Bucket=name, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise ObjectStorageError(f"object {name}/{key} cannot be checked: {exc}") from exc
        except BotoCoreError as exc:
            raise ObjectStorageError(f"object {name}/{key} cannot be checked: {exc}") from exc
        return True

    def delete(self, key: str, bucket: str | None = None) -> None:
        name, key = self._where(key, bucket)
        try:
            self.client.delete_object(Bucket=name, Key=key)
        except _STORAGE_ERRORS as exc:
            raise ObjectStorageError(f"object {name}/{key} cannot be deleted: {exc}") from exc

    def upload_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        return self._presign("put_object", key, ttl_seconds, bucket)

    def download_url(self, key: str, ttl_seconds: int, bucket: str | None = None) -> str:
        return self._presign("get_object", key, ttl_seconds, bucket)

    def _presign(self, operation: str, key: str, ttl_seconds: int, bucket: str | None) -> str:
        name, key = self._where(key, bucket)
        if not 1 <= ttl_seconds <= MAX_URL_SECONDS:
            raise ConfigurationError(
                f"presigned URLs live 1 s to 7 days (S3_UPLOAD_URL_TTL_HOURS <= 168), "
                f"got {ttl_seconds} s"
            )
        try:
            url: str = self.client.generate_presigned_url(
                operation, Params={"Bucket": name, "Key": key}, ExpiresIn=ttl_seconds
            )
        except _STORAGE_ERRORS as exc:
            raise ObjectStorageError(f"cannot sign a URL for {name}/{key}: {exc}") from exc
        return url


class _BodyReader(io.RawIOBase):
    """botocore's StreamingBody as a raw stream, so io.BufferedReader makes it a BinaryIO."""

    def __init__(self, body: Any, name: str) -> None:
        self._body = body
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        with memoryview(buffer) as view, view.cast("B") as target:
            try:
                chunk: bytes = self._body.read(len(target))
            except BotoCoreError as exc:
                raise ObjectStorageError(f"object {self._name} cannot be read: {exc}") from exc
            target[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class _MultipartUpload(io.RawIOBase):
    """Buffers one part at a time; nothing is visible until :meth:`complete`."""

    def __init__(self, client: Any, bucket: str, key: str, part_size: int) -> None:
        self._client = client
        self._target = {"Bucket": bucket, "Key": key}
        self._part_size = part_size
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id: str | None = None
        self._finished = False

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        if self._finished:
            raise ValueError("write to a finished upload")
        with memoryview(data) as view:
            self._buffer += view
            size = view.nbytes
        while len(self._buffer) >= (part := self._next_part_size()):
            self._send_part(bytes(self._buffer[:part]))
            del self._buffer[:part]
        return size

    def _next_part_size(self) -> int:
        return self._part_size << (len(self._parts) // PARTS_PER_SIZE)

    def _send_part(self, data: bytes) -> None:
        if self._upload_id is None:
            self._upload_id = self._call("create_multipart_upload")["UploadId"]
        number = len(self._parts) + 1
        answer = self._call("upload_part", UploadId=self._upload_id, PartNumber=number, Body=data)
        self._parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def complete(self) -> None:
        """One ``put_object`` for a small object, else the last part and the completion."""
        if self._upload_id is None:
            self._finished = True
            self._call("put_object", Body=bytes(self._buffer))
            return
        if self._buffer:
            self._send_part(bytes(self._buffer))
        self._finished = True
        self._call(
            "complete_multipart_upload",
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

    def abort(self) -> None:
        self._finished = True
        self._buffer.clear()
        if self._upload_id is None:
            return
        try:
            self._call("abort_multipart_upload", UploadId=self._upload_id)
        except ObjectStorageError as exc:  # keep the original error; a lifecycle rule can reap it
            log.warning("could not abort multipart upload %s: %s", self._upload_id, exc)

    def _call(self, operation: str, **params: Any) -> Any:
        try:
            return getattr(self._client, operation)(**self._target, **params)
        except _STORAGE_ERRORS as exc:
            target = f"{self._target['Bucket']}/{self._target['Key']}"
            raise ObjectStorageError(f"object {target} cannot be written: {exc}") from exc
