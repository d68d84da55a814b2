"""Seeking on a larger index: cursor walks and filter-only first pages that go through value
windows (too few documents in the other conformance tests to need them) agree with the reference
matcher, in both directions, with ties, missing values and sparse or broad filters."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectra.index.base import SearchIndex
from connectra.index.documents import build_document
from connectra.index.memory import MemoryIndex
from connectra.index.tantivy import TantivyIndex
from connectra.model.fields import CONTACT
from connectra.model.identity import contact_uuid
from connectra.vql import cursor
from connectra.vql.ast import Page
from connectra.vql.validate import parse_search

T0 = datetime(2024, 1, 1, tzinfo=UTC)
COUNTRIES = ["us", "uk", "de", "fr", "in", "jp", "br", "rare"]


def _documents(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    docs = []
    for n in range(count):
        row = {
            "uuid": contact_uuid(f"first{n}", "last", f"https://linkedin.com/in/p{n}"),
            "country": rng.choices(COUNTRIES, weights=[40, 20, 10, 10, 10, 5, 4, 1])[0],
            "seniority": rng.choice(["senior", "entry", None]),
            # Ties (many contacts share a second), gaps, and a few without a date.
            "created_at": None if n % 97 == 0 else T0 + timedelta(seconds=rng.randrange(0, 4000)),
        }
        company = {"employees_count": rng.choice([None, *range(0, 5000, 250)])}
        docs.append(build_document(CONTACT, row, company))
    return docs


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    docs = _documents(3000)
    oracle = MemoryIndex()
    oracle.apply(CONTACT, docs, [])
    tantivy = TantivyIndex(Path(tmp_path_factory.mktemp("seek")), writer_heap=15_000_000)
    tantivy.apply(CONTACT, docs[:1500], [])
    tantivy.apply(CONTACT, docs[1500:], [])
    yield oracle, tantivy
    tantivy.close()


def _walk(index: SearchIndex, body: dict[str, Any], pages: int) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    request = dict(body)
    for _ in range(pages):
        search = parse_search(request, CONTACT)
        hits = index.search(CONTACT, search.query, search.sort, search.page).hits
        if not hits:
            break
        seen += [(hit.uuid, hit.sort_values) for hit in hits]
        request["cursor"] = cursor.encode(search.sort, hits[-1].sort_values, hits[-1].uuid)
    return seen


@pytest.mark.parametrize("country", [["us"], ["rare"], ["us", "uk", "de"]])
@pytest.mark.parametrize(
    "order",
    [
        [("created_at", "desc"), ("uuid", "desc")],
        [("created_at", "asc")],
        [("company_employees_count", "desc")],
        [("uuid", "asc")],
        [("seniority", "asc"), ("created_at", "desc")],
    ],
)
def test_cursor_walks_agree(
    engines: tuple[SearchIndex, SearchIndex], country: list[str], order: list[tuple[str, str]]
) -> None:
    body = {
        "where": {"keyword_match": {"must": {"country": country}}},
        "order_by": [{"order_by": f, "order_direction": d} for f, d in order],
        "limit": 7,
    }
    oracle, tantivy = engines
    assert _walk(tantivy, body, 12) == _walk(oracle, body, 12)


@pytest.mark.parametrize(
    "where",
    [
        {"keyword_match": {"must": {"country": "us"}}},
        {"keyword_match": {"must": {"country": "rare"}}},
        {"keyword_match": {"must": {"country": ["us", "uk"]}, "must_not": {"seniority": "entry"}}},
        {"range_query": {"must": {"company_employees_count": {"gte": 1000, "lte": 1500}}}},
        {"keyword_match": {"must": {"country": "nowhere"}}},
    ],
)
@pytest.mark.parametrize("limit", [1, 25, 100])
def test_filter_only_first_pages_are_the_lowest_uuids(
    engines: tuple[SearchIndex, SearchIndex], where: dict[str, Any], limit: int
) -> None:
    """Without a total, such a page seeks in uuid order: exactly the first matches by uuid
    (the contract leaves the order open; the windows must not skip a match)."""
    oracle, tantivy = engines
    search = parse_search({"where": where, "limit": limit}, CONTACT)
    matching = oracle.search(CONTACT, search.query, (), Page(limit=10_000)).hits
    got = tantivy.search(CONTACT, search.query, (), search.page).hits
    assert [hit.uuid for hit in got] == sorted(hit.uuid for hit in matching)[:limit]


@pytest.mark.parametrize(
    "value", ["", "0", "8", "80000000-0000", "g", "zz", "80000000-0000-5000-8000-0000000000000"]
)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_hand_written_uuid_cursor_that_is_no_uuid(
    engines: tuple[SearchIndex, SearchIndex], value: str, direction: str
) -> None:
    body = {
        "where": {"keyword_match": {"must": {"country": "uk"}}},
        "order_by": [{"order_by": "uuid", "order_direction": direction}],
        "cursor": [value],
        "limit": 5,
    }
    oracle, tantivy = engines
    search = parse_search(body, CONTACT)
    expected = oracle.search(CONTACT, search.query, search.sort, search.page).hits
    assert tantivy.search(CONTACT, search.query, search.sort, search.page).hits == expected
