"""Every row of CONTRACT.md §g.4 (both tables, company contacts, paging, ordering), no server."""

from __future__ import annotations

from typing import Any

import pytest

from connectra.gateway.converter import (
    COMPANY_CONTACT_RULES,
    COMPANY_RULES,
    CONTACT_RULES,
    Rule,
    order_by,
    paging,
    total_order,
    where,
)


def text(field: str, value: str) -> dict[str, Any]:
    return {"text_value": value, "filter_key": field, "search_type": "shuffle", "fuzzy": True}


def must_text(field: str, value: str) -> dict[str, Any]:
    return {"text_matches": {"must": [text(field, value)]}}


def keyword(field: str, value: Any) -> dict[str, Any]:
    return {"keyword_match": {"must": {field: value}}}


def not_keyword(field: str, value: Any) -> dict[str, Any]:
    return {"keyword_match": {"must_not": {field: value}}}


def ranged(field: str, bound: str, value: int) -> dict[str, Any]:
    return {"range_query": {"must": {field: {bound: value}}}}


CONTACT_ROWS: list[tuple[str, Any, dict[str, Any]]] = [
    *[(name, "Ann", must_text(name, "Ann")) for name in ("first_name", "last_name", "title")],
    *[(name, "Austin", must_text(name, "Austin")) for name in ("city", "state", "country")],
    (
        "person_linkedin_url",
        "https://linkedin.com/in/x",
        must_text("linkedin_url", "https://linkedin.com/in/x"),
    ),
    ("contact_location", "Austin", must_text("city", "Austin")),
    ("company", "Acme", must_text("company_name", "Acme")),
    ("include_company_name", "Acme", must_text("company_name", "Acme")),
    ("company_name_for_emails", "Acme", must_text("company_name", "Acme")),
    ("company_location", "Main St", must_text("company_address", "Main St")),
    ("company_address", "Main St", must_text("company_address", "Main St")),
    *[
        (name, "Texas", must_text(name, "Texas"))
        for name in ("company_city", "company_state", "company_country", "company_linkedin_url")
    ],
    ("email", "a@b.io", keyword("email", "a@b.io")),
    ("email_status", "verified", keyword("email_status", "verified")),
    ("seniority", "senior", keyword("seniority", "senior")),
    ("company_id", "c-1", keyword("company_id", "c-1")),
    ("department", "Sales", keyword("departments", ["Sales"])),
    ("departments", ["Sales", "IT"], keyword("departments", ["Sales", "IT"])),
    ("technologies", "aws, react ,", keyword("company_technologies", ["aws", "react"])),
    ("keywords", "saas,b2b", keyword("company_keywords", ["saas", "b2b"])),
    ("industries", "Software", keyword("company_industries", ["Software"])),
    ("employees_min", 10, ranged("company_employees_count", "gte", 10)),
    ("employees_max", 50, ranged("company_employees_count", "lte", 50)),
    ("annual_revenue_min", 1, ranged("company_annual_revenue", "gte", 1)),
    ("annual_revenue_max", 2, ranged("company_annual_revenue", "lte", 2)),
    ("total_funding_min", 3, ranged("company_total_funding", "gte", 3)),
    ("total_funding_max", 4, ranged("company_total_funding", "lte", 4)),
    (
        "exclude_titles",
        ["Intern", "Student"],
        {"text_matches": {"must_not": [text("title", "Intern"), text("title", "Student")]}},
    ),
    ("exclude_seniorities", ["entry"], not_keyword("seniority", ["entry"])),
    ("exclude_departments", ["HR"], not_keyword("departments", ["HR"])),
    ("exclude_company_ids", ["c-1", "c-2"], not_keyword("company_id", ["c-1", "c-2"])),
    ("exclude_industries", ["Retail"], not_keyword("company_industries", ["Retail"])),
    ("exclude_technologies", ["php"], not_keyword("company_technologies", ["php"])),
    ("exclude_keywords", ["crypto"], not_keyword("company_keywords", ["crypto"])),
]

COMPANY_ROWS: list[tuple[str, Any, dict[str, Any]]] = [
    *[
        (name, "acme", must_text(name, "acme"))
        for name in (
            "name",
            "address",
            "city",
            "state",
            "country",
            "linkedin_url",
            "website",
            "normalized_domain",
        )
    ],
    ("industries", "Software, Retail", keyword("industries", ["Software", "Retail"])),
    ("keywords", "saas", keyword("keywords", ["saas"])),
    ("technologies", "aws,gcp", keyword("technologies", ["aws", "gcp"])),
    ("employees_min", 10, ranged("employees_count", "gte", 10)),
    ("employees_max", 50, ranged("employees_count", "lte", 50)),
    ("annual_revenue_min", 1, ranged("annual_revenue", "gte", 1)),
    ("annual_revenue_max", 2, ranged("annual_revenue", "lte", 2)),
    ("total_funding_min", 3, ranged("total_funding", "gte", 3)),
    ("total_funding_max", 4, ranged("total_funding", "lte", 4)),
]

