"""The measured query classes: each one VQL body for contacts plus its hand-written baseline SQL.

A class's ``where`` is a fixed SQL fragment over the baseline ``contacts`` table with
``%(name)s`` placeholders for ``params``; the list, count, keyset and facet statements around it
are built in :mod:`baseline_queries`. Sorted classes order by ``created_at DESC, uuid DESC`` on
both sides (uuid makes the order total, so page contents can be compared exactly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, LiteralString


class Kind(StrEnum):
    LIST = "list"  # one page of rows plus the total
    COUNT = "count"  # an exact count
    CURSOR = "cursor"  # walk ``pages`` pages with cursors (Connectra) / keyset (baseline)
    FACET = "facet"  # values of a keyword field with document counts


@dataclass(frozen=True, slots=True)
class Facet:
    field: str
    contains: str
    limit: int = 25


@dataclass(frozen=True, slots=True)
class QueryClass:
    name: str
    description: str
    kind: Kind
    vql: dict[str, Any]
    where: LiteralString
    params: dict[str, Any] = field(default_factory=dict)
    pages: int = 1
    facet: Facet | None = None
    fuzzy_title: str | None = None  # the baseline expands this word against the vocabulary

    @property
    def sorted(self) -> bool:
        return bool(self.vql.get("order_by"))

    @property
    def limit(self) -> int:
        return int(self.vql.get("limit") or 25)

    @property
    def offset(self) -> int:
        return (max(int(self.vql.get("page") or 1), 1) - 1) * self.limit


NEWEST_FIRST = [
    {"order_by": "created_at", "order_direction": "desc"},
    {"order_by": "uuid", "order_direction": "desc"},
]
SENIORITIES = ["senior", "manager", "director"]
BIG_COUNTRIES = ["united states", "united kingdom", "india", "germany"]


def _text(field_name: str, value: str, search_type: str, **extra: Any) -> dict[str, Any]:
    return {"text_value": value, "filter_key": field_name, "search_type": search_type, **extra}


def _where(**parts: Any) -> dict[str, Any]:
    return {"where": parts}


CLASSES: tuple[QueryClass, ...] = (
    QueryClass(
        name="keyword_terms",
        description="seniority IN (3 values) AND country = united states; page 1 + total",
        kind=Kind.LIST,
        vql=_where(keyword_match={"must": {"seniority": SENIORITIES, "country": "United States"}}),
        where="seniority = ANY(%(seniority)s) AND country = %(country)s",
        params={"seniority": SENIORITIES, "country": "united states"},
    ),
    QueryClass(
        name="ranges",
        description="company employees 100..5000 AND revenue >= 1e6; page 1 + total",
        kind=Kind.LIST,
        vql=_where(
            range_query={
                "must": {
                    "company_employees_count": {"gte": 100, "lte": 5000},
                    "company_annual_revenue": {"gte": 1_000_000},
                }
            }
        ),
        where=(
            "company_employees_count BETWEEN %(low)s AND %(high)s"
            " AND company_annual_revenue >= %(revenue)s"
        ),
        params={"low": 100, "high": 5000, "revenue": 1_000_000},
    ),
    QueryClass(
        name="fuzzy_title",
        description="title shuffle fuzzy 'enginer' (AUTO: 2 edits); page 1 + total",
        kind=Kind.LIST,
        vql=_where(text_matches={"must": [_text("title", "enginer", "shuffle", fuzzy=True)]}),
        where="title_tsv @@ to_tsquery('simple', %(tsquery)s)",
        fuzzy_title="enginer",
    ),
    QueryClass(
        name="phrase_slop",
        description="title exact 'senior engineer' slop 1; page 1 + total",
        kind=Kind.LIST,
        vql=_where(text_matches={"must": [_text("title", "senior engineer", "exact", slop=1)]}),
        where="title_tsv @@ to_tsquery('simple', %(tsquery)s)",
        params={"tsquery": "senior <-> engineer | senior <2> engineer"},
    ),
    QueryClass(
        name="substring_company",
        description="company_name substring 'forg' (n-grams / ILIKE + trigram); page 1 + total",
        kind=Kind.LIST,
        vql=_where(text_matches={"must": [_text("company_name", "forg", "substring")]}),
        where="company_name ILIKE %(pattern)s",
        params={"pattern": "%forg%"},
    ),
    QueryClass(
        name="combined_sorted",
        description=(
            "title 'engineer' + country + seniority IN + employees 100..5000, not bounced; "
            "sorted by created_at desc, uuid desc; page 3 of 25 + total"
        ),
        kind=Kind.LIST,
        vql={
            **_where(
                text_matches={"must": [_text("title", "engineer", "shuffle")]},
                keyword_match={
                    "must": {
                        "country": "united states",
                        "seniority": ["senior", "manager", "entry"],
                    },
                    "must_not": {"email_status": "bounced"},
                },
                range_query={"must": {"company_employees_count": {"gte": 100, "lte": 5000}}},
            ),
            "order_by": NEWEST_FIRST,
            "page": 3,
            "limit": 25,
        },
        where=(
            "title_tsv @@ to_tsquery('simple', %(tsquery)s) AND country = %(country)s"
            " AND seniority = ANY(%(seniority)s) AND email_status IS DISTINCT FROM %(status)s"
            " AND company_employees_count BETWEEN %(low)s AND %(high)s"
        ),
        params={
            "tsquery": "engineer",
            "country": "united states",
            "seniority": ["senior", "manager", "entry"],
            "status": "bounced",
            "low": 100,
            "high": 5000,
        },
    ),
    QueryClass(
        name="cursor_page20",
        description="country = united states, sorted newest first; walk 20 pages of 25",
        kind=Kind.CURSOR,
        vql={
            **_where(keyword_match={"must": {"country": "united states"}}),
            "order_by": NEWEST_FIRST,
            "limit": 25,
        },
        where="country = %(country)s",
        params={"country": "united states"},
        pages=20,
    ),
    QueryClass(
        name="count_broad",
        description="count: country IN (4 largest) AND email_status NOT IN (bounced, invalid)",
        kind=Kind.COUNT,
        vql=_where(
            keyword_match={
                "must": {"country": BIG_COUNTRIES},
                "must_not": {"email_status": ["bounced", "invalid"]},
            }
        ),
        where=(
            "country = ANY(%(countries)s) AND NOT coalesce(email_status = ANY(%(statuses)s), false)"
        ),
        params={"countries": BIG_COUNTRIES, "statuses": ["bounced", "invalid"]},
    ),
    QueryClass(
        name="count_narrow",
        description="count: seniority = director AND country = germany AND dept = engineering",
        kind=Kind.COUNT,
        vql=_where(
            keyword_match={
                "must": {
                    "seniority": "director",
                    "country": "germany",
                    "departments": "engineering",
                }
            }
        ),
        where=(
            "seniority = %(seniority)s AND country = %(country)s"
            " AND departments @> %(departments)s::text[]"
        ),
        params={"seniority": "director", "country": "germany", "departments": ["engineering"]},
    ),
    QueryClass(
        name="facet_technologies",
        description="company_technologies values containing 'py' among US contacts, top 25",
        kind=Kind.FACET,
        vql=_where(keyword_match={"must": {"country": "united states"}}),
        where="country = %(country)s",
        params={"country": "united states"},
        facet=Facet(field="company_technologies", contains="py"),
    ),
)

CLASS_NAMES: tuple[str, ...] = tuple(c.name for c in CLASSES)
