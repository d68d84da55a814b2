"""Upload → searchable: a CSV through ``/common/upload-url`` and one ``insert_csv_file`` job on
a real ``connectra serve``, timed until every contact is counted by the search API.

    python benchmarks/import_e2e.py --contacts 100000 [--store postgresql]

Reported: seconds to upload, seconds until the job completed, seconds until
``POST /contacts/count`` equals the CSV's distinct contacts and the outbox is empty (the
figure that matters), rows/s over that, and the largest outbox backlog seen on ``/health``
(sampled every 0.25 s). While the import runs and is indexed, probes measure what a user sees:
a keyword page and a range page (p50/p95, against the same pages once the index is idle) and
write → searchable (a contact created every 0.5 s while the job runs, timed until a search
finds it); the server's RSS (every process) is sampled throughout. The server runs with the
default ``BATCH_SIZE_FOR_INSERTION`` and ``TICKER_INTERVAL_SECONDS=0.25``; its log is printed on
failure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pgdb
from classes import CLASSES
from generate import DATA_DIR, ensure_csv
from measure import percentile
from search_engine import engine_name, search_url
from server import launched, tree_cpu_seconds, tree_rss_bytes

from connectra.model.rows import records_from_row

KEY = "bench"
POLL_SECONDS = 0.25
PROBE_PAGES = {
    query.name: query.vql for query in CLASSES if query.name in {"keyword_terms", "ranges"}
}
IDLE_RUNS = 30
WRITE_EVERY_SECONDS = 0.5


def distinct_contacts(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return len({records_from_row(row).contact["uuid"] for row in csv.DictReader(handle)})


@contextmanager
def serve(
    data_dir: Path, database_url: str | None, search_url: str | None = None
) -> Iterator[tuple[str, int]]:
    env = {"CONNECTRA_DATA_DIR": str(data_dir), "API_KEY": KEY,
           "MAX_REQUESTS_PER_MINUTE": "1000000000", "TICKER_INTERVAL_SECONDS": "0.25"}  # fmt: skip
    if database_url:
        env["CONNECTRA_DATABASE_URL"] = database_url
    if search_url:
        env["CONNECTRA_SEARCH_URL"] = search_url
    with launched(["serve"], env, data_dir.parent / "server.log") as (base, process):
        yield base, process.pid


def _summary(values_ms: list[float]) -> dict[str, Any]:
    if not values_ms:
        return {"n": 0}
    return {"n": len(values_ms), "p50_ms": round(statistics.median(values_ms), 2),
            "p95_ms": round(percentile(values_ms, 95), 2)}  # fmt: skip


class Probes:
    """Pages and write → searchable timed from threads while the import runs and is indexed."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.reads: dict[str, list[float]] = {name: [] for name in PROBE_PAGES}
        self.visible_ms: list[float] = []
        self.writes = 0
        self.stop_reads = threading.Event()
        self.stop_writes = threading.Event()
        self.failure: BaseException | None = None
        self._threads = [threading.Thread(target=self._guarded, args=(loop,), daemon=True)
                         for loop in (self._read_loop, self._write_loop)]  # fmt: skip

    def _guarded(self, loop: Callable[[], None]) -> None:
        try:
            loop()
        except BaseException as exc:  # reported by __exit__, not lost in a thread
            self.failure = exc

    def page_ms(self, vql: dict[str, Any]) -> float:
        started = time.perf_counter()
        self.client.post("/contacts", json=vql).raise_for_status()
        return (time.perf_counter() - started) * 1000

    def _read_loop(self) -> None:
        while not self.stop_reads.is_set():
            for name, vql in PROBE_PAGES.items():
                self.reads[name].append(self.page_ms(vql))
            time.sleep(POLL_SECONDS)

    def _write_loop(self) -> None:
        tag = uuid.uuid4().hex[:8]
        while not self.stop_writes.is_set():
            name = f"Probe{self.writes}x{tag}"  # the uuid derives from the names: unique ones
            email = f"{name.lower()}@probe-bench.io"
            person = {"first_name": name, "last_name": "Write", "email": email}
            count_body = {"where": {"keyword_match": {"must": {"email": email}}}}
            started = time.perf_counter()
            self.client.post("/contacts/create", json=person).raise_for_status()
            self.writes += 1
            while self.client.post("/contacts/count", json=count_body).json()["count"] != 1:
                time.sleep(0.01)
            self.visible_ms.append((time.perf_counter() - started) * 1000)
            time.sleep(WRITE_EVERY_SECONDS)

    def __enter__(self) -> Probes:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop_reads.set()
        self.stop_writes.set()
        for thread in self._threads:
            thread.join()
        if self.failure is not None:
            raise RuntimeError(f"a probe failed: {self.failure!r}") from self.failure

    def report(self) -> dict[str, Any]:
        """During-import figures against the same pages on the idle server (measured now)."""
        pages = {}
        for name, vql in PROBE_PAGES.items():
            idle = [self.page_ms(vql) for _ in range(IDLE_RUNS)]
            during, after = _summary(self.reads[name]), _summary(idle)
            ratio = during["p50_ms"] / after["p50_ms"] if during["n"] else None
            pages[name] = {"during_import": during, "idle": after,
                           "p50_ratio": None if ratio is None else round(ratio, 2)}  # fmt: skip
        return {"pages": pages, "write_to_searchable": _summary(self.visible_ms)}


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=60)


