"""One entity's tantivy directory: opening it, its tokenizers, its single writer, its searcher."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import tantivy

from connectra.errors import IndexOutdated, SearchEngineError
from connectra.index.tantivy.schema import NGRAM_TOKENIZER, build_schema
from connectra.model.fields import Entity

BULK_WRITER_THREADS = 4  # indexing threads of a rebuild's writer (at most one per core)
BULK_HEAP_FACTOR = 4  # a rebuild's writer heap, as a multiple of the ordinary one's
META_FILE = "meta.json"  # rewritten (atomically, by rename) on every commit
REOPEN_AFTER_RELOADS = 500  # see EntityIndex._follow_commits


class EntityIndex:
    """One tantivy index (directory, schema, writer) for one entity.

    Tokenizers are not persisted by tantivy, so they are registered after every open. Any
    number of processes may read the directory while one writes it: each reader follows the
    writer's commits (see :meth:`searcher`).
    """

    def __init__(self, entity: Entity, path: Path, *, writer_heap: int) -> None:
        self.entity = entity
        self.schema = build_schema(entity)
        path.mkdir(parents=True, exist_ok=True)
        self._path = path
        self.index = self._open()
        self._meta = path / META_FILE
        self._seen_meta: tuple[int, int, int] | None = None
        self._reloads = 0
        self._writer_heap = writer_heap
        self._writer: Any = None
        self.lock = threading.Lock()
        self._following = threading.Lock()
        self._spreads: dict[str, tuple[int, tuple[int, int, int] | None]] = {}

    def _open(self) -> Any:
        try:
            index = tantivy.Index(self.schema, path=str(self._path), reuse=True)
        except ValueError as exc:
            if "schema does not match" in str(exc):
                raise IndexOutdated(
                    f"the tantivy index at {self._path} was written by another version of "
                    "Connectra (`connectra serve`, `connectra indexer` and `connectra reindex` "
                    "rebuild it from the store)"
                ) from exc
            raise SearchEngineError(
                f"cannot open the tantivy index at {self._path}: {exc}"
            ) from exc
        index.register_tokenizer(
            NGRAM_TOKENIZER,
            tantivy.TextAnalyzerBuilder(
                tantivy.Tokenizer.ngram(self.entity.min_gram, self.entity.max_gram, False)
            ).build(),
        )
        # Reloads are ours (see _follow_commits): tantivy's own watcher thread would reload on
        # every commit, searched or not, and poll meta.json twice a second.
        index.config_reader(reload_policy="manual", num_warmers=0)
        return index

    def writer(self) -> Any:
        """The writer of small, frequent commits: one thread, so one new segment a commit."""
        if self._writer is None:
            self._writer = self.index.writer(heap_size=self._writer_heap, num_threads=1)
        return self._writer

    def bulk_writer(self) -> Any:
        """A writer for a rebuild: several indexing threads and a larger heap (tantivy allows
        one writer a directory, so the ordinary one is closed first; the next ``writer()``
        opens it again). Release it with :meth:`close_writer`."""
        self.close_writer()
        threads = max(1, min(BULK_WRITER_THREADS, os.cpu_count() or 1))
        self._writer = self.index.writer(
            heap_size=self._writer_heap * BULK_HEAP_FACTOR, num_threads=threads
        )
        return self._writer

    def searcher(self) -> Any:
        self._follow_commits()
        return self.index.searcher()

    def _follow_commits(self) -> None:
        """Reload when ``meta.json`` changed since the last look: a commit, maybe by another
        process. A stat costs about a microsecond; a reload about 70, once per commit.

        Every ``REOPEN_AFTER_RELOADS`` reloads, a process that holds no writer opens the index
        afresh instead: tantivy's mmap directory remembers every file it ever opened and forgets
        one only when it deletes it itself, which a reader never does, so an API worker would
        grow by about 2 KB a commit for as long as it runs (searches under way keep the old
        index alive until they finish)."""
        try:
            found = os.stat(self._meta)
        except FileNotFoundError:
            return
        signature = (found.st_ino, found.st_mtime_ns, found.st_size)
        if signature == self._seen_meta:
            return
        with self._following:
            if signature == self._seen_meta:
                return  # another thread got here first
            self._reloads += 1
            if self._reloads >= REOPEN_AFTER_RELOADS and self._reopen():
                self._reloads = 0
            else:
                self.index.reload()
            self._seen_meta = signature

    def _reopen(self) -> bool:
        """A fresh index object, unless this process writes (its writer would go on with the
        old one; a writer's own deletes keep its directory's memory in check anyway)."""
        if not self.lock.acquire(blocking=False):
            return False
        try:
            if self._writer is not None:
                return False
            self.index = self._open()
            return True
        finally:
            self.lock.release()

    def value_spread(self, searcher: Any, field: str) -> tuple[int, int, int] | None:
        """The lowest and highest value of an integer fast field and the number of documents,
        or None when no document has a value. Only a hint for sizing seek windows (so it is
        cached until the document count changes; a stale value costs time, never results).
        """
        documents = int(searcher.num_docs)
        cached = self._spreads.get(field)
        if cached is not None and cached[0] == documents:
            return cached[1]
        spread = None
        if documents:
            everything = tantivy.Query.all_query()
            ends = [
                searcher.search(
                    everything, limit=1, count=False, order_by_field=field, order=order
                ).hits[0][0]
                for order in (tantivy.Order.Asc, tantivy.Order.Desc)
            ]
            if ends[0] is not None and ends[1] is not None:
                spread = (int(ends[0]), int(ends[1]), documents)
        self._spreads[field] = (documents, spread)
        return spread

    def close_writer(self) -> None:
        """Finish pending merges and let go of the directory's writer lock."""
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    def close(self) -> None:
        self.close_writer()
