"""A real ``connectra serve`` per store engine, seeded with demo data, for the fuzz tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from connectra.model.fake import DemoData
from connectra.services.batch_upsert import batch_upsert
from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.server import Server, running_server
from tests.conftest import create_database, drop_database, pg_url

FUZZ_SEED_CONTACTS = 200


@dataclass
class Target:
    """A live server on one store engine, and how many fuzz cases were sent to it."""

    server: Server
    engine: str
    cases: int = 0


def seed_store(url: str, contacts: int = FUZZ_SEED_CONTACTS) -> None:
    """Migrate the database at ``url`` and load ``contacts`` demo contacts with their companies."""
    store = Store.from_url(url)
    try:
        migrate.upgrade(store.engine)
        batch_upsert(store, list(DemoData(7).rows(contacts)))
    finally:
        store.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """A seeded server on each store engine."""
    yield from _serve(request.param, request, tmp_path_factory)


@pytest.fixture(scope="module")
def live_sqlite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """A seeded server on SQLite, for fuzzing what does not depend on the store engine."""
    yield from _serve("sqlite", request, tmp_path_factory)


def _serve(
    engine: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    data_dir = tmp_path_factory.mktemp(f"fuzz-{engine}") / "data"
    env: dict[str, str] = {}
    database = None
    if engine == "sqlite":
        url = f"sqlite:///{data_dir}/connectra.db"
        data_dir.mkdir(parents=True)
    else:
        admin: sa.Engine = request.getfixturevalue("pg_admin")
        database = create_database(admin)
        url = pg_url(database)
        env["CONNECTRA_DATABASE_URL"] = url
    seed_store(url)
    try:
        with running_server(data_dir, env) as server:
            server.wait_indexed()
            yield Target(server, engine)
    finally:
        if database is not None:
            drop_database(request.getfixturevalue("pg_admin"), database)
