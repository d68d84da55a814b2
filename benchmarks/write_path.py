"""The write path alone: CSV import rows/s, outbox growth, reindex docs/s and export rows/s.

    python benchmarks/write_path.py --contacts 100000 [--store postgresql] [--profile import]

The same phases as ``run.py`` (import through ``upsert_csv_rows`` one transaction per batch,
``reindex`` of both entities into a fresh tantivy index, the ``export_csv_file`` job), without
the baseline and the query classes, so that a change to the write path can be measured in a
minute. ``--profile PHASE`` writes a cProfile dump of that phase next to the JSON result.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import pgdb
from connectra_side import build_index, import_csv
from export_bench import measure_export
from generate import DATA_DIR, ensure_csv
from measure import rate

from connectra.index.factory import open_index
from connectra.store import migrate, outbox
from connectra.store.database import Store

BATCH = 1000
PHASES = ("import", "index", "export")
T = TypeVar("T")


def _store(store_kind: str, pg_url: str, scratch: Path, stack: ExitStack) -> Store:
    if store_kind == "sqlite":
        url = f"sqlite:///{scratch / 'connectra.db'}"
    else:
        scratch_url = stack.enter_context(pgdb.scratch_database(pg_url, "connectra_bench"))
        url = pgdb.sqlalchemy_url(scratch_url)
    store = Store.from_url(url)
    stack.callback(store.dispose)
    migrate.upgrade(store.engine)
    return store


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _phase(
    name: str, profile: str | None, out: Path, cpu: dict[str, float], action: Callable[[], T]
) -> T:
    """Run one phase, recording this process's CPU seconds (every thread) in ``cpu``: on a
    shared machine they vary less than wall time."""
    started = _cpu_seconds()
    if profile != name:
        result = action()
    else:
        profiler = cProfile.Profile()
        result = profiler.runcall(action)
        dump = out.with_suffix(f".{name}.prof")
        profiler.dump_stats(dump)
        print(f"profile of {name} written to {dump}", flush=True)
    cpu[name] = round(_cpu_seconds() - started, 3)
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    csv_path = ensure_csv(args.contacts, args.seed, args.data_dir)
    cpu: dict[str, float] = {}
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="connectra-wp-")))
        store = _store(args.store, args.pg_url, scratch, stack)
        print(f"importing {csv_path.name} ({args.store}) ...", flush=True)
        imported = _phase(
            "import", args.profile, args.out, cpu, lambda: import_csv(store, csv_path, BATCH)
        )
        with store.read() as conn:
            pending = outbox.pending_count(conn)
        print("reindexing ...", flush=True)
        index = open_index(f"tantivy://{scratch / 'index'}")
        stack.callback(index.close)
        phases = _phase("index", args.profile, args.out, cpu, lambda: build_index(store, index))
        documents = sum(p.rows for p in phases.values())
        seconds = sum(p.seconds for p in phases.values())
        print("exporting ...", flush=True)
        export = _phase(
            "export", args.profile, args.out, cpu, lambda: measure_export(store, index, scratch)
        )
    return {
        "contacts": args.contacts,
        "store": args.store,
        "cpus": os.cpu_count(),
        "import": {"rows": imported.rows, "seconds": round(imported.seconds, 3),
                   "rows_per_second": round(rate(imported.rows, imported.seconds)),
                   "outbox_pending_after": pending},
        "index": {"documents": documents, "seconds": round(seconds, 3),
                  "docs_per_second": round(rate(documents, seconds))},
        "export": export,
        "cpu_seconds": cpu,
        "load_average": os.getloadavg(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("CONNECTRA_BENCH_POSTGRES_URL", pgdb.DEFAULT_URL)
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--profile", choices=PHASES, help="cProfile one phase")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "connectra-write-path.json"
    )
    args = parser.parse_args(argv)
    result = run(args)
    text = json.dumps(result, indent=2)
    args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
