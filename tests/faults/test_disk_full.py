"""The objects directory on a full disk (a 1 MiB tmpfs mounted for the test): an export that
does not fit fails with a clear job error, an upload that does not fit is refused in the error
envelope, and neither leaves a partial object (nor a temporary file) behind."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.acceptance.server import Server, running_server
from tests.fuzz.conftest import seed_store

DISK = "1m"
CONTACTS = 12_000  # their export is several MiB
UPLOAD_BYTES = 3 * 2**20
EXPORT_VQL = {"select_columns": ["uuid", "email", "first_name", "last_name", "title", "city"]}
TIMEOUT_S = 180.0
NO_SPACE = os.strerror(28)  # ENOSPC: "No space left on device"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "objects"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        message = f"cannot mount a small tmpfs ({done.stderr.strip()}); needs root"
        if os.environ.get("CI") and os.geteuid() == 0:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def server(small_disk: Path, tmp_path: Path) -> Iterator[Server]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    seed_store(f"sqlite:///{data_dir}/connectra.db", CONTACTS)
    env = {"CONNECTRA_OBJECTS_URL": f"file://{small_disk}", "TICKER_INTERVAL_SECONDS": "0.2"}
    with running_server(data_dir, env) as found:
        found.wait_indexed(timeout=TIMEOUT_S)
        yield found


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _wait_finished(server: Server, uuid: str) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT_S
    with server.client() as client:
        while True:
            job = client.get(f"/common/jobs/{uuid}").json()["data"]
            if job["status"] in ("completed", "failed"):
                return dict(job)
            assert time.monotonic() < deadline, f"job never finished: {job}"
            time.sleep(0.2)


def test_an_export_that_does_not_fit_fails_clearly_and_leaves_nothing(
    server: Server, small_disk: Path
) -> None:
    with server.client() as client:
        body = {
            "job_type": "export_csv_file",
            "job_data": {"service": "contact", "vql": EXPORT_VQL},
        }
        uuid = client.post("/common/jobs/create", json=body).json()["data"]["uuid"]
    job = _wait_finished(server, uuid)
    assert job["status"] == "failed", job
    assert any(NO_SPACE in error for error in job["job_response"]["runtime_errors"]), job
    assert _files(small_disk) == []


def test_an_upload_that_does_not_fit_is_refused_and_leaves_nothing(
    server: Server, small_disk: Path
) -> None:
    with server.client() as client:
        upload = client.get("/common/upload-url", params={"filename": "big.csv"}).json()
    response = httpx.put(upload["upload_url"], content=b"x" * UPLOAD_BYTES, timeout=60)
    assert response.status_code >= 400
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["success"] is False
    assert NO_SPACE in body["error"], body
    assert _files(small_disk) == []
    with server.client() as client:  # and the service goes on
        assert client.get("/common/upload-url", params={"filename": "small.csv"}).status_code == 200
