"""An in-memory index backed by the reference matcher: the fake for unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from connectra.index.base import Document, Hit, SearchResult, Stamp, TermCount, rebuild_in_place
from connectra.index.documents import UPDATED_AT
from connectra.model.fields import Entity
from connectra.vql import reference
from connectra.vql.ast import Page, Query, SortKey


class MemoryIndex:
    """Holds documents in dicts; every query is answered by :mod:`connectra.vql.reference`."""

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Document]] = {}

    def _of(self, entity: Entity) -> dict[str, Document]:
        return self._docs.setdefault(entity.name, {})

    def apply(
        self,
        entity: Entity,
        upserts: Sequence[Document],
        deletes: Sequence[str],
        *,
        version: int | None = None,  # one writer at a time: nothing can arrive out of order
    ) -> None:
        docs = self._of(entity)
        for uuid in deletes:
            docs.pop(uuid, None)
        for doc in upserts:
            docs[doc["uuid"]] = dict(doc)

    def search(
        self,
        entity: Entity,
        query: Query,
        sort: Sequence[SortKey],
        page: Page,
        *,
        with_total: bool = False,
    ) -> SearchResult:
        hits, total = reference.search(entity, self._of(entity).values(), query, sort, page)
        return SearchResult(
            hits=[Hit(uuid, values if sort else ()) for uuid, values in hits],
            total=total if with_total else None,
        )

    def count(self, entity: Entity, query: Query) -> int:
        return sum(1 for doc in self._of(entity).values() if reference.matches(query, entity, doc))

    def terms(
        self, entity: Entity, field: str, *, query: Query, contains: str = "", limit: int = 25
    ) -> list[TermCount]:
        counted = reference.terms(entity, self._of(entity).values(), field, query, contains, limit)
        return [TermCount(value, count) for value, count in counted]

    def stamps(self, entity: Entity, *, after: str | None, limit: int) -> list[Stamp]:
        docs = self._of(entity)
        later = sorted(uuid for uuid in docs if after is None or uuid > after)[:limit]
        return [Stamp(uuid, docs[uuid].get(UPDATED_AT)) for uuid in later]

    def rebuild(self, entity: Entity, batches: Iterable[Sequence[Document]]) -> int:
        return rebuild_in_place(self, entity, batches)

    def drop(self, entity: Entity) -> None:
        self._of(entity).clear()

    def close(self) -> None:
        self._docs.clear()
