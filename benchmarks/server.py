"""A real ``connectra`` server process for the benchmarks, and what /proc says about it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

STARTUP_SECONDS = 120.0


class ServerFailed(RuntimeError):
    """The server exited or did not become ready; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(base: str) -> bool:
    """Ready as soon as /health answers at all (whatever it says)."""
    try:
        httpx.get(f"{base}/health", timeout=2)
    except httpx.TransportError:
        return False
    return True


@contextmanager
def launched(
    arguments: list[str],
    env: Mapping[str, str],
    log_path: Path,
    ready: Callable[[str], bool] = answers,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python -m connectra <arguments> --port P`` on a free port with exactly ``env`` (no
    inherited ``CONNECTRA_*``); yields (base URL, process) once ``ready(base)``, stops it after."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    full_env.update(env)
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "connectra", *arguments, "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=full_env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not ready(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
                    raise ServerFailed(f"connectra {arguments[0]} did not start on {base}:\n{tail}")
                time.sleep(0.2)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_rss_bytes(pid: int, kind: str = "VmRSS") -> int:
    """Resident memory of ``pid`` and all its descendants (the API workers, the indexer):
    ``VmRSS`` in all, or ``RssAnon``, the anonymous part (heaps) without the mapped files (the
    index segments the kernel keeps resident while they are read), which is where a leak shows;
    ``Pss`` counts a page shared by several of the processes once in all (the index files every
    API worker maps), which a sum of their RSS counts once per process."""
    return sum(rss_by_process(pid, kind).values())


def rss_by_process(pid: int, kind: str = "VmRSS") -> dict[int, int]:
    """What :func:`tree_rss_bytes` adds up, process by process (those that exited are left out)."""
    source = "smaps_rollup" if kind == "Pss" else "status"
    found: dict[int, int] = {}
    for member in _tree(pid):
        try:
            lines = Path(f"/proc/{member}/{source}").read_text().splitlines()
        except OSError:
            continue
        found[member] = sum(
            int(line.split()[1]) * 1024 for line in lines if line.startswith(f"{kind}:")
        )
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of ``pid`` and its living descendants: on a shared
    machine they say more about the work done than wall time."""
    ticks = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
