"""One entity's tantivy directory: opening it, its tokenizers, its single writer, its searcher."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import tantivy

from connectra.errors import SearchEngineError
from connectra.index.tantivy.schema import NGRAM_TOKENIZER, build_schema
from connectra.model.fields import Entity


class EntityIndex:
    """One tantivy index (directory, schema, writer) for one entity.

    Tokenizers are not persisted by tantivy, so they are registered after every open.
    """

    def __init__(self, entity: Entity, path: Path, *, writer_heap: int) -> None:
        self.entity = entity
        self.schema = build_schema(entity)
        path.mkdir(parents=True, exist_ok=True)
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:
            raise SearchEngineError(f"cannot open the tantivy index at {path}: {exc}") from exc
        self.index.register_tokenizer(
            NGRAM_TOKENIZER,
            tantivy.TextAnalyzerBuilder(
                tantivy.Tokenizer.ngram(entity.min_gram, entity.max_gram, False)
            ).build(),
        )
        self.index.config_reader(reload_policy="commit", num_warmers=0)
        self._writer_heap = writer_heap
        self._writer: Any = None
        self.lock = threading.Lock()

    def writer(self) -> Any:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=self._writer_heap, num_threads=1)
        return self._writer

    def searcher(self) -> Any:
        return self.index.searcher()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None
