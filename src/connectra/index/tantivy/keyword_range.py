"""Keyword ranges (:class:`~connectra.vql.ast.KeywordRange`) as exact tantivy queries.

tantivy 0.27's Python API has no range query on string fields, so the range is decided on what
it does have. A single-valued keyword field has the ``__p8`` integer (its first 8 UTF-8 bytes,
order-preserving): every value whose code lies strictly between the bounds' codes is in range
(one fast-field range), and the values sharing a bound's code (found in the term dictionary
under the bound's prefix and checked in Python) are added as a term set. A multi-valued field
matches when any of its values is in range, which ``__min``/``__max`` cannot tell, so its term
dictionary (under the bounds' common prefix) is expanded into a term set; such fields are tag
lists with few distinct values.
"""

from __future__ import annotations

from typing import Any

import tantivy

from connectra.index.tantivy.queries import either
from connectra.index.tantivy.schema import CODE_BYTES, char_prefix, prefix_code
from connectra.model.fields import IndexField
from connectra.vql.ast import KeywordRange

_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1


def keyword_range_query(searcher: Any, schema: Any, field: IndexField, clause: KeywordRange) -> Any:
    """The documents holding a value of ``field`` in the range."""
    if clause.empty:
        return tantivy.Query.empty_query()
    if field.multi:
        terms = _terms(searcher, field.name, _common_prefix(clause), clause)
        return _term_set(schema, field.name, terms) or tantivy.Query.empty_query()
    return single_valued_range(searcher, schema, field.name, clause)


def single_valued_range(searcher: Any, schema: Any, name: str, clause: KeywordRange) -> Any:
    """The same on a single-valued keyword field ``name`` that has a ``<name>__p8`` code."""
    if clause.empty:
        return tantivy.Query.empty_query()
    low = None if clause.low is None else prefix_code(clause.low)
    high = None if clause.high is None else prefix_code(clause.high)
    parts = [_between(schema, f"{name}__p8", low, high)]
    edges = {code for code in (low, high) if code is not None}
    terms = [
        term
        for bound in dict.fromkeys(b for b in (clause.low, clause.high) if b is not None)
        for term in _same_code(searcher, name, bound)
        if prefix_code(term) in edges and clause.holds(term)
    ]
    parts.append(_term_set(schema, name, terms))
    found = [part for part in parts if part is not None]
    if not found:
        return tantivy.Query.empty_query()
    return found[0] if len(found) == 1 else either(*found)


def _common_prefix(clause: KeywordRange) -> str:
    """What every string in the range starts with ("" unless both bounds are given)."""
    if clause.low is None or clause.high is None:
        return ""
    size = 0
    for a, b in zip(clause.low, clause.high, strict=False):
        if a != b:
            break
        size += 1
    return clause.low[:size]


def _terms(searcher: Any, field: str, prefix: str, clause: KeywordRange) -> list[str]:
    """The field's terms under ``prefix`` that lie in the range (the dictionary may still hold
    terms of deleted documents: as a term set they match nothing more)."""
    return [term for term, _ in searcher.terms_with_prefix(field, prefix) if clause.holds(term)]


def _same_code(searcher: Any, field: str, bound: str) -> list[str]:
    """Candidates for the terms whose :func:`prefix_code` equals the bound's (a superset).

    A bound shorter than 8 bytes shares its code only with itself followed by NULs, so the
    dictionary is not walked under a short prefix such as ``"a"``.
    """
    if len(bound.encode("utf-8", "surrogatepass")) < CODE_BYTES:
        return [bound, *(term for term, _ in searcher.terms_with_prefix(field, bound + "\0"))]
    return [term for term, _ in searcher.terms_with_prefix(field, char_prefix(bound))]


def _term_set(schema: Any, field: str, terms: list[str]) -> Any | None:
    if not terms:
        return None
    return tantivy.Query.term_set_query(schema, field, list(dict.fromkeys(terms)))


def _between(schema: Any, field: str, low: int | None, high: int | None) -> Any | None:
    """Codes strictly between ``low`` and ``high`` (``None``: open)."""
    start = None if low is None else low + 1
    end = None if high is None else high - 1
    if (start is not None and start > _I64_MAX) or (end is not None and end < _I64_MIN):
        return None
    if start is not None and end is not None and start > end:
        return None
    return tantivy.Query.range_query(schema, field, tantivy.FieldType.Integer, start, end)
