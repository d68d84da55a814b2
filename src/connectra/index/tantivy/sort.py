"""Exact multi-key ordering and cursors on top of tantivy's single-field ``order_by_field``.

tantivy orders by one fast field per search (numbers, and strings by byte order, which is code
point order) and puts documents without a value last in both directions, as the contract does.
A page is one search ordered by the first key; when the page ends inside a group of equal values,
that group alone is searched again ordered by the next key, and so on (the uuid, unique, is the
last key). The first search also counts the matches when the total is asked for, so a sorted page
with its total is one pass over the matches. Sort values and uuids of the hits are read from fast
fields (:mod:`.hits`).

Cursors seek: the page after a cursor is the cursor's group at each key level (equality filters)
then the documents strictly after it. On a number first key (dates included) that last part is
searched in windows of values next to the cursor, on the inverted index, growing eightfold until
the page is full; so a page costs about the same at any depth instead of visiting every later
match. Strictly-after on keyword keys uses the ``__p8`` codes (see :mod:`.keyword_range`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import tantivy

from connectra.index.tantivy.directory import EntityIndex
from connectra.index.tantivy.hits import read_integers, read_stored, read_uuids
from connectra.index.tantivy.keyword_range import single_valued_range
from connectra.index.tantivy.queries import either, missing, must
from connectra.index.tantivy.schema import UUID_HI, UUID_LO, uuid_halves
from connectra.model.fields import FieldKind
from connectra.vql import reference
from connectra.vql.ast import KeywordRange, SortKey, SortValue

UUID_KEY = SortKey("uuid", FieldKind.KEYWORD)
_FIRST_WINDOW_PAGES = 4  # the first window would hold this many pages if every document matched
# A window is a union of posting lists, one per distinct value (~0.65 us each at 100k): past
# about this many documents one plain search over the matches is cheaper.
_WINDOW_DOCUMENTS = 2048

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1

Row = tuple[SortValue, ...]  # the sort values of a hit, then its uuid


@dataclass(frozen=True, slots=True)
class _Level:
    """A sort key as tantivy orders it: one fast field (the uuid is two, its 128 bits)."""

    key: SortKey
    field: str  # the key itself, the __min/__max copy of a multi-valued keyword, a uuid half
    numeric: bool  # an integer field (ranges, windows); else a string field

    @property
    def order(self) -> Any:
        return tantivy.Order.Desc if self.key.descending else tantivy.Order.Asc


def _levels(index: EntityIndex, key: SortKey, *, halves: bool = True) -> list[_Level]:
    if key.field == "uuid" and halves:
        # Ordering by a string fast field costs a fixed ~0.5 ms per search (100k) over an
        # integer one; canonical uuids order like their 128 bits.
        return [_Level(key, UUID_HI, True), _Level(key, UUID_LO, True)]
    field = index.entity.index_field(key.field)
    assert field is not None
    name = f"{key.field}__{'max' if key.descending else 'min'}" if field.multi else key.field
    return [_Level(key, name, key.kind is not FieldKind.KEYWORD)]


def _targets(key: SortKey, value: SortValue) -> list[SortValue]:
    """A cursor value as the values of the key's levels."""
    if key.field != "uuid":
        return [value]
    halves = None if value is None else uuid_halves(str(value))
    return [None, None] if halves is None else list(halves)


