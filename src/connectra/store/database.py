"""The store handle: an engine plus read and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from connectra.store.engine import WRITE_OPTION, make_engine
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
    def from_url(cls, url: str, *, echo: bool = False) -> Store:
        return cls(make_engine(url, echo=echo))

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

    def dispose(self) -> None:
        self.engine.dispose()
