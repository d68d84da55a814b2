"""The :class:`~connectra.index.base.SearchIndex` on tantivy: writes, and the read entry points."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from connectra.errors import IndexOutdated, SearchEngineError
from connectra.index.base import Document, Hit, SearchResult, Stamp, TermCount
from connectra.index.documents import UPDATED_AT
from connectra.index.tantivy.compile import Compiler
from connectra.index.tantivy.directory import EntityIndex
from connectra.index.tantivy.encode import encode_json
from connectra.index.tantivy.hits import read_integers, read_uuids
from connectra.index.tantivy.queries import count
from connectra.index.tantivy.schema import tantivy_fields
from connectra.index.tantivy.sort import UUID_KEY, Sorter
from connectra.model.fields import ENTITIES, Entity
from connectra.model.text import lower
from connectra.vql.ast import AnyOf, Page, Query, SortKey, Text


@contextmanager
def translated(what: str) -> Iterator[None]:
    """tantivy's errors (ValueError, OSError...) as a SearchEngineError, at the adapter's edge."""
    try:
        yield
    except (ValueError, RuntimeError, OSError) as exc:
        raise SearchEngineError(f"tantivy {what} failed: {exc}") from exc


class TantivyIndex:
    """The :class:`~connectra.index.base.SearchIndex` on tantivy, one directory per entity."""

    def __init__(self, root: Path | str, *, writer_heap: int = 128_000_000) -> None:
        self.root = Path(root)
        self._writer_heap = writer_heap
        self._indexes: dict[str, EntityIndex] = {}
        self._lock = threading.Lock()
        # Opened (created, when new) now: processes that start reading it later never race
        # each other to create a directory. An outdated one fails at its first use instead,
        # where the writer's start rebuilds it (workers.indexer.rebuild_outdated).
        for entity in ENTITIES.values():
            with contextlib.suppress(IndexOutdated):
                self._of(entity)

    def _of(self, entity: Entity) -> EntityIndex:
        with self._lock:
            found = self._indexes.get(entity.name)
            if found is None:
                found = EntityIndex(
                    entity, self.root / entity.plural, writer_heap=self._writer_heap
                )
                self._indexes[entity.name] = found
            return found

    # -- writes ---------------------------------------------------------------------------

    def apply(
        self,
        entity: Entity,
        upserts: Sequence[Document],
        deletes: Sequence[str],
        *,
        version: int | None = None,  # one writer at a time: nothing can arrive out of order
    ) -> None:
        index = self._of(entity)
        with translated("write"), index.lock:
            writer = index.writer()
            for uuid in [*deletes, *(doc["uuid"] for doc in upserts)]:
                writer.delete_documents_by_term("uuid", uuid)
            _add(writer, index, upserts)
            writer.commit()
            index.index.reload()

    def rebuild(self, entity: Entity, batches: Iterable[Sequence[Document]]) -> int:
        """Replace every document in one commit: the old documents stay searchable (this
        process and any other reader of the directory) until the new ones are all in, and a
        failure part-way leaves the old index as it was. Changes applied meanwhile wait for
        the lock and land after the rebuild's commit, so none is lost."""
        index = self._of(entity)
        written = 0
        with index.lock:
            writer = index.bulk_writer()
            try:
                writer.delete_all_documents()
                for batch in batches:
                    _add(writer, index, batch)
                    written += len(batch)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                index.close_writer()
        index.index.reload()
        return written

    def drop(self, entity: Entity) -> None:
        index = self._of(entity)
        with translated("drop"), index.lock:
            writer = index.writer()
            writer.delete_all_documents()
            writer.commit()
            index.index.reload()

    def discard(self, entity: Entity) -> None:
        """Delete an entity's directory that cannot be opened (``IndexOutdated``), so that a
        rebuild starts afresh."""
        with self._lock:
            if entity.name in self._indexes:
                raise ValueError(f"the {entity.plural} index is open: it is not outdated")
            shutil.rmtree(self.root / entity.plural, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            for index in self._indexes.values():
                index.close()
            self._indexes.clear()

    # -- reads ----------------------------------------------------------------------------

    def count(self, entity: Entity, query: Query) -> int:
        index = self._of(entity)
        with translated("count"):
            searcher = index.searcher()
            return _count(searcher, Compiler(index, searcher).query(query), query)

    def search(
        self,
        entity: Entity,
        query: Query,
        sort: Sequence[SortKey],
        page: Page,
        *,
        with_total: bool = False,
    ) -> SearchResult:
        with translated("search"):
            return self._search(entity, query, sort, page, with_total=with_total)

    def _search(
        self,
        entity: Entity,
        query: Query,
        sort: Sequence[SortKey],
        page: Page,
        *,
        with_total: bool = False,
    ) -> SearchResult:
        index = self._of(entity)
        searcher = index.searcher()
        compiled = Compiler(index, searcher).query(query)
        if not sort:
            if with_total or page.offset or _scored(query):
                return _relevance_page(searcher, compiled, page, with_total)
            # Filters only (no relevance to rank by): uuid order, which seeks in windows of
            # uuids and stops once the page is full instead of visiting every match.
            seek = Sorter(index, searcher, [UUID_KEY]).first(compiled, page.offset + page.limit)
            return SearchResult([Hit(str(row[-1]), ()) for row in seek[page.offset :]], None)
        # The uuid breaks ties; once it is a sort key (unique), nothing after it can tie.
        keys = [*sort] if any(key.field == "uuid" for key in sort) else [*sort, UUID_KEY]
        sorter = Sorter(index, searcher, keys)
        total = None
        if page.after is not None:
            total = _count(searcher, compiled, query) if with_total else None
            ranked = sorter.after(compiled, page.after, page.limit)
        elif with_total:
            ranked, total = sorter.top(compiled, page.offset + page.limit, count=True)
            ranked = ranked[page.offset :]
        else:
            ranked = sorter.first(compiled, page.offset + page.limit)[page.offset :]
        hits = [Hit(str(values[-1]), values[: len(sort)]) for values in ranked]
        return SearchResult(hits, total)

    def stamps(self, entity: Entity, *, after: str | None, limit: int) -> list[Stamp]:
        index = self._of(entity)
        searcher = index.searcher()
        everything = tantivy.Query.all_query()
        sorter = Sorter(index, searcher, [UUID_KEY])
        rows = (
            sorter.first(everything, limit)
            if after is None
            else sorter.after(everything, (after,), limit)
        )
        uuids = [str(row[-1]) for row in rows]
        if not uuids:
            return []
        # The page's documents again, by uuid, for their updated_at fast field.
        found = searcher.search(
            tantivy.Query.term_set_query(index.schema, "uuid", uuids), limit=len(uuids)
        )
        addresses = [address for _, address in found.hits]
        updated = dict(
            zip(
                read_uuids(searcher, addresses),
                read_integers(searcher, UPDATED_AT, addresses),
                strict=True,
            )
        )
        return [Stamp(uuid, _micros(updated.get(uuid))) for uuid in uuids]

    def terms(
        self, entity: Entity, field: str, *, query: Query, contains: str = "", limit: int = 25
    ) -> list[TermCount]:
        index = self._of(entity)
        searcher = index.searcher()
        compiled = Compiler(index, searcher).query(query)
        needle = lower(contains)
        with translated("terms"):
            counted = [
                (value, n)
                for value, n in searcher.terms_with_prefix(field, "", filter_query=compiled)
                if n and needle in value
            ]
        counted.sort(key=lambda item: (-item[1], item[0]))
        return [TermCount(value, n) for value, n in counted[:limit]]


def _add(writer: Any, index: EntityIndex, documents: Sequence[Document]) -> None:
    """Add documents through tantivy's JSON parser (Document.from_dict for the rare one that
    JSON cannot carry)."""
    for doc, text in zip(documents, encode_json(index.entity, documents), strict=True):
        if text is None:
            writer.add_document(
                tantivy.Document.from_dict(tantivy_fields(index.entity, doc), index.schema)
            )
        else:
            writer.add_json(text)


def _count(searcher: Any, compiled: Any, query: Query) -> int:
    """The number of matches; for a query matching everything, the segments' own count of live
    documents (what the all-query would count, without a pass over a million of them)."""
    return int(searcher.num_docs) if query.matches_all else count(searcher, compiled)


def _relevance_page(searcher: Any, query: Any, page: Page, with_total: bool) -> SearchResult:
    """Score order; the total comes from the same pass over the matches."""
    result = searcher.search(query, limit=page.limit, count=with_total, offset=page.offset)
    uuids = read_uuids(searcher, [address for _, address in result.hits])
    hits = [Hit(uuid, ()) for uuid in uuids]
    return SearchResult(hits, int(result.count) if with_total else None)


def _micros(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _scored(query: Query) -> bool:
    """Whether a text condition ranks the matches (keyword and range filters do not)."""
    return any(isinstance(node, Text | AnyOf) for node in query.must)
