"""The embedded search index: one tantivy directory per entity.

How the contract's semantics map onto tantivy 0.27:

* Text is tokenised in Python (:func:`connectra.model.text.tokens`) and indexed with the
  ``whitespace`` tokenizer, so tantivy and the reference matcher see the same words. The
  ``<field>__ng`` sub-field holds one value per token through an n-gram tokenizer, so grams never
  cross words. Keyword fields hold lower-cased raw values.
* Sloppy phrases: tantivy's slop agrees with Lucene's for two distinct words; for longer phrases
  or repeated words with slop > 0 the candidates (documents holding every word) are verified in
  Python against the stored tokens. That path costs time in proportion to the candidates.
* Sorting: tantivy orders by one fast field at a time and has no string ranges. Each keyword
  sort key is therefore two physical keys: ``<field>__p8`` (its first 8 UTF-8 bytes as an
  order-preserving integer) and the string itself; ties are resolved by recursing on the next key
  with an equality filter, so a page costs one search per key level, and cursors become integer
  ranges plus a term set of the few strings that share the 8-byte prefix. The uuid is the final
  tie-break key. Missing values sort last in both directions.
* Traps handled: tokenizers are registered after every open; ``limit=0`` panics (never passed);
  a boolean query of only MustNot clauses matches nothing (an all-query is added).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from connectra.errors import SearchEngineError
from connectra.index.base import Document, Hit, SearchResult, TermCount, rebuild_in_place
from connectra.model.fields import Entity, FieldKind, IndexField
from connectra.model.text import auto_fuzziness, lower, ngrams, phrase_matches, tokens
from connectra.vql import reference
from connectra.vql.ast import (
    AnyOf,
    Clause,
    Node,
    Page,
    Query,
    Range,
    SortKey,
    SortValue,
    Terms,
    Text,
    TextMode,
)

_NGRAM_TOKENIZER = "connectra_ngram"
_UUID_KEY = SortKey("uuid", FieldKind.KEYWORD)
_Occur = tantivy.Occur


def prefix_code(text: str) -> int:
    """The first 8 UTF-8 bytes as a signed 64-bit integer that sorts like the string."""
    head = text.encode("utf-8")[:8].ljust(8, b"\0")
    return int.from_bytes(head, "big") - 2**63


@dataclass(frozen=True, slots=True)
class _Phys:
    """A physical sort key: a fast field tantivy can order by."""

    field: str
    is_string: bool
    descending: bool


def _sort_field(key: SortKey, field: IndexField) -> str:
    if field.multi:
        return f"{key.field}__{'max' if key.descending else 'min'}"
    return key.field


def _phys_keys(entity: Entity, key: SortKey) -> list[_Phys]:
    field = entity.index_field(key.field)
    assert field is not None
    name = _sort_field(key, field)
    if key.kind is FieldKind.KEYWORD:
        return [_Phys(f"{name}__p8", False, key.descending), _Phys(name, True, key.descending)]
    return [_Phys(name, False, key.descending)]


class _EntityIndex:
    """One tantivy index (directory, schema, writer) for one entity."""

    def __init__(self, entity: Entity, path: Path, *, writer_heap: int) -> None:
        self.entity = entity
        self.schema = _schema(entity)
        path.mkdir(parents=True, exist_ok=True)
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:
            raise SearchEngineError(f"cannot open the tantivy index at {path}: {exc}") from exc
        self.index.register_tokenizer(
            _NGRAM_TOKENIZER,
            tantivy.TextAnalyzerBuilder(
                tantivy.Tokenizer.ngram(entity.min_gram, entity.max_gram, False)
            ).build(),
        )
        self.index.config_reader(reload_policy="commit", num_warmers=0)
        self._writer_heap = writer_heap
        self._writer: Any = None
        self._lock = threading.Lock()

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


def _schema(entity: Entity) -> Any:
    builder = tantivy.SchemaBuilder()
    for field in entity.index_fields:
        if field.kind is FieldKind.TEXT:
            builder.add_text_field(field.name, stored=True, tokenizer_name="whitespace")
            if field.ngram:
                builder.add_text_field(
                    f"{field.name}__ng", tokenizer_name=_NGRAM_TOKENIZER, index_option="basic"
                )
        elif field.kind is FieldKind.KEYWORD:
            single = not field.multi
            builder.add_text_field(
                field.name, stored=single, fast=single, tokenizer_name="raw", index_option="basic"
            )
            for suffix in ("min", "max") if field.multi else ():
                builder.add_text_field(
                    f"{field.name}__{suffix}",
                    stored=True,
                    fast=True,
                    tokenizer_name="raw",
                    index_option="basic",
                )
            for name in _keyword_sort_fields(field):
                builder.add_integer_field(f"{name}__p8", indexed=True, fast=True)
        else:
            builder.add_integer_field(field.name, stored=True, indexed=True, fast=True)
    return builder.build()


def _keyword_sort_fields(field: IndexField) -> list[str]:
    return [f"{field.name}__min", f"{field.name}__max"] if field.multi else [field.name]


def _tantivy_document(entity: Entity, doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in entity.index_fields:
        value = doc.get(field.name)
        if value is None:
            continue
        if field.kind is FieldKind.TEXT:
            words = tokens(value)
            if words:
                out[field.name] = " ".join(words)
                if field.ngram:
                    out[f"{field.name}__ng"] = words
        elif field.kind is FieldKind.KEYWORD:
            values = value if isinstance(value, list) else [value]
            out[field.name] = values
            if field.multi:
                out[f"{field.name}__min"], out[f"{field.name}__max"] = min(values), max(values)
            for name in _keyword_sort_fields(field):
                out[f"{name}__p8"] = prefix_code(out[name] if field.multi else values[0])
        else:
            out[field.name] = value
    return out


class TantivyIndex:
    """The :class:`~connectra.index.base.SearchIndex` on tantivy, one directory per entity."""

    def __init__(self, root: Path | str, *, writer_heap: int = 128_000_000) -> None:
        self.root = Path(root)
        self._writer_heap = writer_heap
        self._indexes: dict[str, _EntityIndex] = {}
        self._lock = threading.Lock()

    def _of(self, entity: Entity) -> _EntityIndex:
        with self._lock:
            found = self._indexes.get(entity.name)
            if found is None:
                found = _EntityIndex(
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
        with index._lock:
            writer = index.writer()
            for uuid in deletes:
                writer.delete_documents_by_term("uuid", uuid)
            for doc in upserts:
                writer.delete_documents_by_term("uuid", doc["uuid"])
                writer.add_document(
                    tantivy.Document.from_dict(_tantivy_document(entity, doc), index.schema)
                )
            writer.commit()
        index.index.reload()

    def rebuild(self, entity: Entity, batches: Iterable[Sequence[Document]]) -> int:
        return rebuild_in_place(self, entity, batches)

    def drop(self, entity: Entity) -> None:
        index = self._of(entity)
        with index._lock:
            writer = index.writer()
            writer.delete_all_documents()
            writer.commit()
        index.index.reload()

    def close(self) -> None:
        with self._lock:
            for index in self._indexes.values():
                index.close()
            self._indexes.clear()

    # -- reads ----------------------------------------------------------------------------

    def count(self, entity: Entity, query: Query) -> int:
        index = self._of(entity)
        searcher = index.searcher()
        return _count(searcher, _Compiler(index, searcher).query(query))

    def search(
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
        compiled = _Compiler(index, searcher).query(query)
        if not sort:
            return _relevance_page(searcher, compiled, page, with_total)
        total = _count(searcher, compiled) if with_total else None
        # The uuid breaks ties; once it is a sort key (unique), nothing after it can tie.
        keys = [*sort] if any(key.field == "uuid" for key in sort) else [*sort, _UUID_KEY]
        sorter = _Sorter(index, searcher, keys)
        if page.after is None:
            ranked = sorter.top(compiled, 0, page.offset + page.limit)[page.offset :]
        else:
            ranked = sorter.after(compiled, page.after, page.limit)
        hits = [Hit(str(values[-1]), values[: len(sort)]) for values in ranked]
        return SearchResult(hits, total)

    def terms(
        self, entity: Entity, field: str, *, query: Query, contains: str = "", limit: int = 25
    ) -> list[TermCount]:
        index = self._of(entity)
        searcher = index.searcher()
        compiled = _Compiler(index, searcher).query(query)
        needle = lower(contains)
        counted = [
            (value, count)
            for value, count in searcher.terms_with_prefix(field, "", filter_query=compiled)
            if count and needle in value
        ]
        counted.sort(key=lambda item: (-item[1], item[0]))
        return [TermCount(value, count) for value, count in counted[:limit]]


def _count(searcher: Any, query: Any) -> int:
    return int(searcher.search(query, limit=1, count=True).count)


def _relevance_page(searcher: Any, query: Any, page: Page, with_total: bool) -> SearchResult:
    """Score order; the total comes from the same pass over the matches."""
    result = searcher.search(query, limit=page.limit, count=with_total, offset=page.offset)
    hits = [Hit(searcher.doc(address).get_first("uuid"), ()) for _, address in result.hits]
    return SearchResult(hits, int(result.count) if with_total else None)


def _all_docs(searcher: Any, query: Any) -> Iterator[Any]:
    """Every document matching ``query`` (tantivy needs a positive limit)."""
    total = _count(searcher, query)
    if total:
        for _, address in searcher.search(query, limit=total, count=False).hits:
            yield searcher.doc(address)


def _must(*queries: Any) -> Any:
    return tantivy.Query.boolean_query([(_Occur.Must, q) for q in queries])


def _missing(field: str) -> Any:
    return tantivy.Query.all_query().and_must_not_match(tantivy.Query.exists_query(field))


def _either(*queries: Any) -> Any:
    return tantivy.Query.boolean_query([(_Occur.Should, q) for q in queries])


class _Compiler:
    """AST → tantivy query; needs a searcher for the phrase verification path."""

    def __init__(self, index: _EntityIndex, searcher: Any) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = searcher
        self.entity = index.entity

    def query(self, query: Query) -> Any:
        if query.matches_all:
            return tantivy.Query.all_query()
        clauses = [(_Occur.Must, self.node(node)) for node in query.must]
        if not clauses:
            clauses = [(_Occur.Must, tantivy.Query.all_query())]
        clauses += [(_Occur.MustNot, self.clause(c)) for c in query.must_not]
        return tantivy.Query.boolean_query(clauses)

    def node(self, node: Node) -> Any:
        if isinstance(node, AnyOf):
            if len(node.clauses) == 1:
                return self.clause(node.clauses[0])
            return _either(*(self.clause(c) for c in node.clauses))
        return self.clause(node)

    def clause(self, clause: Clause) -> Any:
        if isinstance(clause, Text):
            if clause.kind is FieldKind.KEYWORD:
                return self._word(clause.field, lower(clause.value), clause.fuzzy)
            return self._text(clause)
        if isinstance(clause, Terms):
            if not clause.values:
                return tantivy.Query.empty_query()
            return tantivy.Query.term_set_query(self.schema, clause.field, list(clause.values))
        if isinstance(clause, Range):
            if clause.low is not None and clause.high is not None and clause.low > clause.high:
                return tantivy.Query.empty_query()
            return tantivy.Query.range_query(
                self.schema, clause.field, tantivy.FieldType.Integer, clause.low, clause.high
            )
        raise SearchEngineError(f"tantivy cannot compile {type(clause).__name__}")

    def _word(self, field: str, word: str, fuzzy: bool) -> Any:
        distance = auto_fuzziness(word) if fuzzy else 0
        if distance == 0:
            return tantivy.Query.term_query(self.schema, field, word)
        return tantivy.Query.fuzzy_term_query(
            self.schema, field, word, distance=distance, transposition_cost_one=True, prefix=False
        )

    def _combine(self, queries: list[Any], any_of: bool) -> Any:
        if len(queries) == 1:
            return queries[0]
        return _either(*queries) if any_of else _must(*queries)

    def _text(self, clause: Text) -> Any:
        words = tokens(clause.value)
        if not words:
            return tantivy.Query.empty_query()
        if clause.mode is TextMode.SHUFFLE:
            queries = [self._word(clause.field, w, clause.fuzzy) for w in dict.fromkeys(words)]
            return self._combine(queries, clause.any_token)
        if clause.mode is TextMode.SUBSTRING:
            low, high = self.entity.min_gram, self.entity.max_gram
            grams = sorted({g for w in words if len(w) >= low for g in ngrams(w, low, high)})
            if not grams:
                return tantivy.Query.empty_query()
            field = f"{clause.field}__ng"
            queries = [tantivy.Query.term_query(self.schema, field, g) for g in grams]
            return self._combine(queries, clause.any_token)
        return self._phrase(clause.field, words, clause.slop)

    def _phrase(self, field: str, words: list[str], slop: int) -> Any:
        if len(words) == 1:
            return tantivy.Query.term_query(self.schema, field, words[0])
        if slop == 0 or (len(words) == 2 and words[0] != words[1]):
            return tantivy.Query.phrase_query(self.schema, field, list[Any](words), slop=slop)
        candidates = _must(
            *(tantivy.Query.term_query(self.schema, field, w) for w in dict.fromkeys(words))
        )
        verified = [
            doc.get_first("uuid")
            for doc in _all_docs(self.searcher, candidates)
            if phrase_matches(doc.get_first(field).split(" "), words, slop)
        ]
        if not verified:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, "uuid", verified)


class _Sorter:
    """Exact multi-key ordering on top of tantivy's single-field ``order_by_field``."""

    def __init__(self, index: _EntityIndex, searcher: Any, keys: list[SortKey]) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = searcher
        self.keys = keys
        self.phys = [p for key in keys for p in _phys_keys(index.entity, key)]
        self.fields = [
            _sort_field(key, index.entity.index_field(key.field))  # type: ignore[arg-type]
            for key in keys
        ]

    def _values(self, doc: Any) -> tuple[SortValue, ...]:
        """The hit's value for every key, then its uuid."""
        return (*(doc.get_first(name) for name in self.fields), doc.get_first("uuid"))

    def _compare(self, a: tuple[SortValue, ...], b: tuple[SortValue, ...]) -> int:
        return reference.compare(self.keys, a, b)

    def top(self, query: Any, level: int, n: int) -> list[tuple[SortValue, ...]]:
        """The first ``n`` matches of ``query`` in full key order, from physical key ``level`` on
        (every match already ties on the keys before it)."""
        if n <= 0:
            return []
        phys = self.phys[level]
        present = _must(query, tantivy.Query.exists_query(phys.field))
        order = tantivy.Order.Desc if phys.descending else tantivy.Order.Asc
        # One hit more than needed tells whether the n-th hit's group ends inside the page.
        hits = self.searcher.search(
            present, limit=n + 1, count=False, order_by_field=phys.field, order=order
        ).hits
        ranked = [(value, self._values(self.searcher.doc(address))) for value, address in hits[:n]]
        rest = None
        if len(hits) <= n:
            complete = [values for _, values in ranked]
            rest = _must(query, _missing(phys.field))
        elif hits[n][0] != hits[n - 1][0] or level + 1 == len(self.phys):
            complete = [values for _, values in ranked]  # whole groups only: sorting is exact
        else:
            boundary = hits[n - 1][0]
            complete = [values for value, values in ranked if value != boundary]
            rest = _must(query, tantivy.Query.term_query(self.schema, phys.field, boundary))
        complete.sort(key=functools.cmp_to_key(self._compare))
        if rest is None or level + 1 == len(self.phys):
            return complete
        return complete + self.top(rest, level + 1, n - len(complete))

    def after(
        self, query: Any, after: tuple[SortValue, ...], n: int
    ) -> list[tuple[SortValue, ...]]:
        """The first ``n`` matches strictly after the cursor values (plus optional uuid)."""
        values = list(after[:-1])
        tie = after[-1]
        if tie is not None:
            values.append(tie)
        targets = [
            t
            for value, key in zip(values, self.keys, strict=False)
            for t in self._phys_values(key, value)
        ]
        return self._after(query, 0, targets, n)

    def _phys_values(self, key: SortKey, value: SortValue) -> list[SortValue]:
        if key.kind is not FieldKind.KEYWORD:
            return [value]
        return [None if value is None else prefix_code(str(value)), value]

    def _after(
        self, query: Any, level: int, targets: list[SortValue], n: int
    ) -> list[tuple[SortValue, ...]]:
        if n <= 0 or level == len(targets):
            return []  # every key equals the cursor: that is the cursor's own position
        phys, target = self.phys[level], targets[level]
        tied = _must(query, self._equal(phys, target))
        first = self._after(tied, level + 1, targets, n)
        if len(first) >= n:
            return first  # the page is full before anything strictly later is needed
        later = self._later(phys, target, level)
        if later is None:
            return first
        return first + self.top(_must(query, later), level, n - len(first))

    def _equal(self, phys: _Phys, target: SortValue) -> Any:
        if target is None:
            return _missing(phys.field)
        return tantivy.Query.term_query(self.schema, phys.field, target)

    def _later(self, phys: _Phys, target: SortValue, level: int) -> Any | None:
        """Documents strictly after ``target`` on this physical key (missing values are last)."""
        if target is None:
            return None
        missing = _missing(phys.field)
        if phys.is_string:
            # Reached only among documents sharing the 8-byte prefix of the previous level.
            later = [
                term
                for term, _ in self.searcher.terms_with_prefix(
                    phys.field, _char_prefix(str(target))
                )
                if prefix_code(term) == prefix_code(str(target))
                and (term < str(target) if phys.descending else term > str(target))
            ]
            if not later:
                return missing
            return _either(tantivy.Query.term_set_query(self.schema, phys.field, later), missing)
        low, high = (None, int(target) - 1) if phys.descending else (int(target) + 1, None)
        bound = tantivy.Query.range_query(
            self.schema, phys.field, tantivy.FieldType.Integer, low, high
        )
        return _either(bound, missing)


def _char_prefix(text: str) -> str:
    """The longest prefix of whole characters within the first 8 UTF-8 bytes."""
    size = 0
    for i, ch in enumerate(text):
        size += len(ch.encode("utf-8"))
        if size > 8:
            return text[:i]
    return text
