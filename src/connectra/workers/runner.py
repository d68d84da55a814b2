"""Job runners: ``first_time`` (open jobs, PARALLEL_JOBS workers) and ``retry`` (failed jobs).

Each worker claims one job at a time atomically, holds a lease renewed by a heartbeat while the
handler runs, and records the outcome. A job whose worker died keeps an expiring lease and is
claimed again; handlers are idempotent and resume from their saved progress. An idle
``first_time`` worker wakes when a job is created (the store's doorbell, rung in this process and
by a :class:`~connectra.store.job_signals.JobWatcher` for other processes) or on its tick.
On stop (SIGTERM) workers stop claiming, running handlers stop at their next batch boundary,
and their jobs go back to ``open`` with their progress kept.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid as uuid_lib
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Literal

from connectra.errors import ConnectraError, InvalidJobType
from connectra.store import jobs as jobs_repo
from connectra.store.clock import db_now
from connectra.store.database import Store
from connectra.store.job_signals import JobWatcher
from connectra.workers.background import in_background
from connectra.workers.context import Handler, Interrupted, JobContext, LeaseLost

log = logging.getLogger(__name__)

Kind = Literal["first_time", "retry"]
ContextFactory = Callable[[dict[str, Any], str, threading.Event], JobContext]


def _error_text(exc: BaseException) -> str:
    return exc.error if isinstance(exc, ConnectraError) else f"{type(exc).__name__}: {exc}"


class Runner:
    def __init__(
        self,
        kind: Kind,
        store: Store,
        handlers: Mapping[str, Handler],
        make_context: ContextFactory,
        *,
        workers: int = 1,
        tick_seconds: float = 300.0,
        lease_seconds: float = 60.0,
    ) -> None:
        self.kind = kind
        self.store = store
        self.handlers = handlers
        self.make_context = make_context
        self.workers = workers
        self.tick_seconds = tick_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._watcher = JobWatcher(store, self.stopping) if kind == "first_time" else None
        self._name = f"{socket.gethostname()}:{kind}:{uuid_lib.uuid4().hex[:8]}"

    def _claim(self, owner: str, uuid: str | None) -> dict[str, Any] | None:
        with self.store.write() as conn:
            now = db_now(conn)
            if self.kind == "retry":
                return jobs_repo.claim_retry(conn, owner, now, self.lease)
            return jobs_repo.claim_first_time(conn, owner, now, self.lease, uuid)

    def run_one(self, owner: str | None = None, *, uuid: str | None = None) -> bool:
        """Claim and run one job (the given open one, if ``uuid``); False when none was due."""
        owner = owner or f"{self._name}:0"
        job = self._claim(owner, uuid)
        if job is None:
            return False
        if self.stopping.is_set():  # claimed but not started: put it back
            self._finish(job, owner, jobs_repo.OPEN)
            return True
        self._execute(job, owner)
        return True

    def _finish(
        self,
        job: dict[str, Any],
        owner: str,
        status: str,
        *,
        retry_in: timedelta | None = None,
        **values: Any,
    ) -> None:
        with self.store.write() as conn:
            now = db_now(conn)
            if retry_in is not None:
                values["run_after"] = now + retry_in
            jobs_repo.finish(conn, job["uuid"], owner, status, now, **values)

    def _execute(self, job: dict[str, Any], owner: str) -> None:
        with self.store.write() as conn:
            jobs_repo.update_owned(
                conn, job["uuid"], owner, status=jobs_repo.PROCESSING, updated_at=db_now(conn)
            )
        ctx = self.make_context(job, owner, self.stopping)
        beat_stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(ctx, beat_stop))
        beat.start()
        try:
            handler = self.handlers.get(job["job_type"])
            if handler is None:
                raise InvalidJobType(f"unknown job_type {job['job_type']!r}")
            response = handler(ctx)
        except Interrupted:
            log.info("job %s interrupted; back to open with its progress", job["uuid"])
            self._finish(job, owner, jobs_repo.OPEN, job_response=ctx.response)
        except LeaseLost:
            log.warning("job %s: lease lost to another runner", job["uuid"])
        except Exception as exc:  # any handler failure fails the job, with its reason
            self._fail(ctx, owner, exc)
        else:
            self._finish(job, owner, jobs_repo.COMPLETED, job_response=response)
        finally:
            beat_stop.set()
            beat.join()

    def _fail(self, ctx: JobContext, owner: str, exc: BaseException) -> None:
        log.warning("job %s failed: %s", ctx.uuid, _error_text(exc))
        response = ctx.response
        response["runtime_errors"] = [*response.get("runtime_errors", []), _error_text(exc)]
        retry_in = timedelta(seconds=int(ctx.job["retry_interval"]))
        self._finish(ctx.job, owner, jobs_repo.FAILED, job_response=response, retry_in=retry_in)

    def _heartbeat(self, ctx: JobContext, done: threading.Event) -> None:
        """Renew the lease; a failed renewal is retried at the next beat, a lost lease stops
        the handler at its next batch (another runner owns the job now)."""
        interval = self.lease.total_seconds() / 3
        while not done.wait(interval):
            try:
                with self.store.write() as conn:
                    now = db_now(conn)
                    held = jobs_repo.update_owned(
                        conn, ctx.uuid, ctx.owner, lease_expires_at=now + self.lease
                    )
            except Exception:  # the store hiccuped: keep beating
                log.exception("heartbeat of job %s failed", ctx.uuid)
                continue
            if not held:
                ctx.lease_lost.set()
                return

    def _work(self, number: int) -> None:
        owner = f"{self._name}:{number}"
        bell = self.store.job_bell
        while not self.stopping.is_set():
            seen = bell.generation
            try:
                ran = self.run_one(owner)
            except Exception:  # the store failed: log, wait a tick, go on
                log.exception("%s runner pass failed", self.kind)
                ran = False
            if not ran and self.kind == "first_time":
                bell.wait(seen, self.tick_seconds)
            elif not ran:
                self.stopping.wait(self.tick_seconds)

    def start(self) -> None:
        if self._watcher is not None:
            self._watcher.start()
        for number in range(self.workers):
            thread = threading.Thread(
                target=in_background(self._work), args=(number,), name=f"{self.kind}-{number}"
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        self.store.job_bell.ring()  # idle first_time workers wait on the bell, not on stopping
        for thread in self._threads:
            thread.join(timeout)
        if self._watcher is not None:
            self._watcher.join(timeout)
