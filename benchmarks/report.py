"""The run's results as a readable table on stdout and as a JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_HEADER = (
    f"{'class':<20} {'kind':<6} {'hits C':>8} {'hits B':>8} {'ok':<3} "
    f"{'C p50':>9} {'C p95':>9} {'B p50':>9} {'B p95':>9} {'C/B':>7}"
)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def class_line(entry: dict[str, Any]) -> str:
    connectra, baseline = entry["connectra"], entry["baseline"]
    ratio = entry.get("ratio")
    return (
        f"{entry['name']:<20} {entry['kind']:<6} "
        f"{entry['connectra_result']['total']:>8} {entry['baseline_result']['total']:>8} "
        f"{'yes' if entry['counts_match'] else 'NO':<3} "
        f"{_ms(connectra.get('median_ms')):>9} {_ms(connectra.get('p95_ms')):>9} "
        f"{_ms(baseline.get('median_ms')):>9} {_ms(baseline.get('p95_ms')):>9} "
        f"{'-' if ratio is None else f'{ratio:.2f}':>7}"
    )


def _size(num: int) -> str:
    return f"{num / 1e6:,.1f} MB"


def summary_lines(result: dict[str, Any]) -> list[str]:
    load, index, base = result["import"], result["index"], result["baseline_load"]
    return [
        f"contacts: {result['contacts']:,}  store: {result['store']}  repeat: {result['repeat']}"
        f"  (times in ms; C = Connectra in process, B = plain PostgreSQL)",
        f"import (upsert_csv_rows, batches of {load['batch']}): {load['seconds']:.1f} s, "
        f"{load['rows_per_second']:,.0f} rows/s",
        f"{result.get('search', 'tantivy')} reindex: {index['seconds']:.1f} s, "
        f"{index['rows_per_second']:,.0f} docs/s "
        f"({index['documents']['company']:,} companies + {index['documents']['contact']:,} "
        f"contacts), index size {_size(index['size_bytes'])}",
        f"baseline load: COPY {base['copy_seconds']:.1f} s + indexes {base['index_seconds']:.1f} s"
        f" + VACUUM ANALYZE {base['analyze_seconds']:.1f} s = {base['seconds']:.1f} s "
        f"({base['rows_per_second']:,.0f} rows/s), table+indexes {_size(base['size_bytes'])}",
        f"export (export_csv_file job, {len(result['export']['columns'])} columns): "
        f"{result['export']['rows']:,} rows in {result['export']['seconds']:.1f} s, "
        f"{result['export']['rows_per_second']:,.0f} rows/s (= live contacts)",
        f"peak RSS of the benchmark process: {_size(result['peak_rss_bytes'])}",
    ]


def print_report(result: dict[str, Any]) -> None:
    print()
    for line in summary_lines(result):
        print(line)
    print()
    print(_HEADER)
    print("-" * len(_HEADER))
    for entry in result["classes"]:
        print(class_line(entry))
    print()
    if result.get("http"):
        print_http(result["http"])
    if result.get("upload_to_searchable", {}).get("rows"):
        for line in e2e_lines(result["upload_to_searchable"]):
            print(line)
        print()


def e2e_lines(e2e: dict[str, Any]) -> list[str]:
    visible = e2e["write_to_searchable"]
    lines = [
        f"upload -> searchable ({e2e['rows']:,} contacts, one insert_csv_file job on connectra "
        f"serve): upload {e2e['upload_seconds']:.1f} s, job done {e2e['job_done_seconds']:.1f} s,"
        f" searchable {e2e['searchable_seconds']:.1f} s ({e2e['rows_per_second_to_searchable']:,}"
        f" rows/s), peak outbox {e2e['peak_outbox_pending']:,}",
        f"server RSS (every process): peak {_size(e2e['server_peak_rss_bytes'])}, idle after "
        f"{_size(e2e['server_idle_rss_bytes'])}; PSS (shared pages once): peak "
        f"{_size(e2e['server_peak_pss_bytes'])}, idle {_size(e2e['server_idle_pss_bytes'])}; "
        f"CPU {e2e['server_cpu_seconds']:.0f} s",
        f"write -> searchable while the job runs: n={visible['n']} p50 "
        f"{_ms(visible.get('p50_ms'))} ms p95 {_ms(visible.get('p95_ms'))} ms",
    ]
    for name, page in e2e["pages"].items():
        during, idle = page["during_import"], page["idle"]
        lines.append(
            f"{name} page p50 while indexed {_ms(during.get('p50_ms'))} ms (n={during['n']}) vs "
            f"idle {_ms(idle.get('p50_ms'))} ms: {page['p50_ratio']}x"
        )
    return lines


_HTTP_HEADER = (
    f"{'HTTP scenario (wrk)':<24} {'workers':>7} {'conns':>5} {'req/s':>9} {'p50 ms':>8} "
    f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
)


def print_http(rows: list[dict[str, Any]]) -> None:
    print(_HTTP_HEADER)
    print("-" * len(_HTTP_HEADER))
    for row in rows:
        print(
            f"{row['scenario']:<24} {row.get('workers', 1):>7} {row['connections']:>5} "
            f"{row['rps']:>9,.1f} "
            f"{row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['errors']:>6}"
        )
    print()


def write_json(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
