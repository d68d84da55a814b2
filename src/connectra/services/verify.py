"""Store ↔ index verification: one merge walk over both sides in uuid order, and its repair.

Both sides are read in pages of uuids (keyset paging in the store, ``SearchIndex.stamps`` in the
index), so memory stays bounded at any size. A live row without a document is *missing*, a
document without a live row is *extra*, a document built from another ``updated_at`` than the
row's is *stale*. Repair enqueues exactly those uuids to the index outbox: the indexer then
writes the row's current document, or deletes the document when there is no live row. Writes
made while the walk runs may show up as differences (their outbox entries are in flight);
repairing them only applies them once more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from connectra.errors import ConfigurationError
from connectra.index.base import SearchIndex, Stamp
from connectra.limits import VERIFY_PAGE_SIZE
from connectra.model.fields import Entity
from connectra.model.timestamps import epoch_micros
from connectra.store import entities, outbox
from connectra.store.database import Store


@dataclass
class Report:
    entity: Entity
    rows: int = 0  # live rows walked in the store
    documents: int = 0  # documents walked in the index
    missing: int = 0
    extra: int = 0
    stale: int = 0
    queued: int = 0  # outbox entries written by the repair

    @property
    def differences(self) -> int:
        return self.missing + self.extra + self.stale


def _store_stamps(store: Store, entity: Entity, page: int) -> Iterator[list[Stamp]]:
    after: str | None = None
    while True:
        with store.read() as conn:  # one short transaction per page
            rows = entities.live_stamps(conn, entity, after, page)
        if not rows:
            return
        yield [Stamp(uuid, epoch_micros(updated)) for uuid, updated in rows]
        after = rows[-1][0]


def _index_stamps(index: SearchIndex, entity: Entity, page: int) -> Iterator[list[Stamp]]:
    after: str | None = None
    while stamps := index.stamps(entity, after=after, limit=page):
        yield stamps
        after = stamps[-1].uuid


def _ordered(pages: Iterable[list[Stamp]], side: str) -> Iterator[Stamp]:
    """The stamps one by one, checking the order the merge relies on."""
    previous: str | None = None
    for page in pages:
        for stamp in page:
            if previous is not None and stamp.uuid <= previous:
                raise ConfigurationError(
                    f"the {side} returned uuid {stamp.uuid!r} after {previous!r}: it does not "
                    "order uuids by code point (a PostgreSQL collation other than C?)"
                )
            previous = stamp.uuid
            yield stamp


class _Walk:
    """The merge of the two sorted streams; differences are queued in pages when repairing."""

    def __init__(self, store: Store, report: Report, *, repair: bool, page: int) -> None:
        self.store = store
        self.report = report
        self.repair = repair
        self.page = page
        self.pending: list[str] = []

    def differs(self, uuid: str) -> None:
        if self.repair:
            self.pending.append(uuid)
            if len(self.pending) >= self.page:
                self.flush()

    def flush(self) -> None:
        if self.pending:
            with self.store.write() as conn:
                self.report.queued += outbox.enqueue(conn, self.report.entity.name, self.pending)
            self.pending = []


def _step(row: Stamp | None, document: Stamp | None) -> tuple[bool, bool, str | None]:
    """At the heads of the two streams: advance the row?, the document?, and the difference."""
    if document is None or (row is not None and row.uuid < document.uuid):
        return True, False, "missing"
    if row is None or document.uuid < row.uuid:
        return False, True, "extra"
    return True, True, "stale" if document.updated_at != row.updated_at else None


def verify(
    store: Store,
    index: SearchIndex,
    entity: Entity,
    *,
    repair: bool = False,
    page: int = VERIFY_PAGE_SIZE,
    progress: Callable[[Report], None] = lambda _report: None,
) -> Report:
    """Compare the entity's live rows with its documents (see the module docstring);
    ``progress`` is called after every page of store rows and once at the end."""
    report = Report(entity)
    walk = _Walk(store, report, repair=repair, page=page)
    rows = _ordered(_store_stamps(store, entity, page), "store")
    documents = _ordered(_index_stamps(index, entity, page), "index")
    row, document = next(rows, None), next(documents, None)
    while row is not None or document is not None:
        take_row, take_document, difference = _step(row, document)
        if difference is not None:
            setattr(report, difference, getattr(report, difference) + 1)
            head = row if take_row else document
            assert head is not None
            walk.differs(head.uuid)
        if take_row:
            report.rows += 1
            row = next(rows, None)
            if report.rows % page == 0:
                progress(report)
        if take_document:
            report.documents += 1
            document = next(documents, None)
    walk.flush()
    if report.rows % page or not report.rows:  # else the last page just reported it
        progress(report)
    return report
