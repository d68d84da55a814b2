"""How job runners hear about new jobs at once instead of on their tick.

In one process a :class:`Doorbell` on the :class:`~connectra.store.database.Store` is rung after
a job commits (``services.jobs``). Across processes a :class:`JobWatcher` rings it: on
PostgreSQL it ``LISTEN``s to the ``NOTIFY`` that creating or re-triggering a job sends in its
transaction (``store.jobs.notify``, delivered at commit); on other stores it asks every second
whether an open job is waiting (one indexed ``SELECT``). Runners still wake on their tick, as a
fallback.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from connectra.store import jobs as jobs_repo

if TYPE_CHECKING:
    from connectra.store.database import Store

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
RECONNECT_SECONDS = 5.0


class Doorbell:
    """A generation counter under a condition: a waiter that read the generation before looking
    for work never misses a ring that came while it looked."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._cond:
            return self._generation

    def ring(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        """Return once rung after ``seen`` was read, or after ``timeout`` seconds."""
        with self._cond:
            self._cond.wait_for(lambda: self._generation != seen, timeout)


class JobWatcher:
    """Rings the store's doorbell when another process created a job."""

    def __init__(self, store: Store, stopping: threading.Event) -> None:
        self.store = store
        self.stopping = stopping
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        target = self._listen if self.store.dialect == "postgresql" else self._poll
        self._thread = threading.Thread(target=target, name="job-watcher", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _poll(self) -> None:
        while not self.stopping.wait(POLL_SECONDS):
            try:
                with self.store.read() as conn:
                    waiting = jobs_repo.claimable(conn, datetime.now(UTC))
            except sa.exc.SQLAlchemyError:
                log.exception("job watcher poll failed")
                continue
            if waiting:
                self.store.job_bell.ring()

    def _listen(self) -> None:
        while not self.stopping.is_set():
            try:
                self._listen_once()
            except Exception:  # the connection broke: reconnect after a pause
                log.exception("job watcher lost its LISTEN connection")
                self.stopping.wait(RECONNECT_SECONDS)

    def _listen_once(self) -> None:
        raw = self.store.engine.raw_connection()
        pg: Any = raw.driver_connection
        raw.detach()  # a connection of its own for as long as it listens, outside the pool
        try:
            pg.rollback()  # out of any transaction the pool left open
            pg.autocommit = True
            pg.execute(f"LISTEN {jobs_repo.CHANNEL}")
            self.store.job_bell.ring()  # anything created while not listening
            while not self.stopping.is_set():
                for _ in pg.notifies(timeout=POLL_SECONDS, stop_after=1):
                    self.store.job_bell.ring()
        finally:
            raw.close()
