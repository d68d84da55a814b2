"""The OpenSearch node of the test run (scripts/test.sh starts one): URLs with fresh prefixes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from opensearchpy import OpenSearch

from connectra.index.opensearch import parse_search_url
from tests.acceptance.server import free_port

URL_VARIABLE = "CONNECTRA_TEST_OPENSEARCH_URL"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "opensearch-node.sh"


def opensearch_url() -> str:
    """The node's ``opensearch://host:port``; CI fails rather than skips without one."""
    url = os.environ.get(URL_VARIABLE, "")
    if not url:
        message = f"{URL_VARIABLE} is not set; run scripts/test.sh (it starts an OpenSearch node)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url.rstrip("/")


def fresh_url(base: str | None = None) -> str:
    """The node's URL with a prefix no other test uses."""
    return f"{base or opensearch_url()}/t{uuid.uuid4().hex[:12]}"


def delete_prefix(url: str) -> None:
    """Remove every index a test created under the URL's prefix."""
    address = parse_search_url(url)
    client = OpenSearch(hosts=[{"host": h, "port": p} for h, p in address.hosts])
    try:
        client.indices.delete(index=f"{address.prefix}-*", expand_wildcards="all")
    finally:
        client.close()


def free_port_pair() -> int:
    """A free HTTP port P whose transport port P+100 (scripts/opensearch-node.sh) is free too."""
    while True:
        port = free_port()
        if port < 65000 and _free(port + 1) and _free(port + 100) and _free(port + 101):
            return port


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


class NodeProcess:
    """One member of a cluster run by scripts/opensearch-node.sh, for tests that stop nodes."""

    def __init__(self, port: int, data: Path, *, nodes: int = 1, member: int = 0) -> None:
        self.port, self.data, self.nodes, self.member = port, data, nodes, member
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data / f"script-{member}.log"

    @property
    def http_port(self) -> int:
        return self.port + self.member

    def start(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        command = [str(SCRIPT), "--port", str(self.port), "--nodes", str(self.nodes),
                   "--member", str(self.member), "--data", str(self.data)]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"node exited: {self.log.read_text()[-3000:]}")
            try:
                httpx.get(f"http://127.0.0.1:{self.http_port}/_cluster/health", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.5)
        raise AssertionError("node did not answer in time")

    def stop(self) -> None:
        """SIGTERM: the node shuts down cleanly."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.process = None

    def kill(self) -> None:
        """SIGKILL of the JVM: the node dies without saying goodbye."""
        assert self.process is not None
        for child in _children(self.process.pid):
            os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=60)
        self.process = None
