"""The store handle: an engine plus read and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from connectra.errors import DatabaseError, DatabaseUnavailable
from connectra.store.engine import DEFAULT_POOL, WRITE_OPTION, make_engine
from connectra.store.job_signals import Doorbell
from connectra.store.migrate import current_revision
from connectra.store.tables import metadata
from connectra.store.write_failures import WriteFailures

# Failures of the database itself rather than of one statement's data: a lost or refused
# connection, a lock held past the busy timeout, a pool exhausted, tables gone (SQLite reports
# a missing table as an OperationalError, PostgreSQL as a ProgrammingError), and a transaction
# left waiting for its rollback because its connection broke part-way.
_UNAVAILABLE = (
    sa.exc.OperationalError,
    sa.exc.PendingRollbackError,
    sa.exc.InterfaceError,
    sa.exc.DisconnectionError,
    sa.exc.TimeoutError,
    sa.exc.ProgrammingError,
    sa.exc.InternalError,
)


@contextmanager
def translated() -> Iterator[None]:
    """SQLAlchemy's errors as our error tree: services see only :mod:`connectra.errors`.
    The message names the failure's type, never its text (which may hold a DSN or data)."""
    try:
        yield
    except _UNAVAILABLE as exc:
        raise DatabaseUnavailable(
            f"the database is unavailable ({type(exc).__name__}); retry later"
        ) from exc
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"the database refused the statement ({type(exc).__name__})") from exc


class Store:
    """Owns the engine; services receive it and open one transaction per request or batch.

    ``job_bell`` is rung after a job commits, waking this process's job runners at once.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.job_bell = Doorbell()
        self.write_failures = WriteFailures()  # a multi-worker server shares one (see there)

    @classmethod
    def from_url(
        cls, url: str, *, echo: bool = False, pool: tuple[int, int] = DEFAULT_POOL
    ) -> Store:
        return cls(make_engine(url, echo=echo, pool=pool))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with translated(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction that commits on success and rolls back on any error."""
        try:
            with translated(), self.engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except DatabaseUnavailable as exc:
            self.write_failures.failed(type(exc.__cause__ or exc).__name__)
            raise
        self.write_failures.succeeded()

    def ping(self) -> dict[str, Any]:
        """Whether the database answers a read of every table and the last write did not fail
        for want of it, with its engine and migration revision; a failure is reported by its
        type only (never a message that could hold a DSN)."""
        try:
            with self.read() as conn:
                for table in metadata.sorted_tables:
                    conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).all()
                revision = current_revision(conn.engine)
        except DatabaseError as exc:
            cause = exc.__cause__ or exc
            return {"ok": False, "engine": self.dialect, "error": type(cause).__name__}
        write_failure = self.write_failures.reason
        if write_failure is not None:
            return {"ok": False, "engine": self.dialect, "error": write_failure,
                    "writes": "failing", "revision": revision}  # fmt: skip
        return {"ok": True, "engine": self.dialect, "revision": revision}

    def pool_usage(self) -> dict[str, int]:
        """Connections of this process's pool: its size, in use, idle, overflow beyond size."""
        pool = self.engine.pool
        if not isinstance(pool, QueuePool):
            return {}
        return {
            "size": pool.size(),
            "checked_out": pool.checkedout(),
            "idle": pool.checkedin(),
            "overflow": max(pool.overflow(), 0),
        }

    def dispose(self) -> None:
        self.engine.dispose()
