"""Keeping the search index in step with the store: outbox batches, reindex, the indexer loop."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from connectra.errors import IndexOutdated
from connectra.index.base import SearchIndex, write_version
from connectra.index.documents import build_documents
from connectra.index.tantivy import TantivyIndex
from connectra.instruments import instruments
from connectra.model.fields import COMPANY, CONTACT, ENTITIES, Entity
from connectra.store import entities, outbox
from connectra.store.clock import db_now
from connectra.store.database import Store
from connectra.vql.ast import Query
from connectra.workers.background import in_background

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Changes:
    """Documents to write and uuids to remove, per entity."""

    upserts: dict[str, list[dict[str, Any]]]
    deletes: dict[str, list[str]]
    version: int  # taken before the rows were read (see connectra.index.base.write_version)


def _company_rows(conn: sa.Connection, contacts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    ids = [row["company_id"] for row in contacts if row.get("company_id")]
    # A soft-deleted company still lends its fields: deleting a company leaves its contacts be.
    return entities.fetch_by_uuids(conn, COMPANY, ids, include_deleted=True)


def documents(
    conn: sa.Connection, entity: Entity, rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Index documents of live rows (contacts carry their company's copies)."""
    companies = _company_rows(conn, rows) if entity.rules.parent else {}
    return build_documents(entity, rows, companies)


def collect_changes(conn: sa.Connection, entries: Sequence[outbox.Entry]) -> Changes:
    """Read the current rows behind outbox entries; a company entry also re-indexes the
    ``company_*`` copies of its contacts."""
    version = write_version()
    wanted: dict[str, set[str]] = {COMPANY.name: set(), CONTACT.name: set()}
    for entry in entries:
        wanted[entry.entity].add(entry.uuid)
    wanted[CONTACT.name].update(
        entities.contact_uuids_of_companies(conn, sorted(wanted[COMPANY.name]))
    )
    changes = Changes(upserts={}, deletes={}, version=version)
    for entity in (COMPANY, CONTACT):
        uuids = sorted(wanted[entity.name])
        live = entities.fetch_by_uuids(conn, entity, uuids)
        changes.upserts[entity.name] = documents(conn, entity, list(live.values()))
        changes.deletes[entity.name] = [uuid for uuid in uuids if uuid not in live]
    return changes


def apply_changes(index: SearchIndex, changes: Changes) -> None:
    for entity in (COMPANY, CONTACT):
        upserts, deletes = changes.upserts[entity.name], changes.deletes[entity.name]
        if upserts or deletes:
            index.apply(entity, upserts, deletes, version=changes.version)


def _live_documents(store: Store, entity: Entity, batch: int) -> Iterator[list[dict[str, Any]]]:
    with store.read() as conn:
        for rows in entities.iter_live(conn, entity, batch):
            yield documents(conn, entity, rows)


def reindex(store: Store, index: SearchIndex, entity: Entity, batch: int = 10_000) -> int:
    """Rebuild one entity's index from the store; returns the number of documents written."""
    return index.rebuild(entity, _live_documents(store, entity, batch))


def discard_outdated(index: SearchIndex, entity: Entity) -> bool:
    """Delete an embedded entity index written with another schema (it cannot be opened);
    whether there was one."""
    if not isinstance(index, TantivyIndex):
        return False
    try:
        index.count(entity, Query())
    except IndexOutdated as exc:
        log.warning("%s: rebuilding %s from the store", exc, entity.plural)
        index.discard(entity)
        return True
    return False


def rebuild_outdated(store: Store, index: SearchIndex) -> list[tuple[Entity, int]]:
    """At the index writer's start: rebuild every outdated embedded entity index from the store
    (searches on it would fail until then anyway); the rebuilt ones and their documents."""
    return [
        (entity, reindex(store, index, entity))
        for entity in ENTITIES.values()
        if discard_outdated(index, entity)
    ]


def outbox_lag(store: Store, last_error: str | None) -> dict[str, Any]:
    """Pending entries and the age of the oldest one, for /health and the log."""
    with store.read() as conn:
        state = outbox.lag(conn)
        now = db_now(conn)
    age = (now - state.oldest).total_seconds() if state.oldest else 0.0
    return {"pending": state.pending, "oldest_age_seconds": round(max(age, 0.0), 3),
            "last_error": last_error}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Status:
    """What an indexer process tells the API processes beside it (see ``status_file``)."""

    last_error: str | None = None
    caught_up: bool = False


def read_status(path: Path) -> Status:
    """The state an indexer process last recorded in ``path`` (the initial one when absent)."""
    try:
        return Status(**orjson.loads(path.read_bytes()))
    except (FileNotFoundError, orjson.JSONDecodeError):
        return Status()


