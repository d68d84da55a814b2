"""The index protocol every engine implements (tantivy, Elasticsearch/OpenSearch, in-memory)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from connectra.model.fields import Entity
from connectra.vql.ast import Page, Query, SortKey, SortValue

Document = Mapping[str, Any]


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


class SearchIndex(Protocol):
    """A derived, rebuildable index of entity documents (see :mod:`connectra.index.documents`)."""

    def apply(self, entity: Entity, upserts: Sequence[Document], deletes: Sequence[str]) -> None:
        """Add or replace ``upserts`` (by uuid) and remove ``deletes``: one commit per call."""

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

    def drop(self, entity: Entity) -> None:
        """Remove every document of the entity (before a rebuild)."""

    def close(self) -> None:
        """Release files and connections."""
