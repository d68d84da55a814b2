"""A real ``connectra serve`` process for HTTP tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx


@dataclass
class Server:
    base: str
    key: str
    data_dir: Path
    process: subprocess.Popen[bytes]

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"X-API-Key": self.key}, **kwargs)  # type: ignore[arg-type]

    def wait_indexed(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lag = httpx.get(f"{self.base}/health").json().get("indexer", {})
            if lag.get("pending") == 0:
                return
            time.sleep(0.1)
        raise AssertionError(f"indexer did not catch up: {lag}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    data_dir: Path,
    env: Mapping[str, str],
    *,
    key: str = "test-key",
    command: str = "serve",
    port: int | None = None,
    wait: bool = True,
) -> Iterator[Server]:
    """Start a server on ``port`` (a free one by default), wait until /health says it is ready
    (unless not ``wait``), stop it afterwards."""
    port = port or free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    full_env.update(
        {"CONNECTRA_DATA_DIR": str(data_dir), "API_KEY": key, "MAX_REQUESTS_PER_MINUTE": "100000"}
    )
    full_env.update(env)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    log = (data_dir.parent / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "connectra", command, "--port", str(port)],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        if wait:
            wait_ready(base, process)
        yield Server(base, key.split(",", maxsplit=1)[0], data_dir, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()  # reaped, or its Popen warns at collection (an error under pytest)
        log.close()


def _starting(response: httpx.Response) -> bool:
    """A Connectra server whose index has not caught up yet (/health 503 ``starting``)."""
    try:
        return response.status_code == HTTPStatus.SERVICE_UNAVAILABLE and (
            response.json().get("status") == "starting"
        )
    except ValueError:
        return False


def wait_ready(base: str, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    """Until /health answers and no longer says ``starting`` (``ok``, or ``degraded`` when a
    test starts a server without its engines; any answer from a server without /health)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if not _starting(httpx.get(f"{base}/health", timeout=1)):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not become ready")


def assert_error(
    response: httpx.Response, status: int, code: str, token: str | None = None
) -> dict[str, Any]:
    """The contract's error envelope with this status, error_code and (optional) ERR token."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error_code"] == code
    if token:
        assert body["error"].startswith(token + ": ")
    return dict(body)
