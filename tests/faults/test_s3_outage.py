"""S3 (moto's server over HTTP) stopped while an import and an export run: both jobs fail with
``runtime_errors`` and no object half-written, are retried by the retry runner, and complete once
S3 answers again (the same moto state, served again on the same port)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from connectra.model.fake import DemoData
from connectra.model.rows import CSV_HEADERS
from tests.acceptance.server import Server, free_port, running_server

IMPORTED = 500
SEEDED = 200
RETRIES = 2
EXPORT_VQL = {"select_columns": ["email", "first_name"]}
BUCKET = "faults"
FAIL_TIMEOUT_S = 120.0
RETRY_TIMEOUT_S = 240.0  # the retry interval is 30 s, plus boto's own retries
AWS = {"S3_ACCESS_KEY": "testing", "S3_SECRET_KEY": "testing", "S3_REGION": "us-east-1"}
ISOLATED_AWS = {  # nothing from the machine's own AWS configuration
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
}


@dataclass
class Moto:
    port: int
    server: ThreadedMotoServer | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        assert self.server is not None
        self.server.stop()
        self.server = None

    def keys(self) -> list[str]:
        client = boto3.client(
            "s3",
            endpoint_url=f"http://{self.endpoint}",
            region_name=AWS["S3_REGION"],
            aws_access_key_id=AWS["S3_ACCESS_KEY"],
            aws_secret_access_key=AWS["S3_SECRET_KEY"],
        )
        if not any(b["Name"] == BUCKET for b in client.list_buckets()["Buckets"]):
            client.create_bucket(Bucket=BUCKET)
        return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def moto() -> Iterator[Moto]:
    found = Moto(free_port())
    found.start()
    try:
        found.keys()  # creates the bucket
        yield found
    finally:
        if found.server is not None:
            found.stop()


@pytest.fixture
def server(moto: Moto, tmp_path: Path) -> Iterator[Server]:
    env = {**AWS, **ISOLATED_AWS, "S3_BUCKET": BUCKET, "S3_ENDPOINT": moto.endpoint,
           "S3_SSL": "false", "TICKER_INTERVAL_SECONDS": "0.2"}  # fmt: skip
    with running_server(tmp_path / "data", env) as found:
        yield found


def _csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_HEADERS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(DemoData(5).rows(rows))
    return out.getvalue().encode()


def _wait(server: Server, uuid: str, status: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with server.client() as client:
        while True:
            job = client.get(f"/common/jobs/{uuid}").json()["data"]
            if job["status"] == status:
                return dict(job)
            assert time.monotonic() < deadline, f"job never {status}: {job}"
            time.sleep(0.2)


def test_jobs_fail_while_s3_is_down_and_complete_once_it_answers(
    server: Server, moto: Moto
) -> None:
    people = [{"first_name": f"Ex{n}", "last_name": "Port", "email": f"ex{n}@s3.io"}
              for n in range(SEEDED)]  # fmt: skip
    with server.client(timeout=60) as client:
        assert client.post("/contacts/bulk", json={"contacts": people}).status_code == 200
        upload = client.get("/common/upload-url", params={"filename": "people.csv"}).json()
        assert httpx.put(upload["upload_url"], content=_csv(IMPORTED)).status_code == 200
        before = set(moto.keys())
        moto.stop()
        jobs = [
            {"job_type": "insert_csv_file", "job_data": {"s3_key": upload["s3_key"]}},
            {"job_type": "export_csv_file", "job_data": {"service": "contact", "vql": EXPORT_VQL}},
        ]
        jobs = [{**job, "retry_count": RETRIES} for job in jobs]
        uuids = [
            client.post("/common/jobs/create", json=job).json()["data"]["uuid"] for job in jobs
        ]
    failed = [_wait(server, uuid, "failed", FAIL_TIMEOUT_S) for uuid in uuids]
    for job in failed:
        assert "Could not connect" in job["job_response"]["runtime_errors"][-1], job

    moto.start()
    assert set(moto.keys()) == before, "a failed job left an object behind"
    done = [_wait(server, uuid, "completed", RETRY_TIMEOUT_S) for uuid in uuids]
    imported, exported = done
    assert [job["retry_count"] for job in done] == [RETRIES - 1] * 2  # one retry was used
    assert imported["job_response"]["progress"]["rows"] == IMPORTED
    assert imported["job_response"]["runtime_errors"] == failed[0]["job_response"]["runtime_errors"]
    with server.client(timeout=60) as client:
        link = client.get(
            "/common/download-url", params={"s3_key": exported["job_response"]["s3_key"]}
        )
        lines = httpx.get(link.json()["download_url"], timeout=60).text.splitlines()
    total = exported["job_response"]["progress"]["total"]
    assert len(lines) - 1 == total >= SEEDED
