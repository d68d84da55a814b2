"""Shared fixtures: real SQLite files and real PostgreSQL databases, one fresh store per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from connectra.store import migrate
from connectra.store.database import Store

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENGINES = ["sqlite", "postgresql"]


def _admin_url() -> str:
    return os.environ.get("CONNECTRA_TEST_POSTGRES_URL", DEFAULT_PG)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """An autocommit engine on the maintenance database; CI fails rather than skips."""
    engine = sa.create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL not reachable at {_admin_url()} ({exc.orig}); run scripts/test.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield engine
    engine.dispose()


def create_database(admin: sa.Engine, template: str | None = None) -> str:
    name = f"connectra_test_{uuid.uuid4().hex[:12]}"
    suffix = f" TEMPLATE {template}" if template else ""
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{suffix}'))
    return name


def drop_database(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pg_url(name: str) -> str:
    return make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_admin: sa.Engine) -> Iterator[str]:
    """A migrated database that every PostgreSQL test store is cloned from."""
    name = create_database(pg_admin)
    store = Store.from_url(pg_url(name))
    migrate.upgrade(store.engine)
    store.dispose()
    yield name
    drop_database(pg_admin, name)


@pytest.fixture(params=ENGINES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """The URL of an empty database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    admin = request.getfixturevalue("pg_admin")
    name = create_database(admin)
    yield pg_url(name)
    drop_database(admin, name)


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Store]:
    """A migrated store on each engine."""
    if request.param == "sqlite":
        result = Store.from_url(f"sqlite:///{tmp_path}/connectra.db")
        migrate.upgrade(result.engine)
        yield result
        result.dispose()
        return
    admin = request.getfixturevalue("pg_admin")
    name = create_database(admin, template=request.getfixturevalue("pg_template"))
    result = Store.from_url(pg_url(name))
    yield result
    result.dispose()
    drop_database(admin, name)
