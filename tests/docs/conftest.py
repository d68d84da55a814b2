"""One server with the run command's demo data, shared by the documentation tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.acceptance.server import Server, running_server

DEMO_CONTACTS = "2000"  # what scripts/run.sh seeds


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    env["CONNECTRA_DATA_DIR"] = str(data_dir)
    subprocess.run(
        [sys.executable, "-m", "connectra", "seed", "--demo", DEMO_CONTACTS],
        env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    # The key the README reads from data/api_key: the one the server generates at first start.
    with running_server(data_dir, {"API_KEY": ""}) as server:
        server.key = (data_dir / "api_key").read_text().strip()
        server.wait_indexed()
        yield server
