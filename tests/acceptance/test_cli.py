"""The console script end to end: migrate, seed, serve and /health over real HTTP."""

from __future__ import annotations

import csv
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pytest

from connectra.cli import cli
from connectra.console import REJECTED_ROWS_SHOWN
from connectra.model.fake import DemoData
from connectra.model.rows import CSV_HEADERS
from tests.acceptance.server import wait_ready

CONNECTRA = [sys.executable, "-m", "connectra"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONNECTRA_", "API_KEY"))}
    env["CONNECTRA_DATA_DIR"] = str(tmp_path / "data")
    return env


def _run(tmp_path: Path, *args: str) -> str:
    done = subprocess.run(
        [*CONNECTRA, *args], env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    proc = subprocess.Popen(
        [*CONNECTRA, "serve", "--port", str(port)], env=_env(tmp_path), cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, proc)
    yield base, proc
    if proc.returncode is None:  # the test did not stop it and read its output itself
        proc.terminate()
        proc.communicate(timeout=30)


def test_migrate_and_seed(tmp_path: Path) -> None:
    assert "revision 0002" in _run(tmp_path, "migrate")
    assert "seeded 120 demo contacts" in _run(tmp_path, "seed", "--demo", "120")
    assert "not seeding" in _run(tmp_path, "seed", "--demo", "5", "--if-empty")
    assert "revision None" in _run(tmp_path, "migrate", "--down")


def test_serve_answers_health_and_generates_a_key_once(
    tmp_path: Path, server: tuple[str, subprocess.Popen[str]]
) -> None:
    base, proc = server
    response = httpx.get(f"{base}/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["store"] == {"ok": True, "engine": "sqlite", "revision": "0002"}
    key_file = tmp_path / "data" / "api_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    proc.terminate()
    output, _ = proc.communicate(timeout=30)
    key = key_file.read_text().strip()
    assert output.count(key) == 1  # printed once, at generation, and never logged again
    assert output.count("Connectra 0.1.0 serving at") == 1  # one banner, saying where and what
    for shown in (f"{base}/docs", f"{base}/ui", f"data dir: {tmp_path / 'data'}",
                  "store:    sqlite", "index:    tantivy", f"API key:  in {key_file}"):  # fmt: skip
        assert shown in output, shown
    assert output.rstrip().endswith(
        "Connectra stopped: requests, job runners and the indexer are done"
    )
    assert proc.returncode == 0


def _csv(path: Path, good: int, malformed: int) -> Path:
    """``good`` demo rows, then ``malformed`` rows with too few fields."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_HEADERS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(DemoData(3).rows(good))
        handle.writelines("only,three,fields\n" for _ in range(malformed))
    return path


def test_import_lists_rejected_rows_and_names_the_job(tmp_path: Path) -> None:
    good, malformed = 40, 25
    done = subprocess.run(
        [*CONNECTRA, "import", str(_csv(tmp_path / "in.csv", good, malformed))],
        env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    rejected = [line for line in done.stdout.splitlines() if line.startswith("  rejected line")]
    assert len(rejected) == REJECTED_ROWS_SHOWN
    assert rejected[0] == f"  rejected line {good + 2}: expected {len(CSV_HEADERS)} fields, got 3"
    assert f"... and {malformed - REJECTED_ROWS_SHOWN} more rejected rows" in done.stdout
    assert re.search(
        rf"job [0-9a-f-]{{36}}: {good} rows processed, {malformed} malformed rows skipped",
        done.stdout,
    )
    # No terminal: one plain progress line (not a redrawn bar) at the end: rows written of lines.
    assert f"insert_csv_file: {good}/{good + malformed} rows" in done.stderr
    assert "\r" not in done.stderr


def test_import_while_the_server_runs_leaves_indexing_to_it(
    tmp_path: Path, server: tuple[str, subprocess.Popen[str]]
) -> None:
    base, _proc = server
    good = 60
    done = subprocess.run(
        [*CONNECTRA, "import", str(_csv(tmp_path / "in.csv", good, 0))],
        env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert "the running server indexes the rows" in output
    for alarming in ("retrying", "failed", "LockBusy", "Traceback"):
        assert alarming not in output
    key = (tmp_path / "data" / "api_key").read_text().strip()
    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline and count != good:
        count = httpx.post(f"{base}/contacts/count", json={}, headers={"X-API-Key": key}).json()[
            "count"
        ]
        time.sleep(0.1)
    assert count == good
    (tmp_path / "q.json").write_text('{"select_columns": ["uuid", "email"]}')
    exported = subprocess.run(
        [*CONNECTRA, "export", "--vql", "q.json", "--out", "out.csv"],
        env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert f"{good} rows exported" in exported.stdout
    for alarming in ("retrying", "failed", "LockBusy", "Traceback"):
        assert alarming not in exported.stdout + exported.stderr
    assert len((tmp_path / "out.csv").read_text().splitlines()) == good + 1


def test_every_option_names_its_environment_variable() -> None:
    for name, command in cli.commands.items():
        for param in command.params:
            if param.name == "help" or isinstance(param, click.Argument):
                continue
            assert getattr(param, "envvar", None), f"{name} --{param.name} has no env var"
            assert getattr(param, "show_envvar", False), f"{name} --{param.name} hides it"


def test_help_lists_env_vars(tmp_path: Path) -> None:
    text = _run(tmp_path, "serve", "--help")
    assert re.search(r"env var:\s+CONNECTRA_PORT", text)
