"""Differential property test: random records x random VQL → every engine answers exactly what
the reference matcher answers (results, totals, counts and, when sorted, order and cursors)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from connectra.errors import ValidationError
from connectra.index.base import SearchIndex
from connectra.index.documents import build_document
from connectra.index.memory import MemoryIndex
from connectra.index.opensearch import OpenSearchIndex
from connectra.index.tantivy import TantivyIndex
from connectra.model.fields import CONTACT
from connectra.vql import cursor
from connectra.vql.ast import Page
from connectra.vql.validate import parse_search
from tests.opensearch import delete_prefix, fresh_url

WORDS = [
    "senior", "Senior", "engineer", "enginer", "enigneer", "sales", "sálés", "Zoë", "zoe", "ab",
    "abc", "abcd", "microelectronics", "Straße", "ΣΑΣ", "İstanbul", "o'neil", "acme.io", "x1",
    "42", "data-engineer", "DATA", "vp", "of", "a", "b",
]  # fmt: skip
KEYWORDS = ["Senior", "senior", "manager", "Engineering", "sales", "São Paulo", "são paulo", "it"]
TEXT_FIELDS = ["title", "first_name", "company_name"]
SORTABLE = [
    "seniority", "departments", "city", "company_employees_count", "created_at", "email",
    "company_technologies",
]  # fmt: skip
T0 = datetime(2024, 1, 1, tzinfo=UTC)

phrase = st.lists(st.sampled_from(WORDS), min_size=0, max_size=4).map(" ".join)
free_text = st.text(alphabet=st.sampled_from("aäbcé sS-.'İΣ1_\u0301"), min_size=0, max_size=12)
text_value = st.one_of(phrase, free_text)


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for n in range(draw(st.integers(min_value=0, max_value=30))):
        contact = {
            "uuid": f"00000000-0000-5000-8000-{n:012d}",
            "title": draw(text_value),
            "first_name": draw(st.one_of(st.none(), st.sampled_from(WORDS))),
            "seniority": draw(st.one_of(st.none(), st.sampled_from(KEYWORDS))),
            "departments": draw(st.lists(st.sampled_from(KEYWORDS), max_size=3)),
            "city": draw(st.one_of(st.none(), st.sampled_from(KEYWORDS))),
            "email": draw(st.one_of(st.none(), st.sampled_from(["a@x.io", "B@x.io", "c@y.io"]))),
            "created_at": T0 + timedelta(seconds=draw(st.integers(0, 5)) * 1.5),
        }
        company = {
            "name": draw(text_value),
            "employees_count": draw(st.one_of(st.none(), st.integers(0, 5))),
            "technologies": draw(st.lists(st.sampled_from(KEYWORDS), max_size=3)),
        }
        rows.append(build_document(CONTACT, contact, company))
    return rows


@st.composite
def text_condition(draw: st.DrawFn) -> dict[str, Any]:
    search_type = draw(st.sampled_from(["exact", "shuffle", "substring"]))
    fields = TEXT_FIELDS if search_type == "substring" else [*TEXT_FIELDS, "city", "departments"]
    return {
        "text_value": draw(text_value),
        "filter_key": draw(st.sampled_from(fields)),
        "search_type": search_type,
        "slop": draw(st.integers(0, 3)),
        "operator": draw(st.sampled_from(["and", "or", "OR"])),
        "fuzzy": draw(st.booleans()),
    }


keyword_values = st.one_of(
    st.sampled_from(KEYWORDS), st.lists(st.sampled_from(KEYWORDS), max_size=3)
)
keyword_map = st.dictionaries(
    st.sampled_from(["seniority", "departments", "city", "company_technologies"]),
    keyword_values,
    max_size=1,
)
bound = st.dictionaries(st.sampled_from(["gte", "gt", "lte", "lt"]), st.integers(-1, 6), min_size=1)
# Keyword ranges compare lower-cased strings by code point: bounds around the stored values,
# mixed case, non-ASCII (ã after u), prefixes of values and the empty string.
keyword_bound = st.dictionaries(
    st.sampled_from(["gte", "gt", "lte", "lt"]),
    st.sampled_from(
        [*KEYWORDS, "", "s", "SA", "são", "sãz", "e", "it", "m", "zz", "b@", "\U0001f600"]
    ),
    min_size=1,
)
date_bound = st.dictionaries(
    st.sampled_from(["gte", "gt", "lte", "lt"]),
    st.sampled_from(["2024-01-01T00:00:03Z", "2024-01-01", "2024-01-01T00:00:06+00:00"]),
    min_size=1,
)


@st.composite
def vql(draw: st.DrawFn) -> dict[str, Any]:
    # Each part is present only sometimes, so that many queries still match something.
    maybe = st.booleans()
    where: dict[str, Any] = {}
    if draw(maybe):
        where["text_matches"] = {
            "must": draw(st.lists(text_condition(), max_size=2)),
            "must_not": draw(st.lists(text_condition(), max_size=1)),
        }
    if draw(maybe):
        where["keyword_match"] = {"must": draw(keyword_map), "must_not": draw(keyword_map)}
    if draw(maybe):
        where["range_query"] = {
            "must": draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "company_employees_count": bound,
                        "seniority": keyword_bound,
                        "departments": keyword_bound,
                    },
                )
            ),
            "must_not": draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "created_at": date_bound,
                        "city": keyword_bound,
                        "company_technologies": keyword_bound,
                        "email": keyword_bound,
                    },
                )
            ),
        }
    order = draw(st.lists(st.sampled_from(SORTABLE), max_size=3, unique=True))
    return {
        "where": where,
        "order_by": [
            {"order_by": field, "order_direction": draw(st.sampled_from(["asc", "desc"]))}
            for field in order
        ],
        "limit": draw(st.integers(1, 7)),
    }


def _tantivy_factory() -> Callable[[], Iterator[SearchIndex]]:
    @contextmanager
    def make() -> Iterator[SearchIndex]:
        path = tempfile.mkdtemp(prefix="connectra-diff-")
        index = TantivyIndex(path, writer_heap=15_000_000)
        try:
            yield index
        finally:
            index.close()
            shutil.rmtree(path, ignore_errors=True)

    return make


def _walk(index: SearchIndex, body: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """Every hit of a sorted query, page by page through cursors."""
    seen: list[tuple[str, tuple[Any, ...]]] = []
    request = dict(body)
    for _ in range(100):
        search = parse_search(request, CONTACT)
        hits = index.search(CONTACT, search.query, search.sort, search.page).hits
        if not hits:
            return seen
        seen += [(hit.uuid, hit.sort_values) for hit in hits]
        last = hits[-1]
        request["cursor"] = cursor.encode(search.sort, last.sort_values, last.uuid)
    raise AssertionError("cursor paging did not end")


def _assert_agrees(engine: SearchIndex, docs: list[dict[str, Any]], bodies: list[Any]) -> None:
    oracle = MemoryIndex()
    oracle.apply(CONTACT, docs, [])
    engine.apply(CONTACT, docs, [])
    for body in bodies:
        try:
            search = parse_search(body, CONTACT)
        except ValidationError:
            event("invalid body")
            continue
        everything = Page(limit=1000)
        expected = oracle.search(CONTACT, search.query, search.sort, everything, with_total=True)
        got = engine.search(CONTACT, search.query, search.sort, everything, with_total=True)
        assert got.total == expected.total, body
        event("matches: none" if not expected.total else "matches: some")
        event("sorted" if search.sort else "unsorted")
        assert engine.count(CONTACT, search.query) == expected.total, body
        if not search.sort:
            assert {h.uuid for h in got.hits} == {h.uuid for h in expected.hits}, body
            continue
        assert got.hits == expected.hits, body
        assert _walk(engine, body) == [(h.uuid, h.sort_values) for h in expected.hits], body
        page = engine.search(CONTACT, search.query, search.sort, search.page).hits
        assert page == expected.hits[: search.page.limit], body


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(docs=records(), bodies=st.lists(vql(), min_size=1, max_size=6))
def test_tantivy_agrees_with_the_reference(docs: list[dict[str, Any]], bodies: list[Any]) -> None:
    with _tantivy_factory()() as engine:
        _assert_agrees(engine, docs, bodies)


@pytest.fixture(scope="module")
def opensearch() -> Iterator[OpenSearchIndex]:
    """One index for every example, emptied between them by deleting the last example's
    documents (a new index per example cost a rebuild and its alias swap: 83 s for 60)."""
    index = OpenSearchIndex(fresh_url())
    try:
        yield index
    finally:
        index.close()
        delete_prefix(index.url)


# As many examples as on tantivy.
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(docs=records(), bodies=st.lists(vql(), min_size=1, max_size=6))
def test_opensearch_agrees_with_the_reference(
    opensearch: OpenSearchIndex, docs: list[dict[str, Any]], bodies: list[Any]
) -> None:
    stale = [stamp.uuid for stamp in opensearch.stamps(CONTACT, after=None, limit=10_000)]
    opensearch.apply(CONTACT, [], stale)
    _assert_agrees(opensearch, docs, bodies)
