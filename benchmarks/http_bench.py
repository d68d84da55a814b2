"""HTTP req/s and latency in the same run: real ``connectra api`` servers on the benchmark's store
and index, one per worker count (``--workers``), loaded with wrk (the scenarios of
``http_load.py``) at 1 and 16 connections. The servers run side by side and take turns, so that
the load other processes put on the machine falls on every worker count alike.

``run.py`` runs this as its HTTP part; alone, on a store and index built before (for instance the
ones ``profile_reads.py`` keeps under ``benchmarks/data/profile_<N>/``):

    kept=benchmarks/data/profile_100000
    python benchmarks/http_bench.py --database-url sqlite:///$kept/connectra.db \
        --search-url tantivy://$kept/index [--workers 1,2] [--rounds 2] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any

from http_load import SCENARIOS, run_wrk
from report import print_http
from server import launched

KEY = "bench"
CONNECTIONS = (1, 16)
WORKERS = (1, len(os.sched_getaffinity(0)))  # one process, and one per core


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _every_worker_healthy(base: str, workers: int) -> bool:
    """Whether /health answers 200 from every worker (a multi-worker server names the
    answering one in X-Connectra-Worker; workers still starting leave the others to answer)."""
    seen = set()
    for _ in range(workers * 20):
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:  # noqa: S310
                if response.status != HTTPStatus.OK:
                    return False
                seen.add(response.headers.get("x-connectra-worker", "single"))
        except (urllib.error.URLError, OSError):
            return False
        if len(seen) == workers:
            return True
    return False


@contextmanager
def api_server(
    database_url: str, search_url: str, scratch: Path, workers: int = 1
) -> Iterator[str]:
    """``python -m connectra api --workers N`` on a free port; yields its base URL once every
    worker answers, stops it afterwards."""
    env = {
        "CONNECTRA_DATABASE_URL": database_url,
        "CONNECTRA_SEARCH_URL": search_url,
        "CONNECTRA_DATA_DIR": str(scratch / f"api-data-{workers}"),
        "CONNECTRA_OBJECTS_URL": f"file://{scratch / 'api-objects'}",
        "API_KEY": KEY,
        "MAX_REQUESTS_PER_MINUTE": "1000000000",
        "RUN_JOBS_IN_API": "false",
    }
    with launched(
        ["api", "--workers", str(workers)], env, scratch / f"api-{workers}.log",
        ready=lambda base: _every_worker_healthy(base, workers),
    ) as (base, _process):  # fmt: skip
        yield base


def measure_http(
    database_url: str,
    search_url: str,
    scratch: Path,
    seconds: int,
    workers: Sequence[int] = WORKERS,
) -> list[dict[str, Any]]:
    """One row per scenario, connection count and worker count: requests/s, p50/p95/p99 ms,
    errors."""
    rows: list[dict[str, Any]] = []
    counts = sorted(set(workers))
    with ExitStack() as stack:
        bases = {n: stack.enter_context(api_server(database_url, search_url, scratch, n))
                 for n in counts}  # fmt: skip
        for name, (path, body) in SCENARIOS.items():
            for connections in CONNECTIONS:
                for n, base in bases.items():
                    print(f"wrk {name} c={connections} workers={n} ({seconds} s) ...", flush=True)
                    result = run_wrk(base + path, body, KEY, connections, seconds)
                    rows.append({"scenario": name, "seconds": seconds, "workers": n, **result})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="the store (SQLAlchemy URL)")
    parser.add_argument("--search-url", required=True, help="the index (tantivy://DIR, ...)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration of each row")
    parser.add_argument("--workers", default=",".join(map(str, WORKERS)))
    parser.add_argument("--rounds", type=int, default=1, help="the whole measurement, again")
    args = parser.parse_args()
    if not wrk_available():
        raise SystemExit("wrk not found: apt-get install wrk")
    workers = [int(n) for n in args.workers.split(",")]
    for round_number in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="connectra-http-") as scratch:
            rows = measure_http(args.database_url, args.search_url, Path(scratch), args.seconds,
                                workers)  # fmt: skip
        print(f"\nround {round_number} of {args.rounds}")
        print_http(rows)


if __name__ == "__main__":
    main()
