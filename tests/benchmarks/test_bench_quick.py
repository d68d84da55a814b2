"""Smoke test of the benchmark runner: ``benchmarks/run.py --quick`` agrees with PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "benchmarks" / "run.py"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EXPECTED_CLASSES = {
    "keyword_terms",
    "ranges",
    "fuzzy_title",
    "phrase_slop",
    "substring_company",
    "combined_sorted",
    "cursor_page20",
    "count_broad",
    "count_narrow",
    "facet_technologies",
}


def _libpq_url() -> str:
    url = make_url(os.environ.get("CONNECTRA_TEST_POSTGRES_URL", DEFAULT_PG))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def pg_url() -> str:
    url = _libpq_url()
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL not reachable at {url} ({exc}); run scripts/test.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.mark.postgres
def test_quick_benchmark_agrees_with_the_baseline(pg_url: str, tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    command = [
        sys.executable, str(RUNNER), "--quick", "--pg-url", pg_url,
        "--data-dir", str(tmp_path / "data"), "--out", str(out), "--http-seconds", "1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)

    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["contacts"] == 10_000
    classes = {entry["name"]: entry for entry in result["classes"]}
    assert set(classes) == EXPECTED_CLASSES
    for name, entry in classes.items():
        assert entry["counts_match"], (name, entry["problems"])
        assert entry["connectra_result"]["total"] == entry["baseline_result"]["total"], name
        assert len(entry["connectra"]["runs_ms"]) == 3, name

    export = result["export"]
    assert export["rows"] == export["live_contacts"] == 10_000
    assert export["rows_per_second"] > 0
    if shutil.which("wrk") is None:
        if os.environ.get("CI"):
            pytest.fail("wrk not found, so the HTTP part did not run; scripts/test.sh installs it")
        assert "http" not in result
        assert "wrk not found" in done.stdout
    else:
        http = result["http"]
        assert {row["connections"] for row in http} == {1, 16}
        assert {row["workers"] for row in http} == {1, len(os.sched_getaffinity(0))}
        assert {row["scenario"] for row in http} == {
            "combined_sorted_page3", "count_combined", "count_all"
        }  # fmt: skip
        for row in http:
            assert row["requests"] > 0, row
            assert row["errors"] == 0, row
            assert row["seconds"] == 1, row

    e2e = result["upload_to_searchable"]
    assert e2e["rows"] == 10_000, e2e
    assert 0 < e2e["job_done_seconds"] <= e2e["searchable_seconds"], e2e
    assert set(e2e["pages"]) == {"keyword_terms", "ranges"}, e2e
    for page in e2e["pages"].values():
        assert page["idle"]["n"] == 30, page
        assert page["idle"]["p50_ms"] > 0, page
    assert e2e["server_idle_rss_bytes"] > 0, e2e
    assert e2e["server_peak_rss_bytes"] >= e2e["server_idle_rss_bytes"] / 2, e2e
    assert 0 < e2e["server_idle_pss_bytes"] <= e2e["server_idle_rss_bytes"], e2e
