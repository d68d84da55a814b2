"""Soak: a mixed load at about half the measured capacity against a real ``connectra serve``.

    python benchmarks/soak.py --minutes 10 [--records 20000] [--workers 8]

Starts ``connectra serve`` on a fresh data directory seeded with demo data, measures its
capacity for the mix (closed loop, ``--workers`` clients, ``--probe-seconds``), then paces the
same mix at ``--load`` (0.5) of it for ``--minutes``: VQL lists, counts, reads by uuid, creates,
deletes and upserts, while a CSV import job is always running (a new one starts when one ends).
The data stays the same size however long the run: each client deletes the contacts it created,
as often as it creates them, its upserts cycle through a fixed set of people, and the imports
through a fixed set of files; the report has the contact count before and after. Every
``--window`` seconds (60) it records requests, errors, p50/p99 latency and the RSS of the server
process tree (in all, and its anonymous part: heaps without the mapped index files, also process
by process).
Writes benchmarks/results/soak-<time>.json and prints the table.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from server import launched, rss_by_process, tree_rss_bytes

from connectra.model.fake import DemoData
from connectra.model.rows import CSV_HEADERS

RESULTS = Path(__file__).resolve().parent / "results"
KEY = "soak"
IMPORT_ROWS = 2000
IMPORT_FILES = 3
OK = {200, 201}
UPSERT_PEOPLE = 50  # per client: from its first minute or two on, every upsert updates
MIX: list[tuple[str, float]] = [("list", 0.35), ("count", 0.25), ("get", 0.10),
                                ("create", 0.10), ("delete", 0.10), ("upsert", 0.10)]  # fmt: skip
SENIORITIES = ["senior", "manager", "director", "entry", "vp"]
TITLES = ["engineer", "manager", "sales", "director", "analyst"]
COUNTRIES = ["united states", "germany", "france", "india", "united kingdom"]


def _indexed(base: str) -> bool:
    try:
        return bool(httpx.get(f"{base}/health", timeout=2).json()["indexer"]["pending"] == 0)
    except (httpx.HTTPError, KeyError, ValueError):
        return False


@contextmanager
def serve(data_dir: Path, records: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Seed ``records`` demo contacts, start ``connectra serve``, wait until they are indexed."""
    env = {"CONNECTRA_DATA_DIR": str(data_dir), "API_KEY": KEY,
           "MAX_REQUESTS_PER_MINUTE": "1000000000", "TICKER_INTERVAL_SECONDS": "0.5"}  # fmt: skip
    seed_env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")} | env
    subprocess.run([sys.executable, "-m", "connectra", "seed", "--demo", str(records)],  # noqa: S603
                   env=seed_env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    with launched(["serve"], env, data_dir.parent / "server.log", ready=_indexed) as running:
        yield running


class Mix:
    """One request of the mix, chosen at random; returns (operation, status or None)."""

    def __init__(self, client: httpx.Client, uuids: list[str], seed: int) -> None:
        self.client = client
        self.uuids = uuids
        self.random = random.Random(seed)
        self.seed = seed
        self.serial = 0
        self.created: collections.deque[str] = collections.deque()

    def _vql(self) -> dict[str, Any]:
        r = self.random
        where: dict[str, Any] = {"keyword_match": {"must": {"seniority": r.sample(SENIORITIES, 2)}}}
        if r.random() < 0.5:
            cond = {"text_value": r.choice(TITLES), "filter_key": "title", "search_type": "shuffle"}
            where["text_matches"] = {"must": [cond]}
        if r.random() < 0.3:
            where["keyword_match"]["must"]["country"] = r.choice(COUNTRIES)
        body: dict[str, Any] = {"where": where, "limit": 25}
        if r.random() < 0.5:
            body["order_by"] = [{"order_by": "company_employees_count", "order_direction": "desc"}]
        return body

    def _person(self, tag: str) -> dict[str, Any]:
        return {"first_name": f"Soak{tag}", "last_name": "Load", "title": "Soak Engineer",
                "email": f"soak{tag}@soak.io",
                "seniority": self.random.choice(SENIORITIES)}  # fmt: skip

    def _create(self) -> httpx.Response:
        self.serial += 1
        response = self.client.post(
            "/contacts/create", json=self._person(f"{self.seed}-c{self.serial}")
        )
        if response.status_code in OK:
            self.created.append(response.json()["data"]["uuid"])
        return response

    def _upsert(self) -> httpx.Response:
        self.serial += 1
        tag = f"{self.seed}-u{self.serial % UPSERT_PEOPLE}"
        return self.client.post("/contacts/upsert", json=self._person(tag))

    def one(self) -> tuple[str, int | None]:
        operation = self.random.choices([m[0] for m in MIX], [m[1] for m in MIX])[0]
        if operation == "delete" and not self.created:
            operation = "create"  # nothing of this client's to delete yet
        requests: dict[str, Callable[[], httpx.Response]] = {
            "list": lambda: self.client.post("/contacts", json=self._vql()),
            "count": lambda: self.client.post(
                "/contacts/count", json={"where": self._vql()["where"]}
            ),
            "get": lambda: self.client.get(f"/contacts/{self.random.choice(self.uuids)}"),
            "create": self._create,
            "delete": lambda: self.client.delete(f"/contacts/{self.created.popleft()}"),
            "upsert": self._upsert,
        }
        try:
            return operation, requests[operation]().status_code
        except httpx.HTTPError:
            return operation, None


@dataclass
class Sample:
    at: float
    operation: str
    seconds: float
    status: int | None


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, mix: Mix) -> None:
        start = time.monotonic()
        operation, status = mix.one()
        with self.lock:
            self.samples.append(Sample(start, operation, time.monotonic() - start, status))


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=60)


