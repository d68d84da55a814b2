"""Signed URLs of the local store: valid, tampered, expired, and the secret file."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from connectra.errors import ConfigurationError, Forbidden, ValidationError
from connectra.objects.signing import SECRET_FILE, UrlSigner, load_url_secret

SECRET = b"s" * 32
KEY = "uploads/3f0c_list of people.csv"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _parts(url: str) -> tuple[str, str, dict[str, str]]:
    split = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(split.query).items()}
    return f"{split.scheme}://{split.netloc}", unquote(split.path), query


def test_url_shape_and_valid_signature() -> None:
    signer = UrlSigner(SECRET, "http://example.test:8000/", clock=Clock(1_000))
    base, path, query = _parts(signer.url("PUT", KEY, 60))
    assert base == "http://example.test:8000"
    assert path == f"/common/uploads/{KEY}"
    assert query["expires"] == "1060"
    assert len(query["signature"]) == 64
    assert "bucket" not in query
    signer.verify("PUT", KEY, None, query["expires"], query["signature"])
    _, path, query = _parts(signer.url("GET", KEY, 60, bucket="other-bucket"))
    assert path == f"/common/downloads/{KEY}"
    assert query["bucket"] == "other-bucket"
    signer.verify("GET", KEY, "other-bucket", query["expires"], query["signature"])


def test_key_is_percent_encoded_in_the_path() -> None:
    url = UrlSigner(SECRET, "http://h").url("GET", "uploads/a b?#%.csv", 60)
    assert "/common/downloads/uploads/a%20b%3F%23%25.csv?" in url


@pytest.mark.parametrize(
    "change",
    [
        {"method": "GET"},  # an upload URL never downloads
        {"key": "uploads/other.csv"},
        {"bucket": "another"},
        {"expires": "2000"},
        {"signature": "0" * 64},
        {"signature": ""},
        {"expires": ""},
        {"expires": "1e9"},
        {"expires": "١٠٦٠"},  # non-ASCII digits
        {"signature": "é" * 64},
    ],
)
def test_tampered_urls_are_forbidden(change: dict[str, str]) -> None:
    signer = UrlSigner(SECRET, "http://h", clock=Clock(1_000))
    _, _, query = _parts(signer.url("PUT", KEY, 60))
    request = {"method": "PUT", "key": KEY, "bucket": None, **query}
    request.update(change)
    with pytest.raises(Forbidden) as caught:
        signer.verify(
            request["method"],  # type: ignore[arg-type]
            request["key"],  # type: ignore[arg-type]
            request["bucket"],
            request["expires"],
            request["signature"],
        )
    assert caught.value.status == 403


def test_another_secret_is_forbidden() -> None:
    _, _, query = _parts(UrlSigner(SECRET, "http://h").url("PUT", KEY, 60))
    with pytest.raises(Forbidden, match="signature"):
        UrlSigner(b"t" * 32, "http://h").verify(
            "PUT", KEY, None, query["expires"], query["signature"]
        )


def test_expiry() -> None:
    clock = Clock(1_000)
    signer = UrlSigner(SECRET, "http://h", clock=clock)
    _, _, query = _parts(signer.url("GET", KEY, 60))
    clock.now = 1_060  # still valid at the expiry second
    signer.verify("GET", KEY, None, query["expires"], query["signature"])
    clock.now = 1_061
    with pytest.raises(Forbidden, match="expired"):
        signer.verify("GET", KEY, None, query["expires"], query["signature"])


def test_missing_parameters_are_forbidden() -> None:
    with pytest.raises(Forbidden, match="signed URL is required"):
        UrlSigner(SECRET, "http://h").verify("GET", KEY, None, None, None)


def test_lifetime_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        UrlSigner(SECRET, "http://h").url("GET", KEY, 0)


def test_secret_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    secret = load_url_secret(data_dir)
    path = data_dir / SECRET_FILE
    assert len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_url_secret(data_dir) == secret
    assert sorted(p.name for p in data_dir.iterdir()) == [SECRET_FILE]  # no temp file left
    assert load_url_secret(tmp_path / "elsewhere") != secret


def test_a_truncated_secret_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_bytes(b"short")
    with pytest.raises(ConfigurationError, match="too short"):
        load_url_secret(tmp_path)


def test_repr_does_not_show_the_secret() -> None:
    signer = UrlSigner(SECRET, "http://h")
    assert "sss" not in repr(signer)
    assert not hasattr(signer, "__dict__")
