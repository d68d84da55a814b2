"""In-process benchmark: Connectra (store + tantivy or OpenSearch) against a PostgreSQL baseline.

    python benchmarks/run.py --contacts 100000 --repeat 20
    python benchmarks/run.py --quick          # 10k contacts, 3 runs: a correctness check
    connectra bench --quick                   # the same, from a checkout

Both sides load the same generated CSV and answer the same query classes; their results must
agree (totals, sorted pages, facet values), otherwise the run exits 1 naming the class. The same
run also times the export job (rows/s; its row count must equal the live contacts, else exit 1)
and, when wrk is on PATH, HTTP req/s and latency of a real ``connectra api`` at 1 and 16
connections on the same store and index.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import baseline
import pgdb
import tantivy
from baseline_queries import BaselineRunner
from classes import CLASSES, Kind, QueryClass
from compare import Outcome, disagreements
from connectra_side import ConnectraRunner, Phase, build_index, import_csv
from export_bench import ExportMismatch, measure_export
from generate import DATA_DIR, ensure_csv
from http_bench import WORKERS as HTTP_WORKERS
from http_bench import measure_http, wrk_available
from import_e2e import run_e2e
from measure import Timing, elapsed_ms, peak_rss_bytes, rate
from report import print_report, write_json
from search_engine import engine_name, index_size_bytes, search_url

from connectra.index.factory import open_index
from connectra.model.fields import CONTACT
from connectra.store import migrate
from connectra.store.database import Store
from connectra.store.entities import fetch_by_uuids

BATCH = 1000
WARMUPS = 2
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True, slots=True)
class Options:
    contacts: int
    repeat: int
    quick: bool
    seed: int
    store: str
    pg_url: str
    data_dir: Path
    out: Path | None
    http_seconds: int
    http_workers: tuple[int, ...]
    search: str
    e2e_timeout: float


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000, help="default 100000")
    parser.add_argument("--quick", action="store_true", help="10k contacts, 3 runs")
    parser.add_argument("--repeat", type=int, default=20, help="timed warm runs (default 20)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CONNECTRA_BENCH_POSTGRES_URL", pgdb.DEFAULT_URL),
        help="maintenance database of the server for scratch databases "
        "(env CONNECTRA_BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="generated CSV files")
    parser.add_argument("--out", type=Path, help="JSON result (default benchmarks/results/...)")
    parser.add_argument(
        "--http-seconds", type=int, help="wrk duration per scenario and connection count "
        "(default 10, 2 with --quick; 0 skips the HTTP part)"
    )  # fmt: skip
    parser.add_argument(
        "--http-workers", default=",".join(map(str, HTTP_WORKERS)),
        help="API worker counts the HTTP part compares, comma-separated (default: 1 and the "
        "number of cores)"
    )  # fmt: skip
    parser.add_argument(
        "--search", default="", help="search URL (default: tantivy in the scratch directory; "
        "opensearch://host:port gets a run-private index prefix, removed at the end)"
    )  # fmt: skip
    parser.add_argument(
        "--e2e-timeout", type=float, default=1800.0,
        help="seconds the upload -> searchable phase (import_e2e.py on a real `connectra serve`) "
        "may take (default 1800; 0 skips it)"
    )  # fmt: skip
    args = parser.parse_args(argv)
    return Options(
        contacts=10_000 if args.quick else args.contacts,
        repeat=3 if args.quick else args.repeat,
        quick=args.quick,
        seed=args.seed,
        store=args.store,
        pg_url=args.pg_url,
        data_dir=args.data_dir,
        out=args.out,
        http_seconds=args.http_seconds if args.http_seconds is not None else
        (2 if args.quick else 10),
        http_workers=tuple(int(n) for n in args.http_workers.split(",")),
        search=args.search,
        e2e_timeout=args.e2e_timeout,
    )  # fmt: skip


def open_store(options: Options, scratch: Path, stack: ExitStack) -> Store:
    """A fresh, migrated Connectra store: a SQLite file or a scratch PostgreSQL database."""
    if options.store == "sqlite":
        url = f"sqlite:///{scratch / 'connectra.db'}"
    else:
        scratch_url = stack.enter_context(pgdb.scratch_database(options.pg_url, "connectra_bench"))
        url = pgdb.sqlalchemy_url(scratch_url)
    store = Store.from_url(url)
    stack.callback(store.dispose)
    migrate.upgrade(store.engine)
    return store


def phase_json(phase: Phase) -> dict[str, Any]:
    return {
        "rows": phase.rows,
        "seconds": round(phase.seconds, 3),
        "rows_per_second": round(rate(phase.rows, phase.seconds)),
    }


def load_connectra(
    options: Options, csv_path: Path, scratch: Path, url: str, stack: ExitStack
) -> tuple[ConnectraRunner, dict[str, Any]]:
    store = open_store(options, scratch, stack)
    print(f"importing {csv_path.name} into Connectra ({options.store}) ...", flush=True)
    imported = import_csv(store, csv_path, BATCH)
    rss_import = peak_rss_bytes()
    print(f"rebuilding the {engine_name(url)} index ...", flush=True)
    index = open_index(url)
    stack.callback(index.close)
    phases = build_index(store, index)
    seconds = sum(p.seconds for p in phases.values())
    documents = sum(p.rows for p in phases.values())
    facts = {
        "import": {**phase_json(imported), "batch": BATCH, "peak_rss_bytes": rss_import},
        "index": {
            "documents": {name: phase.rows for name, phase in phases.items()},
            "seconds": round(seconds, 3),
            "rows_per_second": round(rate(documents, seconds)),
            "size_bytes": index_size_bytes(index, url),
            "peak_rss_bytes": peak_rss_bytes(),
        },
    }
    return ConnectraRunner(store, index), facts


def load_baseline(
    options: Options, csv_path: Path, stack: ExitStack
) -> tuple[BaselineRunner, dict[str, Any]]:
    url = pgdb.libpq_url(
        stack.enter_context(pgdb.scratch_database(options.pg_url, "connectra_baseline"))
    )
    print("loading the PostgreSQL baseline (COPY, indexes, VACUUM ANALYZE) ...", flush=True)
    loaded = baseline.load(url, csv_path, BATCH)
    conn = stack.enter_context(baseline.connect(url))
    runner = BaselineRunner(conn)
    runner.vocabulary()  # the application caches the title vocabulary once
    facts = {
        "rows": loaded.rows,
        "copy_seconds": round(loaded.copy_seconds, 3),
        "index_seconds": round(loaded.index_seconds, 3),
        "analyze_seconds": round(loaded.analyze_seconds, 3),
        "seconds": round(loaded.seconds, 3),
        "rows_per_second": round(rate(loaded.rows, loaded.seconds)),
        "size_bytes": loaded.size_bytes,
        "server_version": baseline.server_version(conn),
        "session_settings": {"jit": "off", "work_mem": "64MB"},
    }
    return runner, facts


def check(
    query: QueryClass,
    connectra: Outcome,
    base: Outcome,
    connectra_runner: ConnectraRunner,
    base_runner: BaselineRunner,
) -> list[str]:
    """Disagreements, plus unsorted Connectra pages checked row by row against the predicate."""
    problems = disagreements(query, connectra, base)
    if query.kind is Kind.LIST and not query.sorted and connectra.uuids:
        accepted = base_runner.count_matching(query, connectra.uuids)
        if accepted != len(connectra.uuids):
            problems.append(
                f"{len(connectra.uuids) - accepted} of the {len(connectra.uuids)} rows Connectra "
                "returned do not satisfy the baseline predicate"
            )
    if problems:
        problems.extend(diagnose(query, connectra_runner, base_runner))
    return problems


def _connectra_record(runner: ConnectraRunner, uuid: str) -> dict[str, Any] | None:
    with runner.store.read() as conn:
        return fetch_by_uuids(conn, CONTACT, [uuid]).get(uuid)


def diagnose(
    query: QueryClass, connectra_runner: ConnectraRunner, base_runner: BaselineRunner
) -> list[str]:
    """Name a record that only one side matches (both of its stored forms)."""
    if query.kind is Kind.FACET:
        return []
    ours, theirs = connectra_runner.all_matches(query), base_runner.all_matches(query)
    lines = [f"matches only in Connectra: {len(ours - theirs)}, only in baseline: "
             f"{len(theirs - ours)}"]  # fmt: skip
    for label, only in (("Connectra", ours - theirs), ("baseline", theirs - ours)):
        if only:
            uuid = min(only)
            lines.append(f"sample matched only by {label}: {uuid}")
            lines.append(f"  connectra row: {_connectra_record(connectra_runner, uuid)}")
            lines.append(f"  baseline row:  {base_runner.record(uuid)}")
    return lines


def measure_class(
    query: QueryClass, connectra: ConnectraRunner, base: BaselineRunner, repeat: int
) -> dict[str, Any]:
    """Warm-ups (the first one's results are compared), then interleaved timed runs."""
    connectra_out, base_out = connectra.run(query), base.run(query)
    for _ in range(WARMUPS - 1):
        connectra.run(query)
        base.run(query)
    problems = check(query, connectra_out, base_out, connectra, base)
    connectra_ms: list[float] = []
    base_ms: list[float] = []
    for _ in range(repeat):
        connectra_ms.append(elapsed_ms(lambda: connectra.run(query)))
        base_ms.append(elapsed_ms(lambda: base.run(query)))
    c_timing, b_timing = Timing(connectra_ms), Timing(base_ms)
    return {
        "name": query.name,
        "kind": str(query.kind),
        "description": query.description,
        "vql": query.vql,
        "connectra": c_timing.as_json(),
        "baseline": b_timing.as_json(),
        "ratio": round(c_timing.median_ms / b_timing.median_ms, 3) if b_timing.median_ms else None,
        "connectra_result": connectra_out.as_json(),
        "baseline_result": base_out.as_json(),
        "counts_match": not problems,
        "problems": problems,
    }


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tantivy": str(getattr(tantivy, "__version__", "?")),
    }


