"""What the ObjectStore protocol promises, held against every adapter (memory, local, S3)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable

import pytest

from connectra.errors import ObjectStorageError, ValidationError
from connectra.objects.base import ObjectStore
from connectra.objects.s3 import S3ObjectStore
from tests.objects.conftest import Boom, write_then_fail

KEY = "uploads/contacts.csv"


def test_write_then_read_back(store: ObjectStore) -> None:
    payload = os.urandom(300_000)
    assert not store.exists(KEY)
    with store.open_write(KEY) as handle:
        for start in range(0, len(payload), 65_536):
            handle.write(payload[start : start + 65_536])
    assert store.exists(KEY)
    with store.open_read(KEY) as reader:
        assert reader.read(10) == payload[:10]
        assert reader.read() == payload[10:]


def test_overwrite_replaces(store: ObjectStore) -> None:
    for payload in (b"first version", b"second"):
        with store.open_write(KEY) as handle:
            handle.write(payload)
    with store.open_read(KEY) as reader:
        assert reader.read() == b"second"


def test_empty_object(store: ObjectStore) -> None:
    with store.open_write(KEY):
        pass
    with store.open_read(KEY) as reader:
        assert reader.read() == b""


def test_csv_through_text_wrappers(store: ObjectStore) -> None:
    """How the CSV jobs use it: a TextIOWrapper closes the handle before the store's exit."""
    with store.open_write(KEY) as raw, io.TextIOWrapper(raw, "utf-8", newline="") as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["name", "city"])
        writer.writerows([["Zoë", "Köln"], ["a,b", 'say "hi"']])
    with store.open_read(KEY) as raw, io.TextIOWrapper(raw, "utf-8", newline="") as text:
        assert list(csv.reader(text)) == [
            ["name", "city"],
            ["Zoë", "Köln"],
            ["a,b", 'say "hi"'],
        ]


def test_exception_leaves_nothing(store: ObjectStore) -> None:
    with pytest.raises(Boom):
        write_then_fail(store, KEY, b"partial")
    assert not store.exists(KEY)


def test_exception_keeps_the_previous_version(store: ObjectStore) -> None:
    with store.open_write(KEY) as handle:
        handle.write(b"good")
    with pytest.raises(Boom):
        write_then_fail(store, KEY, b"half of a new version")
    with store.open_read(KEY) as reader:
        assert reader.read() == b"good"


def test_missing_object(store: ObjectStore) -> None:
    with pytest.raises(ObjectStorageError) as caught:
        store.open_read("uploads/missing.csv")
    assert "uploads/missing.csv" in caught.value.message
    assert caught.value.status == 500


def test_delete(store: ObjectStore) -> None:
    with store.open_write(KEY) as handle:
        handle.write(b"x")
    store.delete(KEY)
    assert not store.exists(KEY)
    store.delete(KEY)  # deleting a missing object is fine


def test_buckets_are_separate(store: ObjectStore) -> None:
    if isinstance(store, S3ObjectStore):
        store.client.create_bucket(Bucket="second-bucket")
    with store.open_write(KEY, bucket="second-bucket") as handle:
        handle.write(b"in the second bucket")
    assert store.exists(KEY, bucket="second-bucket")
    assert not store.exists(KEY)
    with store.open_read(KEY, bucket="second-bucket") as reader:
        assert reader.read() == b"in the second bucket"


@pytest.mark.parametrize(
    "key", ["../x", "uploads/../../etc/passwd", "/abs", "uploads//x", "a\\b", "other/x"]
)
def test_every_operation_confines_keys(store: ObjectStore, key: str) -> None:
    operations: list[Callable[[], object]] = [
        lambda: store.check_key(key),
        lambda: store.open_read(key),
        lambda: store.open_write(key).__enter__(),
        lambda: store.exists(key),
        lambda: store.delete(key),
        lambda: store.upload_url(key, 60),
        lambda: store.download_url(key, 60),
    ]
    for operation in operations:
        with pytest.raises(ValidationError, match="invalid object key"):
            operation()


def test_bad_bucket_names_are_refused(store: ObjectStore) -> None:
    for bucket in ("..", "a/b", "x"):
        with pytest.raises(ValidationError, match="invalid bucket"):
            store.exists(KEY, bucket=bucket)


def test_urls_name_the_key(store: ObjectStore) -> None:
    assert "uploads/contacts.csv" in store.upload_url(KEY, 60)
    assert "uploads/contacts.csv" in store.download_url(KEY, 60)
