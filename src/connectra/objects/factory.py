"""Open the object store ``settings.objects_url()`` names."""

from __future__ import annotations

from pathlib import Path

from connectra.errors import ConfigurationError
from connectra.objects.base import ObjectStore
from connectra.objects.local import LocalObjectStore
from connectra.objects.signing import UrlSigner, load_url_secret
from connectra.settings import Settings


def open_objects(settings: Settings, public_base: str) -> ObjectStore:
    """``file://<dir>`` → a local directory whose URLs point at ``public_base`` (this server);
    ``s3://<bucket>`` → S3 (or ``S3_ENDPOINT``) with presigned URLs."""
    url = settings.objects_url()
    scheme, sep, rest = url.partition("://")
    prefix = settings.s3_upload_file_path_prifix
    if sep and scheme == "file" and rest:
        signer = UrlSigner(load_url_secret(settings.connectra_data_dir), public_base)
        return LocalObjectStore(Path(rest), prefix, signer)
    if sep and scheme == "s3" and rest and "/" not in rest:
        from connectra.objects.s3 import S3ObjectStore  # boto3 loads only when S3 is used

        return S3ObjectStore.from_settings(settings, bucket=rest)
    raise ConfigurationError(
        f"unsupported objects URL {url!r}; expected file://<directory> or s3://<bucket> "
        "(the key prefix goes in S3_UPLOAD_FILE_PATH_PRIFIX)"
    )