def default_out(options: Options, started: datetime) -> Path:
    stamp = started.strftime("%Y%m%d-%H%M%S")
    kind = "quick" if options.quick else f"contacts{options.contacts}"
    return RESULTS_DIR / f"{kind}_{options.store}_{stamp}.json"


def http_part(
    options: Options, runner: ConnectraRunner, scratch: Path, search: str
) -> list[dict[str, Any]]:
    """wrk against a real server on the same store and index; [] (with a notice) if skipped."""
    if options.http_seconds <= 0:
        print("HTTP part skipped (--http-seconds 0)", flush=True)
        return []
    if not wrk_available():
        print("NOTICE: wrk not found on PATH (apt-get install wrk): HTTP part skipped", flush=True)
        return []
    runner.index.close()  # `connectra api` only reads; no writer of ours stays open
    print("starting connectra api for the HTTP part ...", flush=True)
    url = runner.store.engine.url.render_as_string(hide_password=False)
    return measure_http(url, search, scratch, options.http_seconds, options.http_workers)


def e2e_part(options: Options, csv_path: Path) -> dict[str, Any] | None:
    """The CSV through upload + one insert_csv_file job on a fresh ``connectra serve``, with reads,
    writes and RSS sampled while it is indexed; None when skipped."""
    if options.e2e_timeout <= 0:
        print("upload -> searchable phase skipped (--e2e-timeout 0)", flush=True)
        return None
    print("upload -> searchable on a real connectra serve ...", flush=True)
    return run_e2e(options.contacts, csv_path, options.store, options.pg_url, options.search,
                   options.e2e_timeout)  # fmt: skip


