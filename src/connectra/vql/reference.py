"""The reference matcher: CONTRACT.md §c.2 to §c.4 over in-memory index documents.

It is the oracle every engine is tested against, so it is written to be read, not to be fast.
A document maps index field names to values in index form (see :mod:`connectra.index.documents`):
text fields as sent, keyword fields lower-cased (a list when multi-valued), numbers as ints,
dates as epoch microseconds, ``None`` or absent when empty.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from connectra.model.fields import Entity, FieldKind
from connectra.model.text import fuzzy_equal, lower, ngrams, phrase_matches, tokens
from connectra.vql.ast import (
    AnyOf,
    Clause,
    KeywordRange,
    Node,
    Page,
    Query,
    SortKey,
    SortValue,
    Terms,
    Text,
    TextMode,
)

Document = Mapping[str, Any]


def _values(doc: Document, field: str) -> list[Any]:
    value = doc.get(field)
    if value is None:
        return []
    return [v for v in value if v is not None] if isinstance(value, list) else [value]


def _text_on_text_field(clause: Text, entity: Entity, doc: Document) -> bool:
    words = [w for value in _values(doc, clause.field) for w in tokens(value)]
    query = tokens(clause.value)
    if not query:
        return False
    if clause.mode is TextMode.EXACT:
        return any(
            phrase_matches(tokens(value), query, clause.slop)
            for value in _values(doc, clause.field)
        )
    if clause.mode is TextMode.SUBSTRING:
        wanted = [
            g
            for t in query
            if len(t) >= entity.min_gram
            for g in ngrams(t, entity.min_gram, entity.max_gram)
        ]
        if not wanted:
            return False
        have = set().union(*(ngrams(w, entity.min_gram, entity.max_gram) for w in words))
        hits = [gram in have for gram in wanted]
        return any(hits) if clause.any_token else all(hits)
    vocabulary = set(words)

    def found(term: str) -> bool:
        if clause.fuzzy:
            return any(fuzzy_equal(term, word) for word in vocabulary)
        return term in vocabulary

    hits = [found(term) for term in query]
    return any(hits) if clause.any_token else all(hits)


def _text_on_keyword_field(clause: Text, doc: Document) -> bool:
    wanted = lower(clause.value)
    if clause.fuzzy:
        return any(fuzzy_equal(wanted, value) for value in _values(doc, clause.field))
    return wanted in _values(doc, clause.field)


def _in_keyword_range(clause: KeywordRange, value: str) -> bool:
    """Lower-cased strings compared by code point; each bound inclusive or not."""
    above = clause.low is None or value > clause.low or (clause.include_low and value == clause.low)
    below = (
        clause.high is None or value < clause.high or (clause.include_high and value == clause.high)
    )
    return above and below


def clause_matches(clause: Clause, entity: Entity, doc: Document) -> bool:
    if isinstance(clause, Text):
        if clause.kind is FieldKind.KEYWORD:
            return _text_on_keyword_field(clause, doc)
        return _text_on_text_field(clause, entity, doc)
    if isinstance(clause, Terms):
        if clause.kind is FieldKind.TEXT:
            have = {w for value in _values(doc, clause.field) for w in tokens(value)}
        else:
            have = set(_values(doc, clause.field))
        return any(value in have for value in clause.values)
    if isinstance(clause, KeywordRange):
        return any(_in_keyword_range(clause, value) for value in _values(doc, clause.field))
    return any(
        (clause.low is None or value >= clause.low)
        and (clause.high is None or value <= clause.high)
        for value in _values(doc, clause.field)
    )


def _node_matches(node: Node, entity: Entity, doc: Document) -> bool:
    if isinstance(node, AnyOf):
        return any(clause_matches(clause, entity, doc) for clause in node.clauses)
    return clause_matches(node, entity, doc)


def matches(query: Query, entity: Entity, doc: Document) -> bool:
    return all(_node_matches(node, entity, doc) for node in query.must) and not any(
        clause_matches(clause, entity, doc) for clause in query.must_not
    )


def sort_value(key: SortKey, doc: Document) -> SortValue:
    """A multi-valued field sorts by its minimum ascending and its maximum descending."""
    values = _values(doc, key.field)
    if not values:
        return None
    chosen: SortValue = max(values) if key.descending else min(values)
    return chosen


def _compare_values(key: SortKey, a: SortValue, b: SortValue) -> int:
    if a == b:
        return 0
    if a is None:
        return 1  # missing values sort last in both directions
    if b is None:
        return -1
    order = -1 if a < b else 1  # type: ignore[operator]
    return -order if key.descending else order


def compare(keys: Sequence[SortKey], a: Sequence[SortValue], b: Sequence[SortValue]) -> int:
    """Order of two sort tuples: the keys, then the uuid tie-break (ascending) if both have one."""
    for key, x, y in zip(keys, a, b, strict=False):  # a and b also end with the tie-break
        result = _compare_values(key, x, y)
        if result:
            return result
    tie_a, tie_b = a[len(keys)], b[len(keys)]
    if tie_a is None or tie_b is None or tie_a == tie_b:
        return 0
    return -1 if tie_a < tie_b else 1  # type: ignore[operator]


def sort_tuple(keys: Sequence[SortKey], doc: Document) -> tuple[SortValue, ...]:
    return (*(sort_value(key, doc) for key in keys), doc["uuid"])


def search(
    entity: Entity,
    docs: Iterable[Document],
    query: Query,
    sort: Sequence[SortKey],
    page: Page,
) -> tuple[list[tuple[str, tuple[SortValue, ...]]], int]:
    """Ordered ``(uuid, sort values)`` of one page, and the total number of matches.

    Unsorted results come in uuid order here; the contract leaves their order unspecified.
    """
    found = [doc for doc in docs if matches(query, entity, doc)]
    keyed = [sort_tuple(sort, doc) for doc in found]

    def order(a: tuple[SortValue, ...], b: tuple[SortValue, ...]) -> int:
        return compare(sort, a, b)

    ordered = sorted(keyed, key=functools.cmp_to_key(order))
    if page.after is not None:
        ordered = [item for item in ordered if compare(sort, item, page.after) > 0]
    window = ordered[page.offset : page.offset + page.limit]
    return [(str(item[-1]), item[:-1]) for item in window], len(found)


def terms(
    entity: Entity,
    docs: Iterable[Document],
    field: str,
    query: Query,
    contains: str,
    limit: int,
) -> list[tuple[str, int]]:
    """Values of a keyword field among matching documents with how many documents hold each,
    most frequent first (ties by value); ``contains`` filters values case-insensitively."""
    needle = lower(contains)
    counts: Counter[str] = Counter()
    for doc in docs:
        if matches(query, entity, doc):
            counts.update({value for value in _values(doc, field) if needle in value})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
