"""HTTP req/s and latency in the same run: a real ``connectra api`` on the benchmark's store and
index, loaded with wrk (the scenarios of ``http_load.py``) at 1 and 16 connections."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from http_load import SCENARIOS, run_wrk

KEY = "bench"
CONNECTIONS = (1, 16)
STARTUP_SECONDS = 60.0


class ServerFailed(Exception):
    """The API server did not come up (its log is in the message)."""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def api_server(database_url: str, search_url: str, scratch: Path) -> Iterator[str]:
    """``python -m connectra api`` on a free port; yields its base URL, stops it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "CONNECTRA_DATABASE_URL": database_url,
        "CONNECTRA_SEARCH_URL": search_url,
        "CONNECTRA_DATA_DIR": str(scratch / "api-data"),
        "CONNECTRA_OBJECTS_URL": f"file://{scratch / 'api-objects'}",
        "API_KEY": KEY,
        "MAX_REQUESTS_PER_MINUTE": "1000000000",
        "RUN_JOBS_IN_API": "false",
    }
    log_path = scratch / "api.log"
    with log_path.open("wb") as log:
        command = [sys.executable, "-m", "connectra", "api", "--port", str(port)]
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _healthy(base):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise ServerFailed(
                        f"connectra api did not become healthy on {base}:\n"
                        + log_path.read_text(encoding="utf-8", errors="replace")
                    )
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def measure_http(
    database_url: str, search_url: str, scratch: Path, seconds: int
) -> list[dict[str, Any]]:
    """One row per scenario and connection count: requests/s, p50/p95/p99 ms, errors."""
    rows: list[dict[str, Any]] = []
    with api_server(database_url, search_url, scratch) as base:
        for name, (path, body) in SCENARIOS.items():
            for connections in CONNECTIONS:
                print(f"wrk {name} c={connections} ({seconds} s) ...", flush=True)
                result = run_wrk(base + path, body, KEY, connections, seconds)
                rows.append({"scenario": name, "seconds": seconds, **result})
    return rows
