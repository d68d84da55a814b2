"""The README's commands run as written against a server holding the run command's demo data
(from the directory holding ``data/``, as after ``./scripts/run.sh``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.acceptance.server import Server
from tests.docs.examples import ROOT

README = (ROOT / "README.md").read_text()
_BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```$", re.M | re.S)
DEFAULT_ADDRESSES = ("127.0.0.1:8000", "localhost:8000")
CURL_BLOCKS = [
    body
    for kind, body in _BLOCK.findall(README)
    if kind == "sh" and "curl" in body and any(a in body for a in DEFAULT_ADDRESSES)
]
PYTHON_BLOCKS = [body for kind, body in _BLOCK.findall(README) if kind == "python"]


def _env(server: Server) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    env["CONNECTRA_BASE_URL"] = server.base
    return env


def test_the_readme_has_runnable_examples() -> None:
    assert len(CURL_BLOCKS) >= 2
    assert PYTHON_BLOCKS


@pytest.mark.parametrize("block", CURL_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_curl_examples_answer(demo: Server, block: str) -> None:
    address = demo.base.removeprefix("http://")
    for default in DEFAULT_ADDRESSES:
        block = block.replace(default, address)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block], cwd=demo.data_dir.parent, env=_env(demo),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for line in filter(None, done.stdout.splitlines()):
        assert '"success":true' in line or '"status":"ok"' in line, line


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_python_examples_run(demo: Server, block: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", block], cwd=demo.data_dir.parent, env=_env(demo),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
