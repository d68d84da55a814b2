"""Upload → searchable: a CSV through ``/common/upload-url`` and one ``insert_csv_file`` job on
a real ``connectra serve``, timed until every contact is counted by the search API.

    python benchmarks/import_e2e.py --contacts 100000 [--store postgresql]

Reported: seconds to upload, seconds until the job completed, seconds until
``POST /contacts/count`` equals the CSV's distinct contacts and the outbox is empty (the
figure that matters), rows/s over that, and the largest outbox backlog seen on ``/health``
(sampled every 0.25 s). The server runs with the default ``BATCH_SIZE_FOR_INSERTION`` and
``TICKER_INTERVAL_SECONDS=0.25`` (so the job is picked up at once); its log is printed on
failure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pgdb
from generate import DATA_DIR, ensure_csv

from connectra.model.rows import records_from_row

KEY = "bench"
POLL_SECONDS = 0.25


def distinct_contacts(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return len({records_from_row(row).contact["uuid"] for row in csv.DictReader(handle)})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(data_dir: Path, database_url: str | None) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    env.update(
        {"CONNECTRA_DATA_DIR": str(data_dir), "API_KEY": KEY,
         "MAX_REQUESTS_PER_MINUTE": "1000000000", "TICKER_INTERVAL_SECONDS": "0.25"}
    )  # fmt: skip
    if database_url:
        env["CONNECTRA_DATABASE_URL"] = database_url
    log_path = data_dir.parent / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "connectra", "serve", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_up(base, process)
            yield base, process.pid
        except BaseException:
            print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"connectra serve exited with {process.returncode}")
        try:
            httpx.get(f"{base}/health", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("connectra serve did not start")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc; None elsewhere): on a shared
    machine they say more about the work done than wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(base: str, csv_path: Path, expected: int, timeout: float) -> dict[str, Any]:
    client = httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=60)
    started = time.perf_counter()
    upload = client.get("/common/upload-url", params={"filename": csv_path.name}).json()
    with csv_path.open("rb") as body:
        put = httpx.put(upload["upload_url"], content=body, timeout=600)
    put.raise_for_status()
    uploaded = time.perf_counter() - started
    body = {"job_type": "insert_csv_file", "job_data": {"s3_key": upload["s3_key"]}}
    job = client.post("/common/jobs/create", json=body).json()["data"]
    job_seconds = searchable = None
    peak_pending = count = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = int(httpx.get(f"{base}/health").json().get("indexer", {}).get("pending", 0))
        peak_pending = max(peak_pending, pending)
        if job_seconds is None:
            state = client.get(f"/common/jobs/{job['uuid']}").json()["data"]
            if state["status"] == "failed":
                raise RuntimeError(f"the import job failed: {state['job_response']}")
            if state["status"] == "completed":
                job_seconds = time.perf_counter() - started
        count = int(client.post("/contacts/count", json={}).json()["count"])
        if job_seconds is not None and pending == 0 and count == expected:
            searchable = time.perf_counter() - started
            break
        time.sleep(POLL_SECONDS)
    if searchable is None:
        raise RuntimeError(f"not searchable after {timeout} s: {count} of {expected} counted")
    return {
        "rows": expected,
        "upload_seconds": round(uploaded, 3),
        "job_done_seconds": round(job_seconds or 0.0, 3),
        "searchable_seconds": round(searchable, 3),
        "rows_per_second_to_searchable": round(expected / searchable),
        "peak_outbox_pending": peak_pending,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("CONNECTRA_BENCH_POSTGRES_URL", pgdb.DEFAULT_URL)
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds (default 1800)")
    args = parser.parse_args(argv)
    csv_path = ensure_csv(args.contacts, args.seed, args.data_dir)
    expected = distinct_contacts(csv_path)
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="connectra-e2e-")))
        database_url = None
        if args.store == "postgresql":
            url = stack.enter_context(pgdb.scratch_database(args.pg_url, "connectra_e2e"))
            database_url = pgdb.sqlalchemy_url(url)
        base, pid = stack.enter_context(serve(scratch / "data", database_url))
        before = cpu_seconds(pid)
        result = {"store": args.store, **measure(base, csv_path, expected, args.timeout)}
        after = cpu_seconds(pid)
        if before is not None and after is not None:
            result["server_cpu_seconds"] = round(after - before, 2)
        result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
