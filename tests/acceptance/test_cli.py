"""The console script end to end: migrate, seed, serve and /health over real HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pytest

from connectra.cli import cli
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
    proc.terminate()
    proc.wait(timeout=10)


def test_migrate_and_seed(tmp_path: Path) -> None:
    assert "revision 0001" in _run(tmp_path, "migrate")
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
    assert body["store"] == {"ok": True, "engine": "sqlite", "revision": "0001"}
    key_file = tmp_path / "data" / "api_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    proc.terminate()
    output, _ = proc.communicate(timeout=10)
    key = key_file.read_text().strip()
    assert output.count(key) == 1  # printed once, at generation, and never logged again


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