def measure(base: str, pid: int, csv_path: Path, expected: int, timeout: float) -> dict[str, Any]:
    with _client(base) as client, _client(base) as probe_client:
        return _measure(client, Probes(probe_client), base, pid, csv_path, expected, timeout)


def _measure(client: httpx.Client, probes: Probes, base: str, pid: int, csv_path: Path,
             expected: int, timeout: float) -> dict[str, Any]:  # fmt: skip
    started = time.perf_counter()
    upload = client.get("/common/upload-url", params={"filename": csv_path.name}).json()
    with csv_path.open("rb") as body:
        put = httpx.put(upload["upload_url"], content=body, timeout=600)
    put.raise_for_status()
    uploaded = time.perf_counter() - started
    body = {"job_type": "insert_csv_file", "job_data": {"s3_key": upload["s3_key"]}}
    job = client.post("/common/jobs/create", json=body).json()["data"]
    job_seconds = searchable = None
    peak_pending = count = peak_rss = peak_pss = 0
    deadline = time.monotonic() + timeout
    with probes:
        while time.monotonic() < deadline:
            pending = int(httpx.get(f"{base}/health").json().get("indexer", {}).get("pending", 0))
            peak_pending = max(peak_pending, pending)
            peak_rss = max(peak_rss, tree_rss_bytes(pid))
            peak_pss = max(peak_pss, tree_rss_bytes(pid, "Pss"))
            if job_seconds is None:
                state = client.get(f"/common/jobs/{job['uuid']}").json()["data"]
                if state["status"] == "failed":
                    raise RuntimeError(f"the import job failed: {state['job_response']}")
                if state["status"] == "completed":
                    job_seconds = time.perf_counter() - started
                    probes.stop_writes.set()
            count = int(client.post("/contacts/count", json={}).json()["count"])
            if job_seconds is not None and pending == 0 and count == expected + probes.writes:
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
        **probes.report(),
        "server_peak_rss_bytes": peak_rss,
        "server_idle_rss_bytes": tree_rss_bytes(pid),
        "server_peak_pss_bytes": peak_pss,
        "server_idle_pss_bytes": tree_rss_bytes(pid, "Pss"),
    }


def run_e2e(
    contacts: int, csv_path: Path, store: str, pg_url: str, search: str = "",
    timeout: float = 1800.0,
) -> dict[str, Any]:  # fmt: skip
    """The whole measurement on a fresh server: scratch data directory, a scratch database for
    ``store="postgresql"``, embedded tantivy or a run-private prefix on ``search``."""
    expected = distinct_contacts(csv_path)
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="connectra-e2e-")))
        index_url = search_url(search, scratch, stack) if search else None
        database_url = None
        if store == "postgresql":
            scratch_url = stack.enter_context(pgdb.scratch_database(pg_url, "connectra_e2e"))
            database_url = pgdb.sqlalchemy_url(scratch_url)
        base, pid = stack.enter_context(serve(scratch / "data", database_url, index_url))
        before = tree_cpu_seconds(pid)
        engine = engine_name(index_url or "tantivy://")
        result = {"store": store, "search": engine, "contacts": contacts,
                  **measure(base, pid, csv_path, expected, timeout)}  # fmt: skip
        result["server_cpu_seconds"] = round(tree_cpu_seconds(pid) - before, 2)
        result["load_average"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("CONNECTRA_BENCH_POSTGRES_URL", pgdb.DEFAULT_URL)
    )
    parser.add_argument("--search", default="", help="search URL (default: embedded tantivy)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds (default 1800)")
    args = parser.parse_args(argv)
    csv_path = ensure_csv(args.contacts, args.seed, args.data_dir)
    result = run_e2e(args.contacts, csv_path, args.store, args.pg_url, args.search, args.timeout)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
