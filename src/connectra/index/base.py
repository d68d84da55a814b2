"""The index protocol every engine implements (tantivy, Elasticsearch/OpenSearch, in-memory)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from connectra.model.fields import Entity
from connectra.vql.ast import Page, Query, SortKey, SortValue

Document = Mapping[str, Any]


def write_version() -> int:
    """The version of documents about to be read from the store: wall-clock microseconds.

    Taken *before* the rows are read, so a document read later carries a larger version; an
    engine that keeps versions lets a write replace a document only with a larger one, and a
    late, stale write can never overwrite a newer document.
    """
    return time.time_ns() // 1000


@dataclass(frozen=True, slots=True)
class Hit:
    uuid: str
    sort_values: tuple[SortValue, ...]  # one per sort key; empty when unsorted


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[Hit]
    total: int | None  # exact, when asked for


@dataclass(frozen=True, slots=True)
class TermCount:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class Stamp:
    """A document's uuid and the ``updated_at`` of the row it was built from (epoch
    microseconds; None for a document written before the index kept it)."""

    uuid: str
    updated_at: int | None


class SearchIndex(Protocol):
    """A derived, rebuildable index of entity documents (see :mod:`connectra.index.documents`)."""

    def apply(
        self,
        entity: Entity,
        upserts: Sequence[Document],
        deletes: Sequence[str],
        *,
        version: int | None = None,
    ) -> None:
        """Add or replace ``upserts`` (by uuid) and remove ``deletes``: one commit per call.

        ``version`` (see :func:`write_version`) lets an engine that keeps versions ignore a
        change older than what it holds; engines with a single writer may ignore it.
        """

    def rebuild(self, entity: Entity, batches: Iterable[Sequence[Document]]) -> int:
        """Replace every document of the entity with ``batches``; returns how many were written.

        ``batches`` reads the store lazily, one batch per step. An engine that can builds the new
        documents beside the old ones and swaps them atomically, so searches never see a partial
        index; changes applied meanwhile must not be lost.
        """

    def search(
        self,
        entity: Entity,
        query: Query,
        sort: Sequence[SortKey],
        page: Page,
        *,
        with_total: bool = False,
    ) -> SearchResult:
        """One page of hits; sorted results break ties by uuid ascending."""

    def count(self, entity: Entity, query: Query) -> int:
        """The exact number of matching documents."""

    def terms(
        self, entity: Entity, field: str, *, query: Query, contains: str = "", limit: int = 25
    ) -> list[TermCount]:
        """Values of a keyword field among matching documents, with document counts, most
        frequent first (ties by value); ``contains`` filters values case-insensitively."""

    def stamps(self, entity: Entity, *, after: str | None, limit: int) -> list[Stamp]:
        """Up to ``limit`` documents whose uuid sorts after ``after`` (from the first when
        None), in uuid order (code points): a walk over the whole index in bounded memory."""

    def drop(self, entity: Entity) -> None:
        """Remove every document of the entity (before a rebuild)."""

    def close(self) -> None:
        """Release files and connections."""


def rebuild_in_place(
    index: SearchIndex, entity: Entity, batches: Iterable[Sequence[Document]]
) -> int:
    """``rebuild`` for an embedded engine: drop, then add batch by batch (not atomic)."""
    index.drop(entity)
    written = 0
    for batch in batches:
        index.apply(entity, batch, [])
        written += len(batch)
    return written
