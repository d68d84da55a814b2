"""Health of the parts: store, index and the indexer's lag (``GET /health``), and the state
``/metrics`` reports (row and document counts, outbox lag, jobs)."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from connectra.errors import ConnectraError
from connectra.index.base import SearchIndex
from connectra.model.fields import ENTITIES
from connectra.store import entities, outbox
from connectra.store import jobs as jobs_repo
from connectra.store.database import Store
from connectra.vql.ast import Query

# Counting live rows scans the table (a second at 10M rows on PostgreSQL): a health probe or a
# scrape every few seconds reuses a count this recent.
STORE_COUNT_TTL_SECONDS = 10.0


class Lagging(Protocol):
    """What /health asks the indexer (a worker, so not imported here)."""

    def lag(self) -> dict[str, Any]: ...

    def caught_up(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OutboxState:
    pending: int
    oldest_age_seconds: float


class _CountCache:
    """Live row counts per store, recomputed at most once per TTL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: weakref.WeakKeyDictionary[Store, tuple[float, dict[str, int]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, store: Store) -> dict[str, int]:
        with self._lock:
            held = self._held.get(store)
        if held is not None and time.monotonic() - held[0] < STORE_COUNT_TTL_SECONDS:
            return held[1]
        with store.read() as conn:
            counted = {e.plural: entities.count_live(conn, e) for e in ENTITIES.values()}
        with self._lock:
            self._held[store] = (time.monotonic(), counted)
        return counted


_store_counts = _CountCache()


def store_counts(store: Store) -> dict[str, int]:
    """Live rows per entity (plural names), at most ``STORE_COUNT_TTL_SECONDS`` old."""
    return _store_counts.get(store)


def index_counts(index: SearchIndex) -> dict[str, int]:
    """Documents per entity (plural names); raises what the engine raises."""
    return {e.plural: index.count(e, Query()) for e in ENTITIES.values()}


def outbox_state(store: Store) -> OutboxState:
    with store.read() as conn:
        lag = outbox.lag(conn)
    age = (datetime.now(UTC) - lag.oldest).total_seconds() if lag.oldest else 0.0
    return OutboxState(lag.pending, max(age, 0.0))


def job_counts(store: Store) -> list[tuple[str, str, int]]:
    """(job_type, status, jobs) for every pair that has jobs."""
    with store.read() as conn:
        return jobs_repo.counts(conn)


def _index(index: SearchIndex) -> dict[str, Any]:
    try:
        documents = index_counts(index)
    except Exception as exc:  # report, never fail the health answer itself
        failed: dict[str, Any] = {"ok": False, "engine": type(index).__name__}
        failed["error"] = type(exc).__name__
        if isinstance(exc, ConnectraError):  # our own messages only: /health is public
            failed["reason"] = str(exc)
        return failed
    return {"ok": True, "engine": type(index).__name__, "documents": documents}


def _side_by_side(store: Store, index: dict[str, Any]) -> dict[str, Any]:
    """Per entity: live rows in the store and documents in the index (``null`` when unknown)."""
    try:
        stored: dict[str, int | None] = dict(store_counts(store))
    except sa.exc.SQLAlchemyError:
        stored = {}
    documents = index.get("documents", {})
    return {
        e.plural: {"store": stored.get(e.plural), "index": documents.get(e.plural)}
        for e in ENTITIES.values()
    }


def report(
    store: Store, index: SearchIndex, indexer: Lagging | None
) -> tuple[bool, dict[str, Any]]:
    """(ready to serve, the body): ``status`` is ``degraded`` when the store or the index fails,
    ``starting`` while the in-process indexer has not yet caught up with the store since the
    start (a search could miss stored rows), else ``ok``."""
    body: dict[str, Any] = {"store": store.ping(), "index": _index(index)}
    body["counts"] = _side_by_side(store, body["index"]) if body["store"]["ok"] else {}
    starting = False
    if indexer is not None:
        starting = not indexer.caught_up()
        try:
            body["indexer"] = indexer.lag()
        except sa.exc.SQLAlchemyError as exc:
            body["indexer"] = {"ok": False, "error": type(exc).__name__}
    if not (body["store"]["ok"] and body["index"]["ok"]):
        return False, {"status": "degraded", **body}
    return not starting, {"status": "starting" if starting else "ok", **body}
