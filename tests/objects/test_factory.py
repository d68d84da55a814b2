"""Choosing the object store from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectra.errors import ConfigurationError
from connectra.objects.factory import open_objects
from connectra.objects.local import LocalObjectStore
from connectra.objects.s3 import S3ObjectStore
from connectra.objects.signing import SECRET_FILE
from connectra.settings import Settings


def test_default_is_a_directory_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(connectra_data_dir=tmp_path / "data", s3_upload_file_path_prifix="in/")
    store = open_objects(settings, "http://127.0.0.1:8000/")
    assert isinstance(store, LocalObjectStore)
    assert store.root == (tmp_path / "data" / "objects").resolve()
    assert store.prefix == "in"
    assert (tmp_path / "data" / SECRET_FILE).exists()
    assert store.upload_url("in/x.csv", 60).startswith(
        "http://127.0.0.1:8000/common/uploads/in/x.csv?"
    )


def test_explicit_file_url(tmp_path: Path) -> None:
    settings = Settings(
        connectra_data_dir=tmp_path / "data", connectra_objects_url=f"file://{tmp_path}/files"
    )
    store = open_objects(settings, "http://h")
    assert isinstance(store, LocalObjectStore)
    assert store.root == (tmp_path / "files").resolve()


def test_s3_bucket_selects_s3(tmp_path: Path) -> None:
    settings = Settings(
        connectra_data_dir=tmp_path, s3_bucket="from-env", s3_endpoint="127.0.0.1:9", s3_ssl=False
    )
    store = open_objects(settings, "http://h")
    assert isinstance(store, S3ObjectStore)
    assert store.bucket == "from-env"
    url = settings.model_copy(update={"connectra_objects_url": "s3://from-url"})
    store = open_objects(url, "http://h")
    assert isinstance(store, S3ObjectStore)
    assert store.bucket == "from-url"
    assert not (tmp_path / SECRET_FILE).exists()  # S3 signs its own URLs


@pytest.mark.parametrize("url", ["ftp://x", "s3://", "s3://bucket/prefix", "file://", "objects"])
def test_anything_else_is_a_configuration_error(tmp_path: Path, url: str) -> None:
    settings = Settings(connectra_data_dir=tmp_path, connectra_objects_url=url)
    with pytest.raises(ConfigurationError, match="objects URL"):
        open_objects(settings, "http://h")
