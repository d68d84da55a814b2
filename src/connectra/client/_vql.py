"""A small immutable VQL builder whose ``to_dict()`` is exactly the JSON of CONTRACT.md §c.1.

``&`` combines conditions, ``|`` joins text conditions on ONE field, ``~`` negates one condition.
The operators only build what VQL can say: VQL ORs text conditions on the same field and has no
general OR or NOT, so ``&`` of two same-field text conditions, ``|`` across fields and ``~`` of
a combination raise instead of silently meaning something else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

Scalar = str | int | float | bool
KeywordValue = Scalar | Sequence[Scalar]
Bound = int | float | str
SearchType = Literal["exact", "shuffle", "substring"]
Operator = Literal["and", "or"]


@dataclass(frozen=True, slots=True)
class TextCondition:
    """One entry of ``where.text_matches.must`` / ``must_not``."""

    field: str
    text: str
    search_type: SearchType
    slop: int | None = None
    operator: Operator | None = None
    fuzzy: bool = False

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "text_value": self.text,
            "filter_key": self.field,
            "search_type": self.search_type,
        }
        if self.slop is not None:
            body["slop"] = self.slop
        if self.operator is not None:
            body["operator"] = self.operator
        if self.fuzzy:
            body["fuzzy"] = True
        return body


@dataclass(frozen=True, slots=True)
class Conditions:
    """One side of every ``where`` kind: text conditions, keyword values and range bounds."""

    text: tuple[TextCondition, ...] = ()
    keyword: tuple[tuple[str, KeywordValue], ...] = ()
    range: tuple[tuple[str, tuple[tuple[str, Bound], ...]], ...] = ()

    def __len__(self) -> int:
        return len(self.text) + len(self.keyword) + len(self.range)

    def merge(self, other: Conditions, side: str) -> Conditions:
        _no_shared_keys(self.keyword, other.keyword, f"keyword_match.{side}")
        return Conditions(
            text=self.text + other.text,
            keyword=self.keyword + other.keyword,
            range=_merge_ranges(self.range, other.range, side),
        )

    def where_parts(self) -> dict[str, Any]:
        """``{"text_matches": [...], "keyword_match": {...}, "range_query": {...}}`` (non-empty)."""
        parts: dict[str, Any] = {}
        if self.text:
            parts["text_matches"] = [c.to_dict() for c in self.text]
        if self.keyword:
            parts["keyword_match"] = {k: _json_value(v) for k, v in self.keyword}
        if self.range:
            parts["range_query"] = {k: dict(bounds) for k, bounds in self.range}
        return parts


def _json_value(value: KeywordValue) -> Any:
    return value if isinstance(value, str | int | float | bool) else list(value)


def _no_shared_keys(
    left: tuple[tuple[str, Any], ...], right: tuple[tuple[str, Any], ...], where: str
) -> None:
    shared = {k for k, _ in left} & {k for k, _ in right}
    if shared:
        raise ValueError(f"{where} holds one value per field; {sorted(shared)} given twice")


def _merge_ranges(
    left: tuple[tuple[str, tuple[tuple[str, Bound], ...]], ...],
    right: tuple[tuple[str, tuple[tuple[str, Bound], ...]], ...],
    side: str,
) -> tuple[tuple[str, tuple[tuple[str, Bound], ...]], ...]:
    """Bounds on the same field are AND-ed, so ``gte`` and ``lte`` from two calls combine."""
    merged = dict(left)
    for name, bounds in right:
        if name in merged:
            _no_shared_keys(merged[name], bounds, f"range_query.{side}.{name}")
            merged[name] = merged[name] + bounds
        else:
            merged[name] = bounds
    return tuple(merged.items())


def _pick(left: Any, right: Any, name: str) -> Any:
    if left is not None and right is not None and left != right:
        raise ValueError(f"both sides of & set {name}; set it once, on the combined query")
    return left if left is not None else right


@dataclass(frozen=True, slots=True)
class Query:
    """A whole VQL request: conditions plus sort, projection, population and paging."""

    must: Conditions = Conditions()
    must_not: Conditions = Conditions()
    sort: tuple[tuple[str, bool], ...] = ()
    columns: tuple[str, ...] | None = None
    populate: bool = False
    company_columns: tuple[str, ...] | None = None
    size: int | None = None
    page_number: int | None = None
    after: tuple[str, ...] | None = None

    def __and__(self, other: Query) -> Query:
        if not isinstance(other, Query):
            return NotImplemented
        shared = {c.field for c in self.must.text} & {c.field for c in other.must.text}
        if shared:
            raise ValueError(
                f"VQL ORs text conditions on the same field ({sorted(shared)}); use | for that"
            )
        return Query(
            must=self.must.merge(other.must, "must"),
            must_not=self.must_not.merge(other.must_not, "must_not"),
            sort=self.sort + other.sort,
            columns=_pick(self.columns, other.columns, "select"),
            populate=self.populate or other.populate,
            company_columns=_pick(self.company_columns, other.company_columns, "company columns"),
            size=_pick(self.size, other.size, "limit"),
            page_number=_pick(self.page_number, other.page_number, "page"),
            after=_pick(self.after, other.after, "cursor"),
        )

    def __or__(self, other: Query) -> Query:
        if not isinstance(other, Query):
            return NotImplemented
        texts = self.must.text + other.must.text
        pure = all(q == Query(must=Conditions(text=q.must.text)) for q in (self, other))
        if not pure or len({c.field for c in texts}) != 1:
            raise ValueError("VQL can only OR text conditions on one and the same field")
        return Query(must=Conditions(text=texts))

    def __invert__(self) -> Query:
        if len(self.must) + len(self.must_not) != 1 or self != Query(self.must, self.must_not):
            raise ValueError("~ negates exactly one condition (VQL has no NOT of a combination)")
        return Query(must=self.must_not, must_not=self.must)

    def order_by(self, field: str, *, desc: bool = False) -> Query:
        """Add a sort key; end with ``uuid`` for a total order that cursors can resume from."""
        return replace(self, sort=(*self.sort, (field, desc)))

    def select(self, *columns: str) -> Query:
        return replace(self, columns=tuple(columns))

    def limit(self, size: int) -> Query:
        return replace(self, size=size)

    def page(self, number: int) -> Query:
        return replace(self, page_number=number)

    def cursor(self, values: Sequence[str]) -> Query:
        """Resume after the item whose ``cursor`` this is (needs the same ``order_by``)."""
        return replace(self, after=tuple(values))

    def populate_company(self, columns: Sequence[str] | None = None) -> Query:
        """Attach each contact's company; ``columns`` are plain company column names."""
        return replace(
            self, populate=True, company_columns=None if columns is None else tuple(columns)
        )

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        where = self._where()
        if where:
            body["where"] = where
        if self.sort:
            body["order_by"] = [
                {"order_by": name, "order_direction": "desc" if desc else "asc"}
                for name, desc in self.sort
            ]
        if self.after is not None:
            body["cursor"] = list(self.after)
        if self.columns is not None:
            body["select_columns"] = list(self.columns)
        if self.populate:
            body["company_config"] = {"populate": True}
            if self.company_columns is not None:
                body["company_config"]["select_columns"] = list(self.company_columns)
        if self.page_number is not None:
            body["page"] = self.page_number
        if self.size is not None:
            body["limit"] = self.size
        return body

    def _where(self) -> dict[str, Any]:
        where: dict[str, Any] = {}
        for side, conditions in (("must", self.must), ("must_not", self.must_not)):
            for kind, value in conditions.where_parts().items():
                where.setdefault(kind, {})[side] = value
        return where


