"""``connectra bench`` runs benchmarks/run.py of the checkout, passing its arguments through."""

from __future__ import annotations

import subprocess
import sys


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "connectra", "bench", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_bench_passes_help_through_to_the_runner() -> None:
    done = _bench("--help")
    assert done.returncode == 0, done.stderr
    assert "run.py" in done.stdout
    assert "--quick" in done.stdout
    assert "--http-seconds" in done.stdout


def test_bench_exits_with_the_runner_return_code() -> None:
    done = _bench("--no-such-option")
    assert done.returncode == 2
    assert "unrecognized arguments: --no-such-option" in done.stderr
