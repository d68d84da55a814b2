"""Container entry points: RUN_COMMAND through `connectra run` or a bare `connectra`, and the
contract's `api-server` name."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.acceptance.server import free_port, running_server


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RUN_COMMAND",)}
    env = {k: v for k, v in env.items() if not k.startswith("CONNECTRA_")}
    return {**env, "CONNECTRA_DATA_DIR": str(data_dir), "API_KEY": "run-key", **extra}


def _connectra(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "connectra", *args],
        env=_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bare_connectra_runs_run_command(tmp_path: Path) -> None:
    migrated = _connectra(tmp_path, RUN_COMMAND="migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "database at revision" in migrated.stdout
    helped = _connectra(tmp_path, "run", RUN_COMMAND="help")
    assert helped.returncode == 0
    assert "api-server" in helped.stdout
    assert "verify" in helped.stdout


def test_run_without_run_command_or_with_itself(tmp_path: Path) -> None:
    unset = _connectra(tmp_path, "run")
    assert unset.returncode == 2
    assert "RUN_COMMAND is not set" in unset.stderr
    looping = _connectra(tmp_path, "run", RUN_COMMAND="run")
    assert looping.returncode == 2
    assert "would run itself" in looping.stderr


def test_run_command_serves_the_api(tmp_path: Path) -> None:
    port = free_port()
    env = _env(tmp_path, RUN_COMMAND=f"api-server --port {port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "connectra", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server exited"
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        assert health.status_code == 200
        assert "indexer" not in health.json()  # `api`, not `serve`
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_api_server_is_api(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {}, command="api-server") as server:
        body = httpx.get(f"{server.base}/health").json()
        assert body["status"] == "ok"
        assert "indexer" not in body
