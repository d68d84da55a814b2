"""Small tantivy query and search helpers shared by the compiler and the sorter.

Traps handled here: ``limit=0`` panics with a BaseException (never passed); a boolean query of
only MustNot clauses matches nothing (an all-query is added).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tantivy

Occur = tantivy.Occur


def must(*queries: Any) -> Any:
    return tantivy.Query.boolean_query([(Occur.Must, q) for q in queries])


def either(*queries: Any) -> Any:
    return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])


def missing(field: str) -> Any:
    return tantivy.Query.all_query().and_must_not_match(tantivy.Query.exists_query(field))


def count(searcher: Any, query: Any) -> int:
    return int(searcher.search(query, limit=1, count=True).count)


def all_docs(searcher: Any, query: Any) -> Iterator[Any]:
    """Every document matching ``query`` (tantivy needs a positive limit)."""
    total = count(searcher, query)
    if total:
        for _, address in searcher.search(query, limit=total, count=False).hits:
            yield searcher.doc(address)