COMPANY_CONTACT_ROWS: list[tuple[str, Any, dict[str, Any]]] = [
    ("mobile_phone", "15125550100", keyword("mobile_phone", "15125550100")),
    (
        "exclude_contact_locations",
        ["Austin", "Paris"],
        {"text_matches": {"must_not": [text("city", "Austin"), text("city", "Paris")]}},
    ),
]


@pytest.mark.parametrize(("param", "value", "expected"), CONTACT_ROWS)
def test_contact_row(param: str, value: Any, expected: dict[str, Any]) -> None:
    assert where({param: value}, CONTACT_RULES) == expected


@pytest.mark.parametrize(("param", "value", "expected"), COMPANY_ROWS)
def test_company_row(param: str, value: Any, expected: dict[str, Any]) -> None:
    assert where({param: value}, COMPANY_RULES) == expected


@pytest.mark.parametrize(("param", "value", "expected"), COMPANY_CONTACT_ROWS)
def test_company_contact_row(param: str, value: Any, expected: dict[str, Any]) -> None:
    assert where({param: value}, COMPANY_CONTACT_RULES) == expected


def test_every_rule_has_a_row() -> None:
    def covered(rows: list[tuple[str, Any, dict[str, Any]]]) -> set[str]:
        return {row[0] for row in rows}

    assert covered(CONTACT_ROWS) == set(CONTACT_RULES)
    assert covered(COMPANY_ROWS) == set(COMPANY_RULES)
    shared = set(COMPANY_CONTACT_RULES) - covered(COMPANY_CONTACT_ROWS)
    assert all(COMPANY_CONTACT_RULES[name] == CONTACT_RULES[name] for name in shared)


def test_conditions_combine() -> None:
    params = {
        "company": "Acme",
        "include_company_name": "Globex",
        "department": "Sales",
        "departments": ["IT", "Sales"],
        "employees_min": 10,
        "employees_max": 50,
        "seniority": " senior ",
    }
    assert where(params, CONTACT_RULES) == {
        "text_matches": {"must": [text("company_name", "Acme"), text("company_name", "Globex")]},
        "keyword_match": {"must": {"departments": ["Sales", "IT"], "seniority": "senior"}},
        "range_query": {"must": {"company_employees_count": {"gte": 10, "lte": 50}}},
    }


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_empty_scalars_add_nothing(empty: Any) -> None:
    assert where({"title": empty, "seniority": empty, "employees_min": None}, CONTACT_RULES) == {}


@pytest.mark.parametrize("empty", [None, "", [], [" ", ""], ","])
def test_empty_lists_add_nothing(empty: Any) -> None:
    params = {"exclude_titles": empty, "keywords": empty, "exclude_industries": empty}
    assert where(params, CONTACT_RULES) == {}


def test_text_takes_string_values_only() -> None:
    assert where({"company": ["Acme"]}, CONTACT_RULES) == {}


def test_unknown_parameter_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        where({"nope": "x"}, CONTACT_RULES)


def test_rules_are_frozen() -> None:
    assert CONTACT_RULES["company"] == Rule("company_name", CONTACT_RULES["company"].kind)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, (1, 25)),
        ({"page": 3}, (3, 25)),
        ({"page": 0}, (1, 25)),
        ({"page": -3}, (1, 25)),
        ({"limit": 10}, (1, 10)),
        ({"page_size": 40}, (1, 40)),
        ({"limit": 10, "page_size": 40}, (1, 10)),
        ({"limit": 500}, (1, 100)),
        ({"page_size": 101}, (1, 100)),
        ({"limit": 0, "page_size": -1}, (1, 25)),
    ],
)
def test_paging(args: dict[str, int], expected: tuple[int, int]) -> None:
    assert paging(**args) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, []),
        ("", []),
        ("created_at", [("created_at", "asc")]),
        ("created_at:DESC", [("created_at", "desc")]),
        ("seniority:desc, created_at:asc", [("seniority", "desc"), ("created_at", "asc")]),
        ("city:sideways", [("city", "asc")]),
        (":desc,,city:", [("city", "asc")]),
    ],
)
def test_ordering(ordering: str | None, expected: list[tuple[str, str]]) -> None:
    assert order_by(ordering) == [
        {"order_by": name, "order_direction": direction} for name, direction in expected
    ]


def test_total_order_appends_uuid_once() -> None:
    assert total_order([]) == [{"order_by": "uuid", "order_direction": "asc"}]
    keys = [{"order_by": "city", "order_direction": "desc"}]
    assert total_order(keys) == [*keys, {"order_by": "uuid", "order_direction": "asc"}]
    ending = [{"order_by": "uuid", "order_direction": "desc"}]
    assert total_order(ending) == ending
