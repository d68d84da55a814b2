"""The S3 adapter against moto's server over real HTTP."""

from __future__ import annotations

import hashlib
import os

import httpx
import pytest

from connectra.errors import ConfigurationError, ObjectStorageError, ValidationError
from connectra.objects.s3 import PART_SIZE, S3ObjectStore, s3_client
from connectra.settings import Settings
from tests.objects.conftest import Boom, pending_uploads, write_then_fail

MIB = 1024 * 1024
KEY = "uploads/export.csv"


def _etag(store: S3ObjectStore, key: str) -> str:
    return str(store.client.head_object(Bucket=store.bucket, Key=key)["ETag"]).strip('"')


def test_multipart_write_of_12_mib_reads_back_byte_for_byte(s3_store: S3ObjectStore) -> None:
    payload = os.urandom(12 * MIB)
    with s3_store.open_write(KEY) as handle:
        for start in range(0, len(payload), 700_001):  # chunks that straddle part boundaries
            handle.write(payload[start : start + 700_001])
        assert not s3_store.exists(KEY)  # invisible until completed
    assert _etag(s3_store, KEY).endswith("-3")  # 5 MiB + 5 MiB + 2 MiB
    read_back = hashlib.sha256()
    with s3_store.open_read(KEY) as reader:
        while chunk := reader.read(MIB):
            assert len(chunk) <= MIB
            read_back.update(chunk)
    assert read_back.digest() == hashlib.sha256(payload).digest()
    assert pending_uploads(s3_store) == []


def test_small_object_is_one_put(s3_store: S3ObjectStore) -> None:
    with s3_store.open_write(KEY) as handle:
        handle.write(b"a,b\n1,2\n")
    assert "-" not in _etag(s3_store, KEY)
    with s3_store.open_read(KEY) as reader:
        assert reader.read() == b"a,b\n1,2\n"


def test_exactly_one_part_size(s3_store: S3ObjectStore) -> None:
    payload = os.urandom(PART_SIZE)
    with s3_store.open_write(KEY) as handle:
        handle.write(payload)
    assert _etag(s3_store, KEY).endswith("-1")
    with s3_store.open_read(KEY) as reader:
        assert reader.read() == payload


def test_exception_aborts_the_multipart_upload(s3_store: S3ObjectStore) -> None:
    seen: list[int] = []
    with pytest.raises(Boom):
        write_then_fail(
            s3_store,
            KEY,
            os.urandom(11 * MIB),  # two parts sent before the failure
            while_open=lambda: seen.append(len(pending_uploads(s3_store))),
        )
    assert seen == [1]
    assert not s3_store.exists(KEY)
    assert pending_uploads(s3_store) == []
    assert s3_store.client.list_objects_v2(Bucket=s3_store.bucket).get("KeyCount") == 0


def test_part_size_grows_after_1000_parts() -> None:
    from connectra.objects.s3 import _MultipartUpload

    upload = _MultipartUpload(None, "b", "k", PART_SIZE)
    assert upload._next_part_size() == PART_SIZE
    upload._parts = [{}] * 1000
    assert upload._next_part_size() == 2 * PART_SIZE
    upload._parts = [{}] * 9999
    assert upload._next_part_size() == 512 * PART_SIZE


def test_presigned_put_and_get(s3_store: S3ObjectStore) -> None:
    payload = os.urandom(200_000)
    upload = s3_store.upload_url(KEY, 3600)
    assert upload.startswith(f"http://{s3_store.client.meta.endpoint_url.split('://')[1]}/")
    assert f"/{s3_store.bucket}/{KEY}?" in upload  # path-style
    assert "X-Amz-Expires=3600" in upload
    answer = httpx.put(
        upload, content=payload, headers={"Content-Type": "application/octet-stream"}
    )
    assert answer.status_code == 200, answer.text
    download = s3_store.download_url(KEY, 600)
    assert "X-Amz-Expires=600" in download
    fetched = httpx.get(download)
    assert fetched.status_code == 200
    assert fetched.content == payload


def test_presigned_put_without_content_type(s3_store: S3ObjectStore) -> None:
    answer = httpx.put(s3_store.upload_url(KEY, 60), content=b"bare")
    assert answer.status_code == 200, answer.text
    with s3_store.open_read(KEY) as reader:
        assert reader.read() == b"bare"


def test_missing_object_carries_the_storage_error(s3_store: S3ObjectStore) -> None:
    with pytest.raises(ObjectStorageError) as caught:
        s3_store.open_read("uploads/missing.csv")
    assert "NoSuchKey" in caught.value.message
    assert f"{s3_store.bucket}/uploads/missing.csv" in caught.value.message
    assert caught.value.__cause__ is not None


def test_missing_bucket_is_a_storage_error(s3_store: S3ObjectStore) -> None:
    with pytest.raises(ObjectStorageError, match="NoSuchBucket"):
        s3_store.open_read(KEY, bucket="no-such-bucket")
    with (
        pytest.raises(ObjectStorageError, match="NoSuchBucket"),
        s3_store.open_write(KEY, bucket="no-such-bucket") as handle,
    ):
        handle.write(b"x")


def test_keys_are_confined_before_any_request(s3_store: S3ObjectStore) -> None:
    for key in ("uploads/../../etc/passwd", "../x", "/abs", "uploads//x", "secret/x"):
        with pytest.raises(ValidationError):
            s3_store.upload_url(key, 60)
        with pytest.raises(ValidationError):
            s3_store.open_read(key)


def test_url_lifetime_is_limited_to_seven_days(s3_store: S3ObjectStore) -> None:
    s3_store.upload_url(KEY, 7 * 24 * 3600)
    with pytest.raises(ConfigurationError, match="7 days"):
        s3_store.upload_url(KEY, 7 * 24 * 3600 + 1)


def test_no_default_bucket_is_a_configuration_error(s3_settings: Settings) -> None:
    store = S3ObjectStore.from_settings(s3_settings.model_copy(update={"s3_bucket": ""}))
    with pytest.raises(ConfigurationError, match="S3_BUCKET"):
        store.exists(KEY)


@pytest.mark.parametrize(
    ("endpoint", "ssl", "url", "style"),
    [
        ("minio:9000", False, "http://minio:9000", "path"),
        ("minio:9000", True, "https://minio:9000", "path"),
        ("http://minio:9000", True, "http://minio:9000", "path"),
        ("", True, "https://s3.eu-west-1.amazonaws.com", "auto"),
    ],
)
def test_client_from_settings(endpoint: str, ssl: bool, url: str, style: str) -> None:
    settings = Settings(
        s3_endpoint=endpoint,
        s3_ssl=ssl,
        s3_region="eu-west-1",
        s3_access_key="AK",
        s3_secret_key="SK",
    )
    client = s3_client(settings)
    assert client.meta.endpoint_url == url
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.s3["addressing_style"] == style
    assert client._request_signer._credentials.access_key == "AK"
