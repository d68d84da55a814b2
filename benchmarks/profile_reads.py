"""Profile Connectra's read path per query class on a kept store and index (no baseline).

    python benchmarks/profile_reads.py --contacts 100000               # build once, then time
    python benchmarks/profile_reads.py --contacts 100000 --reindex     # after a schema change
    python benchmarks/profile_reads.py --contacts 100000 --profile combined_sorted
    python benchmarks/profile_reads.py --contacts 100000 --search opensearch://127.0.0.1:39200

The SQLite store and the tantivy index live under ``benchmarks/data/profile_<N>/`` (ignored by
git) and are built on first use through the same functions as ``run.py`` (CSV import, reindex),
so later runs start in seconds. With ``--search opensearch://host:port`` the index is kept on that
cluster under the prefix ``profile<N>`` instead (built when the alias is missing).
Each class is run as ``run.py`` runs it (``ConnectraRunner``):
the p50/p95 of ``--repeat`` warm runs is printed, and with ``--profile`` (pyinstrument, from
PyPI) the call tree of those runs for the named classes (``all`` for every class).
"""

from __future__ import annotations

import argparse
import sys
import time

from classes import CLASSES
from connectra_side import ConnectraRunner, build_index, import_csv
from generate import DATA_DIR, ensure_csv
from measure import Timing, elapsed_ms

from connectra.index.base import SearchIndex
from connectra.index.factory import open_index
from connectra.index.tantivy import TantivyIndex
from connectra.model.fields import CONTACT
from connectra.store import migrate
from connectra.store.database import Store
from connectra.vql.ast import Query

BATCH = 1000


def open_kept(contacts: int, seed: int, reindex: bool, search: str | None) -> ConnectraRunner:
    """The kept store and index for this size, built when missing (or reindexed on demand)."""
    work = DATA_DIR / f"profile_{contacts}"
    work.mkdir(parents=True, exist_ok=True)
    database = work / "connectra.db"
    fresh = not database.exists()
    store = Store.from_url(f"sqlite:///{database}")
    if fresh:
        migrate.upgrade(store.engine)
        print(f"importing {contacts} contacts ...", flush=True)
        import_csv(store, ensure_csv(contacts, seed), BATCH)
    if search is None:
        index_dir = work / "index"
        missing = not index_dir.exists()
        index: SearchIndex = TantivyIndex(index_dir)
    else:
        index = open_index(f"{search.rstrip('/')}/profile{contacts}")
        missing = index.count(CONTACT, Query()) == 0
    if fresh or reindex or missing:
        print("rebuilding the index ...", flush=True)
        build_index(store, index)
        index = TantivyIndex(index_dir) if search is None else open_index(index.url)
    return ConnectraRunner(store, index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reindex", action="store_true", help="rebuild the kept index")
    parser.add_argument("--search", help="opensearch://host:port: keep the index there instead")
    parser.add_argument("--only", nargs="*", default=[], help="class names (default: all)")
    parser.add_argument("--profile", nargs="*", default=[], help="class names to profile, or all")
    args = parser.parse_args(argv)
    runner = open_kept(args.contacts, args.seed, args.reindex, args.search)
    for query in CLASSES:
        if args.only and query.name not in args.only:
            continue
        outcome = runner.run(query)
        runner.run(query)
        wall, cpu = [], []
        for _ in range(args.repeat):
            started = time.process_time()
            wall.append(elapsed_ms(lambda q=query: runner.run(q)))
            cpu.append((time.process_time() - started) * 1000)
        timing = Timing(wall)
        # CPU time of this process: less disturbed than wall time on a shared machine
        print(
            f"{query.name:20} hits {outcome.total:>8}  p50 {timing.median_ms:8.2f} ms"
            f"  p95 {timing.p95_ms:8.2f} ms  cpu p50 {Timing(cpu).median_ms:8.2f} ms",
            flush=True,
        )
        if query.name in args.profile or "all" in args.profile:
            from pyinstrument import Profiler  # optional: only when profiling

            with Profiler(interval=0.0002) as profiler:
                for _ in range(args.repeat):
                    runner.run(query)
            print(profiler.output_text(show_all=False, short_mode=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