def _write_status(path: Path, status: Status) -> None:
    partial = path.with_name(path.name + ".tmp")
    partial.write_bytes(orjson.dumps(asdict(status)))
    partial.replace(path)  # readers see the old state or the new one, never a torn one


class Indexer:
    """Drains the outbox into the index: one index commit per batch, failed batches retried
    with exponential backoff, entries removed only once applied (nothing is ever dropped).

    With ``status_file``, its last error is also kept there for the API processes that report
    it (see :class:`connectra.workers.link.RemoteIndexer`).
    """

    def __init__(
        self,
        store: Store,
        index: SearchIndex,
        *,
        batch_size: int = 10_000,  # entries per index commit: a commit costs far more than
        # a document, so a backlog (a bulk import) drains in few commits; small writes still
        # commit at once, as there is nothing to wait for
        idle_seconds: float = 0.2,
        gather_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        status_file: Path | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.gather_seconds = gather_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._wake = threading.Event()
        self._urgent = threading.Event()  # an interactive write: stop gathering
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None
        self._caught_up = threading.Event()
        self.status_file = status_file
        self._publish()

    def caught_up(self) -> bool:
        """Whether the index has caught up with the store since this indexer started (a pass
        found nothing due and the last batch succeeded); /health says ``starting`` until then."""
        return self._caught_up.is_set()

    def wake(self, *, urgent: bool = True) -> None:
        """Called after a write commits, so that it becomes searchable without a poll delay;
        a bulk import's batches (not ``urgent``) let the indexer gather them into one commit."""
        self._wake.set()
        if urgent:
            self._urgent.set()

    def run_once(self) -> int:
        """Apply one batch of due entries; returns how many entries were handled."""
        with self.store.read() as conn:
            batch = outbox.due(conn, db_now(conn), self.batch_size)
        if not batch:
            return 0
        if batch[0].priority == outbox.Priority.INTERACTIVE:
            # Writes someone waits to see go alone: a small commit, visible at once.
            batch = [entry for entry in batch if entry.priority == outbox.Priority.INTERACTIVE]
        # Entries that failed before come back in ever smaller batches, so one entry the
        # index keeps refusing is soon alone and holds nothing else back.
        batch = batch[: max(1, self.batch_size >> batch[0].attempts)]
        ids = [entry.id for entry in batch]
        meters = instruments()
        started = time.perf_counter()
        try:
            with self.store.read() as conn:
                changes = collect_changes(conn, batch)
            apply_changes(self.index, changes)
        except Exception as exc:  # any failure: keep the entries and try again later
            meters.indexer_batch_seconds.labels("failed").observe(time.perf_counter() - started)
            meters.indexer_failures.inc()
            self._record(type(exc).__name__)
            attempts = max(entry.attempts for entry in batch)
            delay = self._backoff(attempts)
            log.warning("index batch of %d failed (%r); retrying in %.1fs", len(ids), exc, delay)
            with self.store.write() as conn:
                outbox.postpone(conn, ids, db_now(conn), timedelta(seconds=delay), str(exc))
            return len(ids)
        self._record(None)
        with self.store.write() as conn:
            outbox.remove(conn, ids)
        meters.indexer_batch_seconds.labels("applied").observe(time.perf_counter() - started)
        meters.indexer_entries.inc(len(ids))
        return len(ids)

    def _record(self, error: str | None) -> None:
        if error != self.last_error:
            self.last_error = error
            self._publish()

    def _publish(self) -> None:
        if self.status_file is not None:
            _write_status(self.status_file, Status(self.last_error, self.caught_up()))

    def _backoff(self, attempts: int) -> float:
        base = min(self.max_backoff_seconds, 0.25 * 2**attempts)
        return float(base * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security

    def drain(self) -> int:
        """Apply everything due now (tests and the CLI use this)."""
        total = 0
        while handled := self.run_once():
            total += handled
        return total

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # the store itself failed: log, wait, go on
                log.exception("indexer pass failed")
                handled = 0
            if not handled:
                if self.last_error is None and not self.caught_up():
                    self._caught_up.set()
                    self._publish()
                self._wake.wait(self.idle_seconds)
                self._wake.clear()
            elif handled < self.batch_size:
                # After a partial batch, let writes gather before the next commit: a running
                # import then lands in a few large commits instead of one per import batch,
                # while the first write after a quiet spell is still applied at once, and an
                # interactive write (an urgent wake) ends the gathering.
                self._urgent.wait(self.gather_seconds)
                self._urgent.clear()

    def start(self) -> None:
        self._thread = threading.Thread(
            target=in_background(self.run_forever), name="indexer", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._urgent.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def lag(self) -> dict[str, Any]:
        return outbox_lag(self.store, self.last_error)
