"""Switching a process to multi-process metrics after prometheus-client was imported (what a
server does before it spawns workers); each case runs in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SWITCH_THEN_RECORD = """
import sys
from pathlib import Path
import prometheus_client  # imported first, in single-process mode, as the CLI does
from connectra.instruments import instruments, use_multiprocess_dir
use_multiprocess_dir(Path(sys.argv[1]))
instruments().requests.labels("GET", "/health", "200").inc()
"""

RECORD_THEN_SWITCH = """
import sys
from pathlib import Path
from connectra.errors import ConfigurationError
from connectra.instruments import instruments, use_multiprocess_dir
instruments().requests.labels("GET", "/health", "200").inc()
try:
    use_multiprocess_dir(Path(sys.argv[1]))
except ConfigurationError as exc:
    print(exc)
"""


def _run(code: str, directory: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(directory)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_a_switch_before_recording_writes_to_the_shared_directory(tmp_path: Path) -> None:
    _run(SWITCH_THEN_RECORD, tmp_path)
    assert any(path.name.startswith("counter_") for path in tmp_path.iterdir())


def test_a_switch_after_recording_is_refused(tmp_path: Path) -> None:
    said = _run(RECORD_THEN_SWITCH, tmp_path / "metrics")
    assert "must be set before any metric is recorded" in said
    assert not (tmp_path / "metrics").exists()
