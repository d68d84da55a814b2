"""Real servers for the SDK tests, and one fixture that runs each test with both clients.

``api`` is a :class:`SyncApi` or an :class:`AsyncApi`; both expose the client's methods as
plain calls (iterators come back as lists), so one test body covers ``ConnectraClient`` and
``AsyncConnectraClient``. The async side drives each call with ``asyncio.run`` on a fresh
client, because an httpx.AsyncClient belongs to the event loop it was first used in.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from connectra.client import AsyncConnectraClient, ConnectraClient
from connectra.model.fake import DemoData
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.server import Server, running_server
from tests.client.scripted_server import ScriptedServer, scripted_server

KEY = "sdk-test-key"
READ_CONTACTS = 300
WRITE_CONTACTS = 30
MODES = ["sync", "async"]


@dataclass
class Seeded:
    server: Server
    rows: list[dict[str, str]]
    contact_uuids: list[str]
    company_uuids: list[str]

    def options(self, **overrides: Any) -> dict[str, Any]:
        return {"base_url": self.server.base, "api_key": KEY, **overrides}


def _start(
    factory: pytest.TempPathFactory, name: str, contacts: int, env: dict[str, str] | None = None
) -> Iterator[Seeded]:
    """Seed demo rows into a fresh SQLite store, then serve it and wait for the index."""
    data_dir = factory.mktemp(name) / "data"
    data_dir.mkdir(parents=True)
    store = Store.from_url(f"sqlite:///{data_dir}/connectra.db")
    migrate.upgrade(store.engine)
    rows = list(DemoData(7).rows(contacts))
    try:
        with store.write() as conn:
            result = upsert_csv_rows(conn, rows)
    finally:
        store.dispose()
    with running_server(data_dir, env or {}, key=KEY) as server:
        server.wait_indexed()
        yield Seeded(server, rows, result.contact_uuids, result.company_uuids)


@pytest.fixture(scope="session")
def read_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """300 demo contacts that no test writes to, so counts can be exact."""
    yield from _start(tmp_path_factory, "sdk-read", READ_CONTACTS)


@pytest.fixture(scope="session")
def write_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A few demo contacts; tests write records with unique names next to them."""
    yield from _start(tmp_path_factory, "sdk-write", WRITE_CONTACTS)


class SyncApi:
    """The sync client's methods, with iterators drained to lists."""

    mode = "sync"

    def __init__(self, **options: Any) -> None:
        self.client = ConnectraClient(**options)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            return list(result) if inspect.isgenerator(result) else result

        return call

    def close(self) -> None:
        self.client.close()


class AsyncApi:
    """The async client's methods, each run to completion with ``asyncio.run``."""

    mode = "async"

    def __init__(self, **options: Any) -> None:
        self.options = options

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return asyncio.run(self._run(name, args, kwargs))

        return call

    async def _run(self, name: str, args: Any, kwargs: Any) -> Any:
        async with AsyncConnectraClient(**self.options) as client:
            result = getattr(client, name)(*args, **kwargs)
            if inspect.isasyncgen(result):
                return [item async for item in result]
            assert inspect.iscoroutine(result), f"{name} is neither a coroutine nor an iterator"
            return await result

    def close(self) -> None:
        pass


Api = SyncApi | AsyncApi


def make_api(mode: str, **options: Any) -> Api:
    return SyncApi(**options) if mode == "sync" else AsyncApi(**options)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(mode: str, read_server: Seeded) -> Iterator[Api]:
    """A client of the read-only server, sync or async."""
    client = make_api(mode, **read_server.options())
    yield client
    client.close()


@pytest.fixture
def writer(mode: str, write_server: Seeded) -> Iterator[Api]:
    """A client of the server that tests write to, sync or async."""
    client = make_api(mode, **write_server.options())
    yield client
    client.close()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    with scripted_server() as server:
        yield server


@pytest.fixture
def flaky(mode: str, scripted: ScriptedServer) -> Iterator[Api]:
    """A client of the scripted server with short backoff steps, sync or async."""
    client = make_api(mode, base_url=scripted.base, api_key=KEY, retry_delay=0.01, timeout=2.0)
    yield client
    client.close()
