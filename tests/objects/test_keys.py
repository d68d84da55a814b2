"""Key confinement, bucket names and upload keys: the rules every store applies."""

from __future__ import annotations

import re

import pytest

from connectra.errors import ConfigurationError, FilenameRequired, ValidationError
from connectra.objects.base import (
    MAX_KEY_BYTES,
    check_bucket,
    confine_key,
    export_key,
    normalise_prefix,
    safe_filename,
    upload_key,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.mark.parametrize(
    "key",
    [
        "uploads/x.csv",
        "uploads/a/b/c.csv",
        "uploads/with space & ünïcode.csv",
        "uploads/..hidden",
        "uploads/a..b",
        "uploads/" + "x" * (MAX_KEY_BYTES - len("uploads/")),
    ],
)
def test_good_keys_pass_unchanged(key: str) -> None:
    assert confine_key(key, "uploads") == key


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "empty"),
        ("../x", "'..'"),
        ("uploads/../../etc/passwd", "'..'"),
        ("uploads/../secrets", "'..'"),
        ("uploads/./x", "'.'"),
        ("uploads/x/..", "'..'"),
        ("/abs", "relative"),
        ("/uploads/x", "relative"),
        ("uploads//x", "empty"),
        ("uploads/x/", "empty"),
        ("uploads", "inside uploads/"),
        ("uploads\\..\\x", "backslash"),
        ("uploads/a\\b", "backslash"),
        ("uploads/x\x00.csv", "control"),
        ("uploads/x\n.csv", "control"),
        ("uploads/\ud800", "control"),
        ("other/x.csv", "inside uploads/"),
        ("uploadsx/y.csv", "inside uploads/"),
        ("x.csv", "inside uploads/"),
        ("uploads/" + "x" * (MAX_KEY_BYTES + 1 - len("uploads/")), "longer"),
        ("uploads/" + "é" * MAX_KEY_BYTES, "longer"),
    ],
)
def test_bad_keys_are_a_400_naming_the_key(key: str, problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        confine_key(key, "uploads")
    error = caught.value
    assert error.status == 400
    assert error.error_code == "VALIDATION_ERROR"
    assert repr(key) in error.message
    assert problem in error.message
    assert error.details == {"field": "s3_key", "path": "s3_key"}


def test_multi_segment_prefix_and_no_prefix() -> None:
    assert confine_key("a/b/x", "a/b") == "a/b/x"
    with pytest.raises(ValidationError):
        confine_key("a/x", "a/b")
    assert confine_key("anything/at/all", "") == "anything/at/all"
    with pytest.raises(ValidationError):
        confine_key("../x", "")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("uploads", "uploads"), ("connectra/", "connectra"), ("/a/b/", "a/b"), ("", ""), ("/", "")],
)
def test_prefix_is_normalised(raw: str, clean: str) -> None:
    assert normalise_prefix(raw) == clean


@pytest.mark.parametrize("raw", ["a//b", "../x", "a/../b", "a\\b"])
def test_a_broken_prefix_is_a_configuration_error(raw: str) -> None:
    with pytest.raises(ConfigurationError):
        normalise_prefix(raw)


@pytest.mark.parametrize("bucket", [None, "abc", "my-bucket.v2", "Legacy_Bucket"])
def test_good_buckets(bucket: str | None) -> None:
    assert check_bucket(bucket) == bucket


@pytest.mark.parametrize("bucket", ["", "ab", "..", "a/b", "a\\b", "x..y", "-abc", "abc.", "a b"])
def test_bad_buckets(bucket: str) -> None:
    with pytest.raises(ValidationError, match="invalid bucket"):
        check_bucket(bucket)


@pytest.mark.parametrize(
    ("filename", "name"),
    [
        ("contacts.csv", "contacts.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\list.csv", "list.csv"),
        ("dir/sub/file name.csv", "file name.csv"),
        ("  spaced.csv  ", "spaced.csv"),
        ("bad\x00name\n.csv", "badname.csv"),
    ],
)
def test_filenames_are_reduced_to_a_basename(filename: str, name: str) -> None:
    assert safe_filename(filename) == name


@pytest.mark.parametrize("filename", [None, "", "   ", "..", ".", "dir/", "a/..", "\x00"])
def test_missing_filename(filename: str | None) -> None:
    with pytest.raises(FilenameRequired) as caught:
        safe_filename(filename)
    assert caught.value.status == 400
    assert caught.value.error.startswith("ERR_FILENAME_REQUIRED")


@pytest.mark.parametrize("prefix", ["uploads", "uploads/", "/uploads/"])
def test_upload_key_has_exactly_one_slash_after_the_prefix(prefix: str) -> None:
    key = upload_key(prefix, "../list.csv")
    assert re.fullmatch(rf"uploads/{UUID}_list\.csv", key)
    assert confine_key(key, normalise_prefix(prefix)) == key


def test_upload_keys_are_unique_and_work_without_prefix() -> None:
    assert upload_key("uploads", "a.csv") != upload_key("uploads", "a.csv")
    assert re.fullmatch(rf"{UUID}_a\.csv", upload_key("", "a.csv"))


def test_export_key() -> None:
    assert export_key("connectra/", "job-1") == "connectra/job-1.csv"
    assert export_key("", "job-1") == "job-1.csv"