def run(options: Options) -> dict[str, Any]:
    started = datetime.now(UTC)
    csv_path = ensure_csv(options.contacts, options.seed, options.data_dir)
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="connectra-bench-")))
        url = search_url(options.search, scratch, stack)
        connectra, facts = load_connectra(options, csv_path, scratch, url, stack)
        print("exporting every contact through the export_csv_file job ...", flush=True)
        export = measure_export(connectra.store, connectra.index, scratch)
        base, base_facts = load_baseline(options, csv_path, stack)
        classes = []
        for query in CLASSES:
            print(f"measuring {query.name} ...", flush=True)
            classes.append(measure_class(query, connectra, base, options.repeat))
        http = http_part(options, connectra, scratch, url)
    return {
        "benchmark": "in-process",
        "started_at": started.isoformat(),
        "contacts": options.contacts,
        "seed": options.seed,
        "repeat": options.repeat,
        "warmups": WARMUPS,
        "quick": options.quick,
        "store": options.store,
        "search": engine_name(url),
        "csv": str(csv_path),
        "machine": machine(),
        **facts,
        "baseline_load": base_facts,
        "peak_rss_bytes": peak_rss_bytes(),
        "classes": classes,
        "export": export,
        **({"http": http} if http else {}),
    }


def report_disagreements(result: dict[str, Any]) -> bool:
    """Print every disagreement loudly; True when there was any."""
    failed = [entry for entry in result["classes"] if not entry["counts_match"]]
    for entry in failed:
        print(f"\n!!! RESULT MISMATCH in query class {entry['name']!r} !!!", file=sys.stderr)
        for problem in entry["problems"]:
            print(f"    {problem}", file=sys.stderr)
    return bool(failed)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        result = run(options)
    except ExportMismatch as exc:
        print(f"\n!!! EXPORT MISMATCH: {exc} !!!", file=sys.stderr)
        return 1
    out = options.out or default_out(options, datetime.fromisoformat(result["started_at"]))
    write_json(result, out)  # kept if the last phase fails
    failed = False
    try:
        e2e = e2e_part(options, Path(result["csv"]))
    except Exception as exc:  # reported, and the run exits 1
        print(f"\n!!! UPLOAD -> SEARCHABLE FAILED: {exc} !!!", file=sys.stderr)
        e2e, failed = {"error": f"{type(exc).__name__}: {exc}"[:4000]}, True
    if e2e:
        result["upload_to_searchable"] = e2e
        write_json(result, out)
    print_report(result)
    print(f"results written to {out}")
    return 1 if report_disagreements(result) or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
