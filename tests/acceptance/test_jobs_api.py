"""Jobs end to end: the HTTP API, runners inside `serve`, the CLI, a SIGKILLed runner."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectra.model.fake import DemoData
from connectra.model.rows import CSV_HEADERS
from tests.acceptance.server import Server, running_server

# Fast polling, small batches, and a short lease so a killed runner's job is free again soon.
FAST = {
    "TICKER_INTERVAL_SECONDS": "0.2",
    "BATCH_SIZE_FOR_INSERTION": "500",
    "CONNECTRA_JOB_LEASE_SECONDS": "3",
}


def _write_csv(path: Path, contacts: int, seed: int = 21) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_HEADERS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(DemoData(seed).rows(contacts))


def _wait_job(server: Server, uuid: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with server.client() as client:
        while time.monotonic() < deadline:
            job = client.get(f"/common/jobs/{uuid}").json()["data"]
            if job["status"] in ("completed", "failed"):
                return dict(job)
            time.sleep(0.2)
    raise AssertionError(f"job {uuid} did not finish: {job}")


@pytest.fixture
def server(tmp_path: Path) -> Any:
    with running_server(tmp_path / "data", FAST) as found:
        yield found


def test_job_api_errors_and_listing(server: Server) -> None:
    with server.client() as client:

        def error(response: httpx.Response) -> str:
            assert response.status_code == 400, response.text
            return str(response.json()["error"])

        assert error(client.post("/common/jobs/create", json={"job_data": {}})).startswith(
            "ERR_MISSING_JOB_TYPE"
        )
        assert error(client.post("/common/jobs/create", json={"job_type": "x"})).startswith(
            "ERR_MISSING_JOB_DATA"
        )
        bad_retry = {"job_type": "x", "job_data": {}, "retry_count": -1}
        assert error(client.post("/common/jobs/create", json=bad_retry)).startswith(
            "ERR_INVALID_RETRY_COUNT"
        )
        assert error(client.post("/common/jobs", json={"limit": -1})).startswith(
            "ERR_INVALID_LIMIT"
        )
        assert error(client.post("/common/jobs", json={"limit": 101})).startswith(
            "ERR_LIMIT_TOO_HIGH"
        )
        created = client.post(
            "/common/jobs/create", json={"job_type": "make_coffee", "job_data": {}}
        )
        assert created.status_code == 201
        job = created.json()["data"]
        assert set(job) == {"id", "uuid", "job_type", "data", "status", "job_response",
                            "retry_count", "retry_interval", "run_after", "created_at",
                            "updated_at"}  # fmt: skip
        assert (job["status"], job["run_after"], job["retry_interval"]) == ("open", None, 30)
        failed = _wait_job(server, job["uuid"])
        assert failed["job_response"]["runtime_errors"][0].startswith("ERR_INVALID_JOB_TYPE")
        listed = client.post("/common/jobs", json={"status": ["failed"], "job_type": "make_coffee"})
        assert [j["uuid"] for j in listed.json()["data"]] == [job["uuid"]]
        missing = client.get("/common/jobs/6aa7dce4-330b-52d2-b4c5-605eb4e65a23")
        assert missing.status_code == 404
        assert missing.json()["error"].startswith("ERR_JOB_NOT_FOUND")
        retrigger = f"/common/jobs/{job['uuid']}"
        assert error(client.put(retrigger, json={"retry_count": "2"})) == (
            "retry_count must be an integer"
        )
        again = client.put(retrigger, json={"retry_count": 2})
        assert again.status_code == 200, again.text
        assert again.json()["message"] == "Job updated and retriggered successfully"
        assert (again.json()["data"]["status"], again.json()["data"]["retry_count"]) == ("open", 2)
        assert client.put(missing.url.path, json={}).status_code == 404


def test_upload_import_search_export_download(server: Server, tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    _write_csv(source, 1500)
    with server.client() as client:
        upload = client.get("/common/upload-url", params={"filename": "contacts.csv"}).json()
        put = httpx.put(upload["upload_url"], content=source.read_bytes())  # no API key: signed
        assert put.status_code == 200, put.text
        body = {"job_type": "insert_csv_file", "job_data": {"s3_key": upload["s3_key"]}}
        job = client.post("/common/jobs/create", json=body).json()["data"]
        done = _wait_job(server, job["uuid"])
        assert done["status"] == "completed", done["job_response"]
        assert done["job_response"]["progress"]["rows"] == 1500
        server.wait_indexed()
        assert client.post("/contacts/count", json={}).json()["count"] == 1500
        vql = {"where": {"keyword_match": {"must": {"seniority": ["senior", "manager"]}}},
               "select_columns": ["email", "seniority", "uuid"]}  # fmt: skip
        expected = client.post("/contacts/count", json={"where": vql["where"]}).json()["count"]
        export = {"job_type": "export_csv_file", "job_data": {"service": "contact", "vql": vql}}
        job = client.post("/common/jobs/create", json=export).json()["data"]
        done = _wait_job(server, job["uuid"])
        assert done["status"] == "completed", done["job_response"]
        link = client.get("/common/download-url", params={"s3_key": done["job_response"]["s3_key"]})
        text = httpx.get(link.json()["download_url"]).text
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["email", "seniority", "uuid"]
    assert len(rows) - 1 == expected
    assert {row[1] for row in rows[1:]} <= {"senior", "manager"}


def _contacts_in(data_dir: Path) -> tuple[int, int]:
    with sqlite3.connect(data_dir / "connectra.db") as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT uuid) FROM contacts").fetchone()
        total, distinct = row
    return int(total), int(distinct)


def _cli(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    full.update({"CONNECTRA_DATA_DIR": str(data_dir), **FAST, **(env or {})})
    return subprocess.run([sys.executable, "-m", "connectra", *args], env=full, text=True,
                          capture_output=True, timeout=900, check=True)  # fmt: skip


def test_cli_import_100k_and_export_compared_with_the_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "100k.csv"
    _write_csv(source, 100_000, seed=3)
    result = _cli(data, "import", str(source), env={"BATCH_SIZE_FOR_INSERTION": "2000"})
    assert "100000 rows processed, 0 malformed rows skipped" in result.stdout
    total, distinct = _contacts_in(data)
    assert total == distinct == len({row["email"] for row in DemoData(3).rows(100_000)})
    vql = tmp_path / "vql.json"
    where = {"keyword_match": {"must_not": {"seniority": "senior"}}}
    columns = ["uuid", "email", "departments", "created_at"]
    vql.write_text(json.dumps({"where": where, "select_columns": columns}))
    out = tmp_path / "export.csv"
    _cli(data, "export", "--vql", str(vql), "--out", str(out))
    with out.open(newline="") as handle:
        exported = list(csv.reader(handle))
    assert exported[0] == ["uuid", "email", "departments", "created_at"]
    with sqlite3.connect(data / "connectra.db") as conn:
        stored = conn.execute(
            "SELECT uuid, email, departments, created_at FROM contacts "
            "WHERE deleted_at IS NULL AND (seniority IS NULL OR lower(seniority) != 'senior') "
            "ORDER BY uuid DESC"
        ).fetchall()
    assert len(exported) - 1 == len(stored) > 50_000
    for line, (uuid, email, departments, created_at) in zip(exported[1:], stored, strict=True):
        assert line[0] == uuid
        assert line[1] == (email or "")
        assert line[2] == ",".join(json.loads(departments) if departments else [])
        assert line[3].replace("T", " ").rstrip("Z") == created_at


def test_a_runner_killed_mid_import_converges(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "20k.csv"
    _write_csv(source, 20_000, seed=9)
    with running_server(data, {**FAST, "PARALLEL_JOBS": "1"}, command="api") as api:
        with api.client() as client:
            upload = client.get("/common/upload-url", params={"filename": "20k.csv"}).json()
            assert httpx.put(upload["upload_url"], content=source.read_bytes()).status_code == 200
            body = {"job_type": "insert_csv_file", "job_data": {"s3_key": upload["s3_key"]}}
            job = client.post("/common/jobs/create", json=body).json()["data"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
        env.update({"CONNECTRA_DATA_DIR": str(data), **FAST, "PARALLEL_JOBS": "1"})
        command = [sys.executable, "-m", "connectra", "jobs", "first_time"]
        runner = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        with api.client() as client:
            while time.monotonic() < deadline:
                state = client.get(f"/common/jobs/{job['uuid']}").json()["data"]
                if state["job_response"].get("progress", {}).get("batches", 0) >= 3:
                    break
                time.sleep(0.05)
        os.kill(runner.pid, signal.SIGKILL)  # mid-import, its lease still held
        runner.wait()
        assert _contacts_in(data)[0] < 20_000
        with running_server(data, {**FAST, "PARALLEL_JOBS": "1"}) as server:
            done = _wait_job(server, job["uuid"], timeout=180)
    assert done["status"] == "completed", done["job_response"]
    total, distinct = _contacts_in(data)
    assert total == distinct == len({row["email"] for row in DemoData(9).rows(20_000)})
