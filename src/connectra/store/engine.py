"""Engine construction: SQLite pragmas, PostgreSQL pooling, one place for both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from connectra.errors import ConfigurationError

WRITE_OPTION = "connectra_write"
DEFAULT_POOL = (30, 10)  # (most connections open, most kept idle)
SQLITE_TIMEOUT_SECONDS = 30.0  # how long a write waits for SQLite's lock (``?timeout=`` in the URL)
MAX_SQLITE_TIMEOUT_SECONDS = 3600.0


def make_engine(url: str, *, echo: bool = False, pool: tuple[int, int] = DEFAULT_POOL) -> Engine:
    """An engine for a ``sqlite:///`` or ``postgresql+psycopg://`` URL.

    ``pool`` sizes a PostgreSQL pool (``PG_DB_MAX_OPEN_CONNS``, ``PG_DB_MAX_IDLE_CONNS``): the
    idle ones stay pooled, the rest are overflow closed when returned.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database, _sqlite_timeout(parsed), echo=echo)
    if backend == "postgresql":
        max_open, max_idle = pool
        return sa.create_engine(
            url,
            echo=echo,
            pool_size=max_idle,
            max_overflow=max(max_open - max_idle, 0),
            pool_pre_ping=True,
        )
    raise ConfigurationError(f"unsupported database URL scheme {parsed.drivername!r}")


def _sqlite_timeout(parsed: sa.URL) -> float:
    raw = parsed.query.get("timeout", SQLITE_TIMEOUT_SECONDS)
    try:
        seconds = float(raw if isinstance(raw, str | float) else raw[-1])
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_SQLITE_TIMEOUT_SECONDS:
        raise ConfigurationError(
            "the SQLite URL's timeout must be seconds between 0 and "
            f"{MAX_SQLITE_TIMEOUT_SECONDS:.0f}, got {raw!r}"
        )
    return seconds


def _sqlite_engine(url: str, database: str | None, timeout: float, *, echo: bool) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, echo=echo, connect_args={"check_same_thread": False, "timeout": timeout}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is switched off so that BEGIN is ours to emit;
        # WAL lets the indexer and the API read while a writer commits.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # temp_store: the bulk upsert's staging tables live in memory, not in a temp file.
        pragmas = (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={round(timeout * 1000)}",
            "temp_store=MEMORY",
        )
        for pragma in pragmas:
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers take the lock up front (IMMEDIATE): a deferred transaction that reads and
        # then writes would fail with SQLITE_BUSY instead of waiting its turn.
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
