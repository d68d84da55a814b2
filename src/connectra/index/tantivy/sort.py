"""Exact multi-key ordering and cursors on top of tantivy's single-field ``order_by_field``.

Each keyword sort key is two physical keys: ``<field>__p8`` (its first 8 UTF-8 bytes as an
order-preserving integer) and the string itself; ties are resolved by recursing on the next key
with an equality filter, so a page costs one search per key level, and cursors become integer
ranges plus a term set of the few strings that share the 8-byte prefix. The uuid is the final
tie-break key. Missing values sort last in both directions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import tantivy

from connectra.index.tantivy.directory import EntityIndex
from connectra.index.tantivy.queries import either, missing, must
from connectra.index.tantivy.schema import char_prefix, prefix_code
from connectra.model.fields import Entity, FieldKind, IndexField
from connectra.vql import reference
from connectra.vql.ast import SortKey, SortValue

UUID_KEY = SortKey("uuid", FieldKind.KEYWORD)


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


class Sorter:
    """The matches of a query in the order of ``keys`` (the last one unique: the uuid)."""

    def __init__(self, index: EntityIndex, searcher: Any, keys: list[SortKey]) -> None:
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
        present = must(query, tantivy.Query.exists_query(phys.field))
        order = tantivy.Order.Desc if phys.descending else tantivy.Order.Asc
        # One hit more than needed tells whether the n-th hit's group ends inside the page.
        hits = self.searcher.search(
            present, limit=n + 1, count=False, order_by_field=phys.field, order=order
        ).hits
        ranked = [(value, self._values(self.searcher.doc(address))) for value, address in hits[:n]]
        rest = None
        if len(hits) <= n:
            complete = [values for _, values in ranked]
            rest = must(query, missing(phys.field))
        elif hits[n][0] != hits[n - 1][0] or level + 1 == len(self.phys):
            complete = [values for _, values in ranked]  # whole groups only: sorting is exact
        else:
            boundary = hits[n - 1][0]
            complete = [values for value, values in ranked if value != boundary]
            rest = must(query, tantivy.Query.term_query(self.schema, phys.field, boundary))
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
        tied = must(query, self._equal(phys, target))
        first = self._after(tied, level + 1, targets, n)
        if len(first) >= n:
            return first  # the page is full before anything strictly later is needed
        later = self._later(phys, target)
        if later is None:
            return first
        return first + self.top(must(query, later), level, n - len(first))

    def _equal(self, phys: _Phys, target: SortValue) -> Any:
        if target is None:
            return missing(phys.field)
        return tantivy.Query.term_query(self.schema, phys.field, target)

    def _later(self, phys: _Phys, target: SortValue) -> Any | None:
        """Documents strictly after ``target`` on this physical key (missing values are last)."""
        if target is None:
            return None
        absent = missing(phys.field)
        if phys.is_string:
            # Reached only among documents sharing the 8-byte prefix of the previous level.
            later = [
                term
                for term, _ in self.searcher.terms_with_prefix(phys.field, char_prefix(str(target)))
                if prefix_code(term) == prefix_code(str(target))
                and (term < str(target) if phys.descending else term > str(target))
            ]
            if not later:
                return absent
            return either(tantivy.Query.term_set_query(self.schema, phys.field, later), absent)
        low, high = (None, int(target) - 1) if phys.descending else (int(target) + 1, None)
        bound = tantivy.Query.range_query(
            self.schema, phys.field, tantivy.FieldType.Integer, low, high
        )
        return either(bound, absent)
