"""The VQL builder: golden contract JSON without a server, then the same queries on a real one."""

from __future__ import annotations

from typing import Any

import pytest

from connectra.client import Q, Query
from tests.client.conftest import Api, Seeded

ISSUE_EXAMPLE = (
    Q.text("title", "engineer", fuzzy=True)
    & Q.keyword("seniority", ["senior"])
    & Q.range("company_employees_count", gte=50)
    & ~Q.keyword("email_status", "bounced")
).order_by("created_at", desc=True)

GOLDEN: list[tuple[Query, dict[str, Any]]] = [
    (Q.all(), {}),
    (
        ISSUE_EXAMPLE,
        {
            "where": {
                "text_matches": {
                    "must": [
                        {
                            "text_value": "engineer",
                            "filter_key": "title",
                            "search_type": "shuffle",
                            "fuzzy": True,
                        }
                    ]
                },
                "keyword_match": {
                    "must": {"seniority": ["senior"]},
                    "must_not": {"email_status": "bounced"},
                },
                "range_query": {"must": {"company_employees_count": {"gte": 50}}},
            },
            "order_by": [{"order_by": "created_at", "order_direction": "desc"}],
        },
    ),
    (
        # §c.2's own example: same-field text conditions OR-ed, keyword any-of.
        (Q.text("title", "cloud", fuzzy=True) | Q.phrase("title", "devops lead", slop=1))
        & Q.keyword("seniority", "senior")
        & Q.keyword("departments", ("engineering", "it")),
        {
            "where": {
                "text_matches": {
                    "must": [
                        {
                            "text_value": "cloud",
                            "filter_key": "title",
                            "search_type": "shuffle",
                            "fuzzy": True,
                        },
                        {
                            "text_value": "devops lead",
                            "filter_key": "title",
                            "search_type": "exact",
                            "slop": 1,
                        },
                    ]
                },
                "keyword_match": {
                    "must": {"seniority": "senior", "departments": ["engineering", "it"]}
                },
            }
        },
    ),
    (
        (
            Q.substring("first_name", "jonat", operator="or")
            & ~Q.phrase("title", "intern")
            & ~Q.text("title", "sales")
            & Q.range("company_employees_count", gte=10)
            & Q.range("company_employees_count", lt=5000)
            & ~Q.range("company_annual_revenue", gt=10**9)
        )
        .order_by("company_employees_count")
        .order_by("uuid")
        .select("uuid", "first_name", "title")
        .populate_company(["name", "website"])
        .page(2)
        .limit(10),
        {
            "where": {
                "text_matches": {
                    "must": [
                        {
                            "text_value": "jonat",
                            "filter_key": "first_name",
                            "search_type": "substring",
                            "operator": "or",
                        }
                    ],
                    "must_not": [
                        {"text_value": "intern", "filter_key": "title", "search_type": "exact"},
                        {"text_value": "sales", "filter_key": "title", "search_type": "shuffle"},
                    ],
                },
                "range_query": {
                    "must": {"company_employees_count": {"gte": 10, "lt": 5000}},
                    "must_not": {"company_annual_revenue": {"gt": 10**9}},
                },
            },
            "order_by": [
                {"order_by": "company_employees_count", "order_direction": "asc"},
                {"order_by": "uuid", "order_direction": "asc"},
            ],
            "select_columns": ["uuid", "first_name", "title"],
            "company_config": {"populate": True, "select_columns": ["name", "website"]},
            "page": 2,
            "limit": 10,
        },
    ),
    (
        Q.all().populate_company().order_by("uuid").cursor(["abc"]).limit(5),
        {
            "order_by": [{"order_by": "uuid", "order_direction": "asc"}],
            "cursor": ["abc"],
            "company_config": {"populate": True},
            "limit": 5,
        },
    ),
]


@pytest.mark.parametrize(("query", "expected"), GOLDEN)
def test_to_dict_is_the_contract_json(query: Query, expected: dict[str, Any]) -> None:
    assert query.to_dict() == expected


def test_builders_are_immutable() -> None:
    base = Q.keyword("seniority", "senior")
    base.limit(5).order_by("uuid")
    assert base.to_dict() == {"where": {"keyword_match": {"must": {"seniority": "senior"}}}}
    assert ~~base == base


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Q.text("title", "a") & Q.text("title", "b"), "use |"),
        (lambda: Q.text("title", "a") | Q.text("city", "b"), "one and the same field"),
        (lambda: Q.text("title", "a") | Q.keyword("city", "b"), "one and the same field"),
        (lambda: ~(Q.keyword("a", "x") & Q.keyword("b", "y")), "exactly one condition"),
        (lambda: ~Q.keyword("a", "x").limit(3), "exactly one condition"),
        (lambda: Q.keyword("city", "a") & Q.keyword("city", "b"), "given twice"),
        (lambda: Q.range("n", gte=1) & Q.range("n", gte=2), "given twice"),
        (lambda: Q.range("n"), "at least one"),
        (lambda: Q.keyword("city", None), "null"),
        (lambda: Q.all().limit(5) & Q.all().limit(6), "set limit"),
    ],
)
def test_what_vql_cannot_say_raises(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_the_server_accepts_the_golden_queries(api: Api) -> None:
    for query, _expected in GOLDEN[:-1]:
        assert api.count_contacts(query) >= 0
        api.search_contacts(query)


def test_the_server_applies_the_issue_example(api: Api, read_server: Seeded) -> None:
    query = ISSUE_EXAMPLE.populate_company(["employees_count"]).limit(100)
    records = api.search_contacts(query).data
    expected = [
        row
        for row in read_server.rows
        if row["seniority"] == "senior"
        and row["email_status"] != "bounced"
        and int(row["employees"]) >= 50
        and "engineer" in row["title"].lower()
    ]
    assert len(records) == len(expected) == api.count_contacts(ISSUE_EXAMPLE) > 0
    for record in records:
        assert record["seniority"] == "senior"
        assert record.get("email_status") != "bounced"
        assert record["company"]["employees_count"] >= 50
    created = [r["created_at"] for r in records]
    assert created == sorted(created, reverse=True)
