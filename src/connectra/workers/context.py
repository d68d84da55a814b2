"""What a job handler gets: its job row, the engines, progress saving and a stop signal."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from connectra.index.base import SearchIndex
from connectra.objects.base import ObjectStore
from connectra.settings import Settings
from connectra.store import jobs as jobs_repo
from connectra.store.clock import db_now
from connectra.store.database import Store


class Interrupted(Exception):
    """The runner is shutting down: stop at a batch boundary, progress is saved."""


class LeaseLost(Exception):
    """Another runner holds this job now (our lease expired): stop without writing."""


@dataclass
class JobContext:
    job: dict[str, Any]
    owner: str
    store: Store
    index: SearchIndex
    objects: ObjectStore
    settings: Settings
    stopping: threading.Event = field(default_factory=threading.Event)
    on_write: Callable[[], None] = lambda: None
    lease_lost: threading.Event = field(default_factory=threading.Event)

    @property
    def uuid(self) -> str:
        return str(self.job["uuid"])

    @property
    def response(self) -> dict[str, Any]:
        """The job_response as last saved (a resumed job starts from its saved progress)."""
        saved = self.job.get("job_response")
        return dict(saved) if isinstance(saved, dict) else {}

    def save(self, conn: sa.Connection, response: dict[str, Any]) -> None:
        """Save progress in the caller's transaction, so it commits with the batch it counts."""
        if not jobs_repo.update_owned(conn, self.uuid, self.owner, job_response=response,
                                      updated_at=db_now(conn)):  # fmt: skip
            raise LeaseLost(self.uuid)
        # A copy: the handler keeps changing its dict, and ctx.response must stay what was
        # committed (a failed batch's progress must never be recorded as done).
        self.job["job_response"] = copy.deepcopy(response)

    def save_progress(self, response: dict[str, Any]) -> None:
        """Save progress on its own, for a handler whose work is not in the store."""
        with self.store.write() as conn:
            self.save(conn, response)

    def check_stop(self) -> None:
        if self.lease_lost.is_set():
            raise LeaseLost(self.uuid)
        if self.stopping.is_set():
            raise Interrupted(self.uuid)


class Handler(Protocol):
    def __call__(self, ctx: JobContext) -> dict[str, Any]: ...
