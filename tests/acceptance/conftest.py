"""A seeded server per engine (SQLite+tantivy, PostgreSQL+tantivy, PostgreSQL+OpenSearch),
shared by a test module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectra.model.fake import DemoData
from connectra.model.fields import CONTACT
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import entities, migrate, outbox
from connectra.store.database import Store
from tests.acceptance.server import Server, running_server
from tests.conftest import create_database, drop_database, pg_url
from tests.opensearch import delete_prefix, fresh_url

SEEDED_CONTACTS = 1000


@dataclass
class Seeded:
    server: Server
    store: Store
    deleted_contact: str
    live_contacts: int


def _seed(store: Store) -> str:
    """1,000 demo contacts; one of them soft-deleted. Returns the deleted uuid."""
    rows = list(DemoData(11).rows(SEEDED_CONTACTS))
    for start in range(0, len(rows), 250):
        with store.write() as conn:
            result = upsert_csv_rows(conn, rows[start : start + 250])
    deleted = result.contact_uuids[-1]
    with store.write() as conn:
        entities.soft_delete(conn, CONTACT, deleted, datetime.now(UTC))
        outbox.enqueue(conn, CONTACT.name, [deleted])
    return deleted


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "postgresql+opensearch"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    data_dir = tmp_path_factory.mktemp("server") / "data"
    env: dict[str, str] = {}
    database = None
    if request.param.endswith("+opensearch"):
        env["CONNECTRA_SEARCH_URL"] = fresh_url()
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir}/connectra.db"
    else:
        admin: sa.Engine = request.getfixturevalue("pg_admin")
        database = create_database(admin)
        url = pg_url(database)
        env["CONNECTRA_DATABASE_URL"] = url
    store = Store.from_url(url)
    migrate.upgrade(store.engine)
    deleted = _seed(store)
    try:
        with running_server(data_dir, env, key="test-key,second-key") as server:
            server.wait_indexed()
            yield Seeded(server, store, deleted, SEEDED_CONTACTS - 1)
    finally:
        store.dispose()
        if "CONNECTRA_SEARCH_URL" in env:
            delete_prefix(env["CONNECTRA_SEARCH_URL"])
        if database is not None:
            drop_database(request.getfixturevalue("pg_admin"), database)


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@dataclass
class Bare:
    """An unseeded server and the URL of its database."""

    server: Server
    url: str


@contextmanager
def bare_server(
    request: pytest.FixtureRequest, data_dir: Path, env: dict[str, str] | None = None
) -> Iterator[Bare]:
    """A fresh server on ``request.param`` (``sqlite`` or ``postgresql``)."""
    env = dict(env or {})
    database = None
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir}/connectra.db"
    else:
        database = create_database(request.getfixturevalue("pg_admin"))
        url = env["CONNECTRA_DATABASE_URL"] = pg_url(database)
    try:
        with running_server(data_dir, env) as server:
            yield Bare(server, url)
    finally:
        if database is not None:
            drop_database(request.getfixturevalue("pg_admin"), database)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Bare]:
    """One server per test, for tests that break it."""
    with bare_server(request, tmp_path / "data") as bare:
        yield bare


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bare]:
    """One server per engine, shared by a test module."""
    with bare_server(request, tmp_path_factory.mktemp("server") / "data") as bare:
        yield bare
