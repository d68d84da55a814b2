"""The VQL AST: what validation produces and what every engine compiles.

Values are already normalised: keyword values lower-cased strings, numbers ints, dates epoch
microseconds (UTC), number and date range bounds inclusive. A query is a conjunction of ``must``
nodes (an :class:`AnyOf` groups text conditions on one field) minus the union of ``must_not``
nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from connectra.limits import PAGE_SIZE_DEFAULT
from connectra.model.fields import FieldKind


class TextMode(StrEnum):
    EXACT = "exact"  # phrase with slop
    SHUFFLE = "shuffle"  # every (and) / any (or) token, optionally fuzzy
    SUBSTRING = "substring"  # n-grams of the tokens


@dataclass(frozen=True, slots=True)
class Text:
    """A text condition; on a keyword field the whole value is one case-insensitive token."""

    field: str
    kind: FieldKind  # TEXT or KEYWORD
    mode: TextMode
    value: str
    slop: int = 0
    any_token: bool = False  # operator "or"
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class Terms:
    """Equality with any of ``values``; an empty tuple matches nothing."""

    field: str
    kind: FieldKind
    values: tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Range:
    """``low <= value <= high`` on a number or date field; ``None`` is an open bound."""

    field: str
    kind: FieldKind
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class KeywordRange:
    """A range on a keyword field (CONTRACT.md §c.3 "lexicographic"), decided as follows.

    Stored keyword values are lower-cased, and so are the bounds; the strings are compared by
    Unicode code point (Python's ``str`` order, which is also UTF-8 byte order, so every engine
    agrees). ``None`` is an open bound. A multi-valued field matches when any of its values lies
    in the range; a document without a value never does.
    """

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True

    def holds(self, value: str) -> bool:
        """Whether ``value`` (lower-cased, as stored) lies in the range."""
        if self.low is not None and (
            value < self.low or (value == self.low and not self.include_low)
        ):
            return False
        return self.high is None or value < self.high or (value == self.high and self.include_high)

    @property
    def empty(self) -> bool:
        """No string can lie in the range."""
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (
            self.low == self.high and not (self.include_low and self.include_high)
        )


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Text conditions on the same field: at least one must match."""

    clauses: tuple[Text, ...]


Clause = Text | Terms | Range | KeywordRange
Node = Clause | AnyOf


@dataclass(frozen=True, slots=True)
class Query:
    """``must`` nodes AND-ed, minus anything matching a ``must_not`` clause."""

    must: tuple[Node, ...] = ()
    must_not: tuple[Clause, ...] = ()

    @property
    def matches_all(self) -> bool:
        return not self.must and not self.must_not


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    kind: FieldKind
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page starts: an offset, or strictly after a cursor (the sort values of a hit)."""

    limit: int
    offset: int = 0
    after: tuple[SortValue, ...] | None = None


SortValue = str | int | None  # None: the document has no value (sorted last either way)


@dataclass(frozen=True, slots=True)
class Search:
    """A validated list/count request."""

    query: Query
    sort: tuple[SortKey, ...] = ()
    page: Page = field(default_factory=lambda: Page(limit=PAGE_SIZE_DEFAULT))
    select_columns: tuple[str, ...] | None = None
    populate_company: bool = False
    company_columns: tuple[str, ...] | None = None
