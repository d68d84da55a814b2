"""A real Connectra server seeded with demo data, and a real ``connectra gateway`` over it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from connectra.client import ConnectraClient
from connectra.model.fake import DemoData
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.server import Server, running_server

CONNECTRA_KEY = "connectra-key"
GATEWAY_KEY = "gateway-key"
CONTACTS = 240
JOB_ENV = {"TICKER_INTERVAL_SECONDS": "0.2", "BATCH_SIZE_FOR_INSERTION": "50"}


@dataclass
class Stack:
    connectra: Server
    gateway: Server

    def connectra_client(self) -> ConnectraClient:
        return ConnectraClient(self.connectra.base, CONNECTRA_KEY)

    def client(self, **kwargs: object) -> httpx.Client:
        """A client of the gateway, with the gateway's key."""
        return self.gateway.client(timeout=30, **kwargs)


def seed(data_dir: Path, contacts: int) -> None:
    data_dir.mkdir(parents=True)
    store = Store.from_url(f"sqlite:///{data_dir}/connectra.db")
    migrate.upgrade(store.engine)
    try:
        with store.write() as conn:
            upsert_csv_rows(conn, list(DemoData(5).rows(contacts)))
    finally:
        store.dispose()


@contextmanager
def gateway_over(connectra: Server, root: Path, **env: str) -> Iterator[Server]:
    gateway_env = {
        "CONNECTRA_BASE_URL": connectra.base,
        "CONNECTRA_API_KEY": CONNECTRA_KEY,
        "CONNECTRA_TIMEOUT": "5",
        "CONNECTRA_RETRY_DELAY": "0.05",
        "GATEWAY_API_KEYS": f"other-key,{GATEWAY_KEY}",
        **env,
    }
    with running_server(root / "gateway", gateway_env, key=GATEWAY_KEY, command="gateway") as gw:
        yield gw


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """240 demo contacts that only the write tests add to (they use their own names)."""
    root = tmp_path_factory.mktemp("gateway")
    seed(root / "connectra", CONTACTS)
    with running_server(root / "connectra", JOB_ENV, key=CONNECTRA_KEY) as connectra:
        connectra.wait_indexed()
        with gateway_over(connectra, root) as gateway:
            yield Stack(connectra, gateway)


@pytest.fixture
def gw(stack: Stack) -> Iterator[httpx.Client]:
    with stack.client() as client:
        yield client
