"""Lists, counts and gets through a real gateway over a real Connectra."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectra.gateway.converter import COMPANY_RULES, CONTACT_RULES, where
from tests.acceptance.server import assert_error
from tests.gateway.conftest import Stack

CONTACT_FILTERS: list[dict[str, Any]] = [
    {},
    {"seniority": "senior"},
    {"seniority": "Senior", "country": "France"},
    {"title": "manager"},
    {"department": "sales"},
    {"industries": "Information Technology & Services, Retail"},
    {"technologies": "Elixir"},
    {"employees_min": 10, "employees_max": 500},
    {"company": "Gmbh"},
    {"exclude_seniorities": ["senior", "entry"]},
    {"exclude_titles": ["manager"]},
    {"email_status": "verified", "annual_revenue_min": 100000},
]
COMPANY_FILTERS: list[dict[str, Any]] = [
    {},
    {"country": "France"},
    {"technologies": "Python,React"},
    {"employees_max": 50},
    {"keywords": "fintech"},
]


def _query(params: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        out.extend((name, str(v)) for v in values)
    return out


def _vql(params: dict[str, Any], rules: Any) -> dict[str, Any]:
    built = where(params, rules)
    return {"where": built} if built else {}


@pytest.mark.parametrize("params", CONTACT_FILTERS)
def test_contact_count_equals_connectra(
    stack: Stack, gw: httpx.Client, params: dict[str, Any]
) -> None:
    answer = gw.get("/api/v1/contacts/count/", params=_query(params))
    assert answer.status_code == 200, answer.text
    with stack.connectra_client() as connectra:
        expected = connectra.count_contacts(_vql(params, CONTACT_RULES))
    assert answer.json() == {"count": expected, "success": True}
    if params:
        assert 0 < expected < 240  # the filter really filters


@pytest.mark.parametrize("params", COMPANY_FILTERS)
def test_company_count_equals_connectra(
    stack: Stack, gw: httpx.Client, params: dict[str, Any]
) -> None:
    answer = gw.get("/api/v1/companies/count/", params=_query(params))
    assert answer.status_code == 200, answer.text
    with stack.connectra_client() as connectra:
        expected = connectra.count_companies(_vql(params, COMPANY_RULES))
    assert answer.json()["count"] == expected


def _walk(gw: httpx.Client, url: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    answer = gw.get(url, params=params)
    while True:
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        link = pages[-1]["next"]
        if link is None:
            return pages
        answer = gw.get(link)


@pytest.mark.parametrize("mode", ["cursor", "page"])
def test_walking_next_links_returns_every_record_once(
    stack: Stack, gw: httpx.Client, mode: str
) -> None:
    params = [("seniority", "senior"), ("limit", "7"), ("ordering", "created_at:desc")]
    if mode == "page":
        params.append(("page", "1"))
    pages = _walk(gw, "/api/v1/contacts/", params)
    uuids = [item["uuid"] for page in pages for item in page["data"]]
    with stack.connectra_client() as connectra:
        expected = {
            r["uuid"]
            for r in connectra.iter_contacts(
                {"where": {"keyword_match": {"must": {"seniority": "senior"}}}}
            )
        }
    assert len(uuids) == len(set(uuids)) == len(expected)
    assert set(uuids) == expected
    assert all(item["seniority"] == "senior" for page in pages for item in page["data"])
    assert pages[0]["previous"] is None
    assert pages[1]["previous"] is not None
    back = gw.get(pages[2]["previous"]).json()
    assert back["data"] == pages[1]["data"]


def test_cursor_walk_goes_past_connectras_page_window(stack: Stack, gw: httpx.Client) -> None:
    pages = _walk(gw, "/api/v1/contacts/", [("limit", "20")])
    uuids = [item["uuid"] for page in pages for item in page["data"]]
    assert len(pages) > 10  # Connectra's page mode stops at page 10
    assert len(uuids) == len(set(uuids)) >= 240


def test_contact_item_shape(gw: httpx.Client) -> None:
    page = gw.get("/api/v1/contacts/", params={"limit": 3, "seniority": "senior"}).json()
    item = page["data"][0]
    assert item["company"]
    assert item["person_linkedin_url"].startswith("https://www.linkedin.com/in/")
    assert isinstance(item["technologies"], str)
    assert ", " in item["technologies"]
    assert "linkedin_url" not in item
    simple = gw.get(
        "/api/v1/contacts/", params={"limit": 3, "seniority": "senior", "view": "simple"}
    )
    short = simple.json()["data"][0]
    assert short["uuid"] == item["uuid"]
    assert short["company_name"] == item["company"]
    assert short["location"] == {k: item[k] for k in ("city", "state", "country")}
    assert_error(gw.get("/api/v1/companies/", params={"view": "simple"}), 400, "VALIDATION_ERROR")


def test_get_by_uuid(gw: httpx.Client) -> None:
    first = gw.get("/api/v1/contacts/", params={"limit": 1}).json()["data"][0]
    again = gw.get(f"/api/v1/contacts/{first['uuid'].upper()}/")
    assert again.status_code == 200
    assert again.json()["data"] == first
    company = gw.get("/api/v1/companies/", params={"limit": 1}).json()["data"][0]
    assert gw.get(f"/api/v1/companies/{company['uuid']}/").json()["data"] == company
    missing = gw.get("/api/v1/contacts/00000000-0000-5000-8000-000000000000/")
    assert_error(missing, 404, "NOT_FOUND", "ERR_CONTACT_NOT_FOUND")


def test_company_contacts_list_and_count(stack: Stack, gw: httpx.Client) -> None:
    contact = gw.get("/api/v1/contacts/", params={"limit": 1}).json()["data"][0]
    with stack.connectra_client() as connectra:
        company_id = connectra.get_contact(contact["uuid"])["company_id"]
        expected = connectra.count_contacts(
            {"where": {"keyword_match": {"must": {"company_id": company_id}}}}
        )
    base = f"/api/v1/companies/company/{company_id}/contacts/"
    assert gw.get(base + "count/").json()["count"] == expected
    listed = gw.get(base, params={"limit": 100}).json()["data"]
    assert len(listed) == expected
    assert contact["uuid"] in {c["uuid"] for c in listed}
    title = gw.get(base + "count/", params={"exclude_titles": contact["title"]}).json()
    assert title["count"] < expected


def test_unknown_parameter_is_refused(gw: httpx.Client) -> None:
    assert_error(gw.get("/api/v1/contacts/", params={"senority": "x"}), 400, "VALIDATION_ERROR")
    assert_error(
        gw.get("/api/v1/companies/company/x/contacts/", params={"website": "x"}),
        400,
        "VALIDATION_ERROR",
    )


def test_connectra_4xx_passes_through(gw: httpx.Client) -> None:
    too_far = gw.get("/api/v1/contacts/", params={"page": 11})
    assert_error(too_far, 400, "VALIDATION_ERROR", "ERR_PAGE_OUT_OF_RANGE")
    bad_sort = gw.get("/api/v1/contacts/", params={"ordering": "first_name"})
    assert_error(bad_sort, 400, "VALIDATION_ERROR")
    assert_error(
        gw.get("/api/v1/contacts/", params={"cursor": "garbage"}),
        400,
        "VALIDATION_ERROR",
        "ERR_INVALID_CURSOR",
    )


def test_gateway_auth(stack: Stack) -> None:
    with httpx.Client(base_url=stack.gateway.base) as anonymous:
        assert_error(anonymous.get("/api/v1/contacts/count/"), 401, "UNAUTHORIZED")
        wrong = anonymous.get("/api/v1/contacts/count/", headers={"X-API-Key": "nope"})
        assert_error(wrong, 401, "UNAUTHORIZED")
        second = anonymous.get("/api/v1/contacts/count/", headers={"X-API-Key": "other-key"})
        assert second.status_code == 200
        health = anonymous.get("/health/vql").json()
        assert health["connectra"]["reachable"] is True
        assert health["connectra"]["latency_ms"] >= 0
        assert "paths" in anonymous.get("/openapi.json").json()
