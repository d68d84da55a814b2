"""Smoke test of the soak runner: a few seconds of ``benchmarks/soak.py`` and its report's shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOAK = ROOT / "benchmarks" / "soak.py"
WINDOWS = 3


def test_a_short_soak_reports_every_window(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    command = [sys.executable, str(SOAK), "--minutes", "0.15", "--window", "3", "--records",
               "300", "--probe-seconds", "2", "--workers", "2", "--out", str(out)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    assert report["errors"] == 0, report["error_samples"]
    assert report["capacity_rps"] > 0
    assert 0 < report["target_rps"] < report["capacity_rps"]
    assert report["requests"] > 0
    # Data-stable mix: clients delete what they created (every request above answered 2xx).
    assert report["operations"]["delete"] > 0
    assert sum(report["operations"].values()) == report["requests"]
    assert report["contacts_before"] >= 300
    assert [row["window"] for row in report["windows"]] == list(range(1, WINDOWS + 1))
    for row in report["windows"]:
        assert set(row) == {
            "window", "requests", "errors", "p50_ms", "p99_ms", "rss_mb", "anon_rss_mb",
            "anon_rss_mb_by_process",
        }  # fmt: skip
        assert row["requests"] > 0
        assert 0 < row["p50_ms"] <= row["p99_ms"]
        assert row["rss_mb"] >= row["anon_rss_mb"] > 0
        # The process started and, with more than one core, an API worker a core.
        by_process = row["anon_rss_mb_by_process"]
        assert "serve" in by_process, by_process
        cores = len(os.sched_getaffinity(0))
        assert len(by_process) >= (1 + cores if cores > 1 else 1), by_process
        assert abs(sum(by_process.values()) - row["anon_rss_mb"]) < 0.1 * len(by_process)
    assert "p99 ms" in done.stdout