class Sorter:
    """The matches of a query in the order of ``keys`` (the last one unique: the uuid)."""

    def __init__(self, index: EntityIndex, searcher: Any, keys: list[SortKey]) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = searcher
        self.keys = keys
        self.levels = [level for key in keys for level in _levels(index, key)]

    # -- reading hits -----------------------------------------------------------------------

    def _rows(self, addresses: list[Any]) -> list[Row]:
        uuids = read_uuids(self.searcher, addresses)
        columns: list[list[SortValue]] = []
        for key in self.keys:
            level = next(level for level in self.levels if level.key is key)
            if key.field == "uuid":
                columns.append(list(uuids))
            elif level.numeric:
                columns.append(read_integers(self.searcher, level.field, addresses))
            else:
                columns.append(read_stored(self.searcher, level.field, addresses))
        return [(*values, uuid) for *values, uuid in zip(*columns, uuids, strict=True)]

    def _sorted(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=_cmp_key(self.keys))

    # -- top n ------------------------------------------------------------------------------

    def top(self, query: Any, n: int, *, count: bool = False) -> tuple[list[Row], int | None]:
        """The first ``n`` matches in full key order, and the number of matches if ``count``."""
        return self._top(query, 0, n, count=count)

    def first(self, query: Any, n: int) -> list[Row]:
        """The first ``n`` matches without a count: on a number first key, seek from its end."""
        current = self.levels[0]
        if current.numeric:
            spread = self.index.value_spread(self.searcher, current.field)
            if spread is not None:
                # "Strictly after" a value just beyond the first one in this order.
                edge = spread[1] + 1 if current.key.descending else spread[0] - 1
                return self._seek(query, current, edge, n)
        return self._top(query, 0, n)[0]

    def _top(
        self, query: Any, level: int, n: int, *, count: bool = False
    ) -> tuple[list[Row], int | None]:
        """From key ``level`` on: every match already ties on the keys before it."""
        current = self.levels[level]
        # One hit more than needed tells whether the n-th hit's group ends inside the page.
        result = self.searcher.search(
            query, limit=n + 1, count=count, order_by_field=current.field, order=current.order
        )
        total = int(result.count) if count else None
        hits = result.hits
        rows = self._rows([address for _, address in hits[:n]])
        if len(hits) <= n or level + 1 == len(self.levels) or hits[n][0] != hits[n - 1][0]:
            return self._sorted(rows), total  # whole groups only: sorting them is exact
        boundary = hits[n - 1][0]
        complete = [row for (value, _), row in zip(hits, rows, strict=False) if value != boundary]
        rest, _ = self._top(
            must(query, self._equal(current, boundary)), level + 1, n - len(complete)
        )
        return self._sorted(complete) + rest, total

    # -- after a cursor ---------------------------------------------------------------------

    def after(self, query: Any, after: Row, n: int) -> list[Row]:
        """The first ``n`` matches strictly after the cursor values (plus optional uuid)."""
        values = list(after[:-1])
        if after[-1] is not None and self.keys[-1] is UUID_KEY:
            values.append(after[-1])
        pairs = list(zip(self.keys, values, strict=False))
        if any(
            k.field == "uuid" and v is not None and uuid_halves(str(v)) is None for k, v in pairs
        ):
            # A hand-written uuid cursor value that is no uuid: order that key by the string.
            self.levels = [
                lvl for key in self.keys for lvl in _levels(self.index, key, halves=False)
            ]
            return self._after(query, 0, values, n)
        targets = [t for key, v in pairs for t in _targets(key, v)]
        return self._after(query, 0, targets, n)

    def _after(self, query: Any, level: int, targets: list[SortValue], n: int) -> list[Row]:
        if n <= 0 or level == len(targets):
            return []  # every key equals the cursor: that is the cursor's own position
        current, target = self.levels[level], targets[level]
        tied = must(query, self._equal(current, target))
        first = self._after(tied, level + 1, targets, n)
        if len(first) >= n or target is None:
            return first  # full, or nothing sorts after a missing value's group
        wanted = n - len(first)
        if level == 0 and current.numeric:
            return first + self._seek(query, current, int(target), wanted)
        later = either(self._later(current, target), missing(current.field))
        return first + self._top(must(query, later), level, wanted)[0]

    def _equal(self, level: _Level, value: SortValue) -> Any:
        if value is None:
            return missing(level.field)
        return tantivy.Query.term_query(self.schema, level.field, value)

    def _later(self, level: _Level, target: SortValue) -> Any:
        """Documents holding a value strictly after ``target`` on this key."""
        if level.numeric:
            bound = int(target)  # type: ignore[arg-type]
            low, high = (None, bound - 1) if level.key.descending else (bound + 1, None)
            return _integers(self.schema, level.field, low, high)
        text = str(target)
        if level.key.descending:
            wanted = KeywordRange(level.field, None, text, include_high=False)
        else:
            wanted = KeywordRange(level.field, text, None, include_low=False)
        return single_valued_range(self.searcher, self.schema, level.field, wanted)

    def _seek(self, query: Any, level: _Level, target: int, n: int) -> list[Row]:
        """The first ``n`` matches strictly after ``target`` on the first key (a number)."""
        spread = self.index.value_spread(self.searcher, level.field)
        if spread is not None:
            rows = self._windows(query, level, target, n, spread)
            if rows is not None:
                return rows
        later = either(self._later(level, target), missing(level.field))
        return self._top(must(query, later), 0, n)[0]

    def _windows(
        self, query: Any, level: _Level, target: int, n: int, spread: tuple[int, int, int]
    ) -> list[Row] | None:
        """The page from windows of values after ``target``, or None when the next window would
        hold so many documents that one plain search is cheaper (a query matching few).

        The next window's width is what the matches found so far say should hold the page.
        """
        low, high, documents = spread
        span = max(high - low, 1)
        width = max(1, span * _FIRST_WINDOW_PAGES * n // max(documents, 1))
        while width * documents <= _WINDOW_DOCUMENTS * span:
            if level.key.descending:
                start, end = target - width, target - 1
            else:
                start, end = target + 1, target + width
            if start <= low and end >= high:
                return None
            window = _integers(self.schema, level.field, start, end, inverted=True)
            rows, found = self._top(must(query, window), 0, n, count=True)
            if len(rows) == n:
                return rows
            if not found:
                return None  # under 1 match in 4n documents: the plain search is short
            width = max(width * 2, width * 2 * n // found)
        return None


def _integers(
    schema: Any, field: str, low: int | None, high: int | None, *, inverted: bool = False
) -> Any:
    # On the inverted index a narrow window is a few posting lists, so it leads the
    # intersection and the cost follows the window, not the query's matches.
    low = None if low is None else max(low, _I64_MIN)
    high = None if high is None else min(high, _I64_MAX)
    return tantivy.Query.range_query(
        schema, field, tantivy.FieldType.Integer, low, high, use_inverted_index=inverted
    )


def _cmp_key(keys: list[SortKey]) -> Any:
    return functools.cmp_to_key(lambda a, b: reference.compare(keys, a, b))