def _contacts(base: str) -> int:
    with _client(base) as client:
        return int(client.post("/contacts/count", json={}).json()["count"])


def _uuids(base: str) -> list[str]:
    with _client(base) as client:
        body = {"limit": 100, "select_columns": ["uuid"]}
        return [row["uuid"] for row in client.post("/contacts", json=body).json()["data"]]


def measure_capacity(base: str, workers: int, seconds: float, uuids: list[str]) -> float:
    """Requests/s of the mix with ``workers`` clients back to back (closed loop)."""
    recorder = Recorder()
    stop = time.monotonic() + seconds

    def work(n: int) -> None:
        with _client(base) as client:
            mix = Mix(client, uuids, seed=1000 + n)
            while time.monotonic() < stop:
                recorder.timed(mix)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(recorder.samples) / seconds


def paced_load(base: str, workers: int, rate: float, seconds: float, uuids: list[str],
               recorder: Recorder) -> None:  # fmt: skip
    """Open loop: each worker sends at rate/workers on a fixed schedule (no catch-up bursts)."""
    stop = time.monotonic() + seconds
    interval = workers / rate

    def work(n: int) -> None:
        with _client(base) as client:
            mix = Mix(client, uuids, seed=n)
            due = time.monotonic() + interval * n / workers
            while due < stop:
                time.sleep(max(0.0, due - time.monotonic()))
                recorder.timed(mix)
                due = max(due + interval, time.monotonic() - interval)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _csv(rows: int, seed: int) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_HEADERS), lineterminator="\n")
    writer.writeheader()
    for row in DemoData(seed).rows(rows):
        writer.writerow({**row, "email": f"imp{seed}-{row.get('email') or ''}"})
    return out.getvalue().encode()


