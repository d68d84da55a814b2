"""The store handle: an engine plus read and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from connectra.store.engine import DEFAULT_POOL, WRITE_OPTION, make_engine
from connectra.store.job_signals import Doorbell
from connectra.store.migrate import current_revision


class Store:
    """Owns the engine; services receive it and open one transaction per request or batch.

    ``job_bell`` is rung after a job commits, waking this process's job runners at once.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.job_bell = Doorbell()

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
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction that commits on success and rolls back on any error."""
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def ping(self) -> dict[str, Any]:
        """Whether the database answers, with its engine and migration revision; a failure is
        reported by its type only (never a message that could hold a DSN)."""
        try:
            with self.read() as conn:
                conn.execute(sa.text("SELECT 1"))
            return {"ok": True, "engine": self.dialect, "revision": current_revision(self.engine)}
        except sa.exc.SQLAlchemyError as exc:
            return {"ok": False, "engine": self.dialect, "error": type(exc).__name__}

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
