"""Filter routes and ``POST /common/batch-upsert`` over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.acceptance.conftest import Seeded
from tests.acceptance.server import assert_error

SERVICES = {"contact": 13, "company": 14}
DEFINITION_KEYS = {
    "id", "key", "service", "filter_type", "display_name", "direct_derived", "active", "deleted_at",
}  # fmt: skip


def _get(seeded: Seeded, path: str) -> httpx.Response:
    with seeded.server.client() as client:
        return client.get(path)


def _post(seeded: Seeded, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
    with seeded.server.client() as client:
        if body is None:
            return client.post(path, **kwargs)
        return client.post(path, json=body, **kwargs)


def _values(seeded: Seeded, service: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = _post(seeded, f"/common/{service}/filters/data", body)
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    return list(response.json()["data"])


# -- definitions ----------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "plural"), [("contact", "contacts"), ("company", "companies")])
def test_definitions_on_every_route(seeded: Seeded, service: str, plural: str) -> None:
    paths = [f"/common/{service}/filters", f"/common/{plural}/filters", f"/{plural}/filters"]
    bodies = [_get(seeded, path) for path in paths]
    assert [r.status_code for r in bodies] == [200, 200, 200]
    assert bodies[0].json() == bodies[1].json() == bodies[2].json()
    data = bodies[0].json()["data"]
    assert len(data) == SERVICES[service]
    assert [row["key"] for row in data] == sorted(row["key"] for row in data)
    for row in data:
        assert set(row) == DEFINITION_KEYS
        assert row["deleted_at"] is None  # present and null, unlike entity rows
        assert row["service"] == service
    assert b'"deleted_at":null' in bodies[2].content


def test_unknown_service_is_400(seeded: Seeded) -> None:
    for response in (
        _get(seeded, "/common/people/filters"),
        _post(seeded, "/common/people/filters/data", {"filter_key": "city"}),
    ):
        assert_error(response, 400, "VALIDATION_ERROR", "ERR_UNSUPPORTED_SERVICE")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/contacts/filters"), ("POST", "/companies/filters/data"),
     ("GET", "/common/contact/filters"), ("POST", "/common/batch-upsert")],
)  # fmt: skip
def test_filter_routes_need_a_key(seeded: Seeded, method: str, path: str) -> None:
    response = httpx.request(method, f"{seeded.server.base}{path}", json={"filter_key": "city"})
    assert_error(response, 401, "UNAUTHORIZED")


# -- values ---------------------------------------------------------------------------------


def test_values_on_every_route(seeded: Seeded) -> None:
    body = {"filter_key": "country", "limit": 100}
    common = _values(seeded, "contact", body)
    assert common
    assert _values(seeded, "contacts", body) == common
    alias = _post(seeded, "/contacts/filters/data", {**body, "service": "company"})  # ignored
    assert alias.json() == {"data": common, "success": True}
    for item in common:
        assert set(item) == {"value", "display_value", "count"}
        assert item["count"] > 0
    companies = _post(seeded, "/companies/filters/data", {"filter_key": "technologies"}).json()
    assert len(companies["data"]) == 25  # default limit


def test_counts_agree_with_the_count_endpoint(seeded: Seeded) -> None:
    """The dropdown count of a value = what filtering on it finds (the deleted one excluded)."""
    for item in _values(seeded, "contact", {"filter_key": "seniority"}):
        where = {"where": {"keyword_match": {"must": {"seniority": item["value"]}}}}
        assert _post(seeded, "/contacts/count", where).json()["count"] == item["count"]
    total = sum(i["count"] for i in _values(seeded, "contact", {"filter_key": "email_status"}))
    assert total == seeded.live_contacts


def test_search_paging_and_direct_derived(seeded: Seeded) -> None:
    search = _values(seeded, "company", {"filter_key": "technologies", "search_text": "GOOGLE"})
    assert search
    assert all("google" in item["display_value"].lower() for item in search)
    first = _values(seeded, "company", {"filter_key": "uuid", "page": 1, "limit": 10})
    second = _values(seeded, "company", {"filter_key": "uuid", "page": 2, "limit": 10})
    assert len(first) == len(second) == 10
    assert not {i["value"] for i in first} & {i["value"] for i in second}
    assert all(item["count"] == 1 for item in first + second)
    employees = _values(seeded, "company", {"filter_key": "employees_count", "limit": 100})
    assert employees
    assert all(item["value"] == item["display_value"] for item in employees)
    assert all(item["value"].isdigit() for item in employees)


@pytest.mark.parametrize(
    ("body", "status", "code", "token", "path"),
    [
        ({"filter_key": "city", "limit": 101}, 400, "VALIDATION_ERROR", "ERR_PAGE_SIZE_EXCEEDED",
         "limit"),
        ({"filter_key": "nope"}, 404, "NOT_FOUND", None, None),
        ({"filter_key": "technologies"}, 404, "NOT_FOUND", None, None),  # a company filter
        ({"search_text": "a"}, 400, "VALIDATION_ERROR", None, "filter_key"),
        ({"filter_key": "city", "limit": "many"}, 400, "VALIDATION_ERROR", None, "limit"),
        ({"filter_key": 7}, 400, "VALIDATION_ERROR", None, "filter_key"),
        ({"filter_key": "city", "page": "1"}, 400, "VALIDATION_ERROR", None, "page"),
        ({"filter_key": "city", "limit": 5.5}, 400, "VALIDATION_ERROR", None, "limit"),
        ({"filter_key": "city", "serch_text": "a"}, 400, "VALIDATION_ERROR", None, "serch_text"),
    ],
)  # fmt: skip
def test_values_errors(
    seeded: Seeded, body: Any, status: int, code: str, token: str | None, path: str | None
) -> None:
    for route in ("/common/contact/filters/data", "/contacts/filters/data"):
        error = assert_error(_post(seeded, route, body), status, code, token)
        if path:
            assert error["details"]["path"] == path


@pytest.mark.parametrize("route", ["/contacts/filters/data", "/common/batch-upsert"])
@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "JSON body is required"), (b"{bad", "invalid JSON"), (b"[1]", "JSON object")],
)
def test_bad_bodies_are_400(seeded: Seeded, route: str, content: bytes, fragment: str) -> None:
    error = assert_error(_post(seeded, route, content=content), 400, "VALIDATION_ERROR")
    assert fragment in error["error"]


# -- batch upsert ---------------------------------------------------------------------------


def _row(n: int, **extra: str) -> dict[str, str]:
    return {"first_name": f"Batch{n}", "last_name": "Tester", "company": "Zyxquux Labs", **extra}


@pytest.mark.parametrize(
    ("body", "token", "path"),
    [
        ({}, None, "data"),
        ({"data": {"first_name": "x"}}, None, "data"),
        ({"data": None}, None, "data"),
        ({"data": []}, "ERR_EMPTY_PAYLOAD", "data"),
        ({"data": [_row(n) for n in range(101)]}, "ERR_BATCH_TOO_LARGE", "data"),
        ({"data": [{**_row(1), "employees": 12}]}, None, "data[0].employees"),
        ({"data": [_row(1), {"city": None}]}, None, "data[1].city"),
        ({"data": [_row(1), "x"]}, None, "data[1]"),
    ],
)
def test_batch_upsert_validation(
    seeded: Seeded, body: dict[str, Any], token: str | None, path: str
) -> None:
    error = assert_error(
        _post(seeded, "/common/batch-upsert", body), 400, "VALIDATION_ERROR", token
    )
    assert error["details"]["path"] == path


def test_batch_upsert_answers_uuids_once_in_first_seen_order(seeded: Seeded) -> None:
    rows = [_row(n, company=c) for n, c in enumerate(["Qa Co", "Qb Co", "Qa Co", "Qc Co"])]
    rows.append(rows[0])  # the same person twice
    response = _post(seeded, "/common/batch-upsert", {"data": rows})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"success", "message", "company_uuids", "contact_uuids"}
    assert body["success"] is True
    assert body["message"] == "Batch upsert successful"
    assert len(body["company_uuids"]) == 3
    assert len(body["contact_uuids"]) == 4
    seeded.server.wait_indexed()
    with seeded.server.client() as client:
        companies = [
            client.get(f"/companies/{uuid}").json()["data"] for uuid in body["company_uuids"]
        ]
    assert [company["name"] for company in companies] == ["Qa Co", "Qb Co", "Qc Co"]


def test_batch_upsert_of_100_rows_without_content_type(seeded: Seeded) -> None:
    rows = [_row(n, company=f"Hundred {n}") for n in range(100)]
    response = _post(seeded, "/common/batch-upsert", content=orjson.dumps({"data": rows}))
    assert response.status_code == 200, response.text
    assert len(response.json()["contact_uuids"]) == 100


def test_values_show_up_in_dropdowns_after_a_batch_upsert(seeded: Seeded) -> None:
    rows = [
        _row(1, city="Zyxville", title="Chief Zyx Officer", technologies="QuuxLang, Python"),
        _row(2, city="ZYXVILLE", title="chief zyx officer", first_name="Zyxanna"),
    ]
    body = _post(seeded, "/common/batch-upsert", {"data": rows}).json()
    company = body["company_uuids"][0]
    seeded.server.wait_indexed()
    contact = {"search_text": "zyx"}
    assert _values(seeded, "contact", {**contact, "filter_key": "city"}) == [
        {"value": "Zyxville", "display_value": "Zyxville", "count": 2}
    ]
    assert _values(seeded, "contact", {**contact, "filter_key": "title"}) == [
        {"value": "Chief Zyx Officer", "display_value": "Chief Zyx Officer", "count": 2}
    ]
    assert _values(seeded, "contact", {**contact, "filter_key": "first_name"}) == [
        {"value": "Zyxanna", "display_value": "Zyxanna", "count": 1}
    ]
    assert _values(seeded, "company", {"filter_key": "technologies", "search_text": "quux"}) == [
        {"value": "QuuxLang", "display_value": "QuuxLang", "count": 1}
    ]
    names = _values(seeded, "company", {"filter_key": "uuid", "search_text": "zyxquux"})
    assert names == [{"value": company, "display_value": "Zyxquux Labs", "count": 1}]


def test_openapi_documents_the_routes(seeded: Seeded) -> None:
    spec = httpx.get(f"{seeded.server.base}/openapi.json").json()
    for path in ("/common/{service}/filters", "/contacts/filters", "/companies/filters"):
        assert "get" in spec["paths"][path]
    for path in ("/common/{service}/filters/data", "/contacts/filters/data"):
        schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert "filter_key" in schema["schema"]["properties"]
    batch = spec["paths"]["/common/batch-upsert"]["post"]["requestBody"]
    assert "data" in batch["content"]["application/json"]["schema"]["properties"]