class Q:
    """Condition factories; each returns a one-condition :class:`Query`."""

    @staticmethod
    def all() -> Query:
        """Match everything (serialises to ``{}``)."""
        return Query()

    @staticmethod
    def text(
        field: str, text: str, *, fuzzy: bool = False, operator: Operator | None = None
    ) -> Query:
        """Tokens in any order (``shuffle``); ``fuzzy`` allows AUTO edit distance per token."""
        return _text(TextCondition(field, text, "shuffle", operator=operator, fuzzy=fuzzy))

    @staticmethod
    def phrase(field: str, text: str, *, slop: int | None = None) -> Query:
        """Tokens in order (``exact``); ``slop`` = positional moves allowed."""
        return _text(TextCondition(field, text, "exact", slop=slop))

    @staticmethod
    def substring(field: str, text: str, *, operator: Operator | None = None) -> Query:
        """N-gram match: tokens shorter than the minimum gram (3) match nothing."""
        return _text(TextCondition(field, text, "substring", operator=operator))

    @staticmethod
    def keyword(field: str, value: KeywordValue) -> Query:
        """Case-insensitive equality; a list means any of its values."""
        if value is None:
            raise ValueError(f"keyword {field!r}: null is not a value (the server answers 400)")
        frozen: KeywordValue = value if isinstance(value, Scalar) else tuple(value)
        return Query(must=Conditions(keyword=((field, frozen),)))

    @staticmethod
    def range(
        field: str,
        *,
        gte: Bound | None = None,
        gt: Bound | None = None,
        lte: Bound | None = None,
        lt: Bound | None = None,
    ) -> Query:
        """Bounds on a number or date field (ISO 8601 strings or epoch millis for dates)."""
        bounds = tuple(
            (name, bound)
            for name, bound in (("gte", gte), ("gt", gt), ("lte", lte), ("lt", lt))
            if bound is not None
        )
        if not bounds:
            raise ValueError(f"range {field!r}: give at least one of gte, gt, lte, lt")
        return Query(must=Conditions(range=((field, bounds),)))


def _text(condition: TextCondition) -> Query:
    return Query(must=Conditions(text=(condition,)))
