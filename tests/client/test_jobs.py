"""Jobs, signed object URLs and ``import_csv`` of both clients against a real server.

The SDK test server runs no job runners at test speed, so these tests check what the calls
send and return; tests/gateway runs jobs to completion (exports, an import).
"""

from __future__ import annotations

import uuid as uuidlib
from pathlib import Path

import httpx
import pytest

from connectra.client import Job, NotFound, ValidationFailed
from tests.client.conftest import Api


def test_create_list_and_get_a_job(writer: Api) -> None:
    vql = {"select_columns": ["uuid", "email"]}
    job = writer.create_job("export_csv_file", {"service": "contact", "vql": vql}, 0)
    assert isinstance(job, Job)
    assert job.job_type == "export_csv_file"
    assert job.data == {"service": "contact", "vql": vql}
    assert job.status in ("open", "in_queue", "processing", "completed", "failed")
    assert writer.get_job(job.uuid).uuid == job.uuid
    listed = writer.list_jobs(job_type="export_csv_file", limit=100)
    assert job.uuid in [j.uuid for j in listed]
    assert writer.list_jobs(job_type="no_such_type") == []


def test_job_errors(writer: Api) -> None:
    with pytest.raises(NotFound):
        writer.get_job(str(uuidlib.uuid4()))
    with pytest.raises(ValidationFailed) as refused:
        writer.create_job("", {"s3_key": "x"})
    assert refused.value.token == "ERR_MISSING_JOB_TYPE"
    with pytest.raises(ValidationFailed) as too_many:
        writer.list_jobs(limit=101)
    assert too_many.value.token == "ERR_LIMIT_TOO_HIGH"


def test_import_csv_uploads_the_file_and_queues_the_import(writer: Api, tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("first_name,last_name,email\nAda,Lovelace,ada@import.example\n" * 3)
    job = writer.import_csv(csv)
    assert job.job_type == "insert_csv_file"
    key = job.data["s3_key"]
    assert key.endswith("_people.csv")
    download = writer.download_url(key)
    assert download.s3_key == key
    assert download.expires_in.endswith("h0m0s")
    assert httpx.get(download.url).content == csv.read_bytes()


def test_upload_url_then_download_url(writer: Api) -> None:
    upload = writer.upload_url("notes.csv")
    assert upload.s3_key.endswith("_notes.csv")
    assert httpx.put(upload.url, content=b"a,b\n").is_success
    assert httpx.get(writer.download_url(upload.s3_key).url).content == b"a,b\n"
    with pytest.raises(NotFound):
        writer.download_url("uploads/missing.csv")