def running_imports(base: str, stop: threading.Event, outcome: dict[str, Any]) -> None:
    """Keep one CSV import job running until ``stop``; count completed and failed ones. The
    files cycle through IMPORT_FILES seeds, so that after the first round every import updates
    the same rows and the data does not grow with the run's length (RSS stays comparable)."""
    round_ = 0
    with _client(base) as client:
        while not stop.is_set():
            round_ += 1
            seed = round_ % IMPORT_FILES + 1
            try:
                upload = client.get("/common/upload-url", params={"filename": "soak.csv"}).json()
                httpx.put(upload["upload_url"], content=_csv(IMPORT_ROWS, seed), timeout=60)
                body = {"job_type": "insert_csv_file", "job_data": {"s3_key": upload["s3_key"]}}
                uuid = client.post("/common/jobs/create", json=body).json()["data"]["uuid"]
                while not stop.is_set():
                    job = client.get(f"/common/jobs/{uuid}").json()["data"]
                    if job["status"] in ("completed", "failed"):
                        outcome[job["status"]] = outcome.get(job["status"], 0) + 1
                        break
                    stop.wait(0.5)
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                outcome.setdefault("errors", []).append(repr(exc)[:200])
                stop.wait(1.0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


@dataclass
class Memory:
    """One reading of the server tree: RSS in all, and the anonymous RSS of each process by
    name ("serve" for the process started, its children by pid)."""

    at: float
    total: int
    anon: dict[str, int]

    @classmethod
    def read(cls, root: int) -> Memory:
        anon = rss_by_process(root, "RssAnon")
        named = {("serve" if pid == root else str(pid)): size for pid, size in anon.items()}
        return cls(time.monotonic(), tree_rss_bytes(root), named)


def _mb(size: int) -> float:
    return round(size / 2**20, 1)


def windows(samples: list[Sample], start: float, seconds: float, window: float,
            memory: list[Memory]) -> list[dict[str, Any]]:  # fmt: skip
    """Per window: requests, errors, p50/p99 ms, the server tree's RSS (all, and anonymous, in
    all and by process) at the window's end."""
    rows: list[dict[str, Any]] = []
    for n in range(max(1, math.ceil(seconds / window - 1e-9))):
        low, high = start + n * window, start + (n + 1) * window
        inside = [s for s in samples if low <= s.at < high]
        ms = [s.seconds * 1000 for s in inside]
        last = ([m for m in memory if m.at < high] or [Memory(high, 0, {})])[-1]
        rows.append({
            "window": n + 1,
            "requests": len(inside),
            "errors": sum(1 for s in inside if s.status not in OK),
            "p50_ms": round(_percentile(ms, 0.50), 2),
            "p99_ms": round(_percentile(ms, 0.99), 2),
            "rss_mb": _mb(last.total),
            "anon_rss_mb": _mb(sum(last.anon.values())),
            "anon_rss_mb_by_process": {name: _mb(size) for name, size in last.anon.items()},
        })  # fmt: skip
    return rows


def soak(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="connectra-soak-") as scratch,
        serve(Path(scratch) / "data", args.records) as (base, process),
    ):
        uuids = _uuids(base)
        contacts_before = _contacts(base)
        stop, imports = threading.Event(), {}
        memory: list[Memory] = []
        importer = threading.Thread(target=running_imports, args=(base, stop, imports))
        importer.start()  # the capacity is measured with an import running, as the soak runs

        def sample_rss() -> None:
            while not stop.is_set():
                memory.append(Memory.read(process.pid))
                stop.wait(min(5.0, args.window / 4))

        sampler = threading.Thread(target=sample_rss)
        sampler.start()
        recorder = Recorder()
        try:
            capacity = measure_capacity(base, args.workers, args.probe_seconds, uuids)
            rate = max(1.0, capacity * args.load)
            print(f"capacity {capacity:.0f} req/s; soaking at {rate:.0f} req/s "
                  f"for {args.minutes} min", flush=True)  # fmt: skip
            start = time.monotonic()
            # Twice the probe's clients, so that a slow answer does not hold the pace back.
            paced_load(base, 2 * args.workers, rate, args.minutes * 60, uuids, recorder)
        finally:
            stop.set()
            importer.join(timeout=120)
            sampler.join(timeout=30)
        contacts_after = _contacts(base)
        seconds = args.minutes * 60
        errors = [s for s in recorder.samples if s.status not in OK]
        return {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "minutes": args.minutes,
            "window_seconds": args.window,
            "records": args.records,
            "workers": args.workers,
            "capacity_rps": round(capacity, 1),
            "target_rps": round(rate, 1),
            "achieved_rps": round(len(recorder.samples) / seconds, 1),
            "mix": dict(MIX),
            "requests": len(recorder.samples),
            "operations": dict(collections.Counter(s.operation for s in recorder.samples)),
            "errors": len(errors),
            "error_samples": [f"{s.operation}: {s.status}" for s in errors[:20]],
            "imports": imports,
            "contacts_before": contacts_before,
            "contacts_after": contacts_after,
            "windows": windows(recorder.samples, start, seconds, args.window, memory),
        }


def print_table(report: dict[str, Any]) -> None:
    print(f"{'window':>6} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'RSS MB':>8}"
          f" {'anon MB':>8}")  # fmt: skip
    for row in report["windows"]:
        print(f"{row['window']:>6} {row['requests']:>9} {row['errors']:>7} {row['p50_ms']:>8} "
              f"{row['p99_ms']:>8} {row['rss_mb']:>8} {row['anon_rss_mb']:>8}")  # fmt: skip
    first, last = report["windows"][0], report["windows"][-1]
    for name, size in last["anon_rss_mb_by_process"].items():
        before = first["anon_rss_mb_by_process"].get(name)
        print(f"anon MB of {name}: {before} in window 1, {size} in window {last['window']}")
    print(f"total {report['requests']} requests, {report['errors']} errors; capacity "
          f"{report['capacity_rps']} req/s, target {report['target_rps']}, achieved "
          f"{report['achieved_rps']}; imports {report['imports']}; contacts "
          f"{report['contacts_before']} -> {report['contacts_after']}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--load", type=float, default=0.5, help="fraction of measured capacity")
    parser.add_argument("--probe-seconds", type=float, default=20.0)
    parser.add_argument("--window", type=float, default=60.0, help="seconds per table row")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    report = soak(args)
    out = args.out or RESULTS / f"soak-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"report: {out}")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
