"""The read API over real HTTP against a real server process, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import Seeded
from tests.acceptance.server import assert_error

SORTED = [
    {"order_by": "company_employees_count", "order_direction": "desc"},
    {"order_by": "seniority"},
]


def _post(seeded: Seeded, path: str, body: Any, **kwargs: Any) -> httpx.Response:
    with seeded.server.client() as client:
        return client.post(path, json=body, **kwargs)


def test_health_needs_no_key(seeded: Seeded) -> None:
    body = httpx.get(f"{seeded.server.base}/health").json()
    assert body["status"] == "ok"
    assert body["index"]["documents"]["contacts"] == seeded.live_contacts
    assert body["indexer"]["pending"] == 0


def test_signed_transfer_exemption_covers_only_its_own_routes(seeded: Seeded) -> None:
    body = {"filter_key": "city"}
    response = httpx.post(f"{seeded.server.base}/common/uploads/filters/data", json=body)
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}])
def test_missing_or_wrong_key_is_401(seeded: Seeded, headers: dict[str, str]) -> None:
    response = httpx.post(f"{seeded.server.base}/contacts", json={}, headers=headers)
    assert_error(response, 401, "UNAUTHORIZED")


def test_every_configured_key_works(seeded: Seeded) -> None:
    for key in ("test-key", "second-key"):
        response = httpx.post(
            f"{seeded.server.base}/contacts/count", json={}, headers={"X-API-Key": key}
        )
        assert response.json() == {"count": seeded.live_contacts, "success": True}


def test_list_with_and_without_slash(seeded: Seeded) -> None:
    body = {"order_by": [{"order_by": "uuid"}], "limit": 7}
    plain, slash = _post(seeded, "/contacts", body), _post(seeded, "/contacts/", body)
    assert plain.status_code == slash.status_code == 200
    assert plain.json() == slash.json()
    assert len(plain.json()["data"]) == 7
    assert _post(seeded, "/companies", {}).status_code == 200


@pytest.mark.parametrize("path", ["/contacts", "/contacts/count", "/companies/count"])
def test_page_limits_on_list_and_count(seeded: Seeded, path: str) -> None:
    assert_error(
        _post(seeded, path, {"limit": 101}), 400, "VALIDATION_ERROR", "ERR_PAGE_SIZE_EXCEEDED"
    )
    assert_error(
        _post(seeded, path, {"page": 11}), 400, "VALIDATION_ERROR", "ERR_PAGE_OUT_OF_RANGE"
    )
    assert _post(seeded, path, {"limit": 100, "page": 10}).status_code == 200


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "JSON body is required"), (b"{bad", "invalid JSON"), (b"[1, 2]", "JSON object")],
)
def test_bad_bodies_are_400(seeded: Seeded, content: bytes, fragment: str) -> None:
    with seeded.server.client() as client:
        response = client.post("/contacts", content=content)
    assert fragment in assert_error(response, 400, "VALIDATION_ERROR")["error"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            {"where": {"text_matches": {"must": [{"text_value": "a", "filter_key": "title",
             "search_type": "shuffle"}, {"text_value": "a", "filter_key": "nope",
             "search_type": "shuffle"}]}}},
            "where.text_matches.must[1].filter_key",
        ),
        ({"where": {"keyword_match": {"must": {"stage": "x"}}}}, "where.keyword_match.must.stage"),
        ({"order_by": [{"order_by": "title"}]}, "order_by[0].order_by"),
        ({"cursor": ["x"]}, "cursor"),
        ({"order_by": [{"order_by": "uuid"}], "cursor": ["a", "b"]}, "cursor"),
        ({"select_columns": ["uuid", "company_name"]}, "select_columns[1]"),
        ({"where": {"keyword_match": {"must": {"city": None}}}}, "where.keyword_match.must.city"),
        ({"limit": "many"}, "limit"),
        # strict JSON types: never converted (§0.2.6)
        ({"page": "1"}, "page"),
        ({"limit": "5"}, "limit"),
        ({"page": 1.5}, "page"),  # (1.0 is an integer, as JSON Schema reads it)
        ({"page": True}, "page"),
        ({"where": {"text_matches": {"must": [{"text_value": "a", "filter_key": "title",
          "search_type": "shuffle", "fuzzy": "yes"}]}}}, "where.text_matches.must[0].fuzzy"),
        ({"where": {"text_matches": {"must": [{"text_value": "a b", "filter_key": "title",
          "search_type": "exact", "slop": "2"}]}}}, "where.text_matches.must[0].slop"),
        ({"company_config": {"populate": "true"}}, "company_config.populate"),
        # unknown keys at every depth: a 400, never a match-all
        ({"wher": {}}, "wher"),
        ({"where": {"keyword_mach": {"must": {"stage": "x"}}}}, "where.keyword_mach"),
        ({"where": {"keyword_match": {"mus": {"seniority": "senior"}}}},
         "where.keyword_match.mus"),
        ({"limt": 5}, "limt"),
        ({"where": {"text_matches": {"must": [{"text_value": "a", "filter_key": "title",
          "search_type": "shuffle", "fuzy": True}]}}}, "where.text_matches.must[0].fuzy"),
        ({"order_by": [{"order_by": "created_at", "direction": "desc"}]}, "order_by[0].direction"),
    ],
)  # fmt: skip
def test_validation_errors_name_the_path(seeded: Seeded, body: Any, path: str) -> None:
    for route in ("/contacts", "/contacts/count"):
        error = assert_error(_post(seeded, route, body), 400, "VALIDATION_ERROR")
        assert error["details"]["path"] == path


def test_cursor_paging_returns_every_record_once(seeded: Seeded) -> None:
    body: dict[str, Any] = {"order_by": SORTED, "limit": 100}
    seen: list[str] = []
    for _ in range(50):
        page = _post(seeded, "/contacts", body).json()["data"]
        if not page:
            break
        seen += [item["uuid"] for item in page]
        body = {**body, "cursor": page[-1]["cursor"], "page": 7}  # page is ignored with a cursor
    assert len(seen) == len(set(seen)) == seeded.live_contacts
    assert seeded.deleted_contact not in seen


@pytest.mark.parametrize(
    "order",
    [
        [{"order_by": "created_at", "order_direction": "desc"}],
        [{"order_by": "company_annual_revenue"}],
        [{"order_by": "email", "order_direction": "desc"}],
        [{"order_by": "departments"}],
    ],
)
def test_cursor_paging_on_date_number_and_keyword_sorts(
    seeded: Seeded, order: list[dict[str, str]]
) -> None:
    body: dict[str, Any] = {"order_by": order, "limit": 100, "search_after": None}
    body.pop("search_after")
    walked: list[str] = []
    while page := _post(seeded, "/contacts", body).json()["data"]:
        walked += [item["uuid"] for item in page]
        body["search_after"] = page[-1]["cursor"]  # the documented alias
    offsets = [
        item["uuid"]
        for n in range(1, 11)
        for item in _post(seeded, "/contacts", {"order_by": order, "limit": 100, "page": n}).json()[
            "data"
        ]
    ]
    assert len(walked) == len(set(walked)) == seeded.live_contacts
    assert walked[: len(offsets)] == offsets  # cursors and offsets agree on the order


def test_offset_pages_do_not_overlap(seeded: Seeded) -> None:
    first = _post(seeded, "/contacts", {"order_by": SORTED, "page": 1}).json()["data"]
    second = _post(seeded, "/contacts", {"order_by": SORTED, "page": 2}).json()["data"]
    assert len(first) == len(second) == 25
    assert not {i["uuid"] for i in first} & {i["uuid"] for i in second}


def test_select_columns_without_uuid_still_returns_records(seeded: Seeded) -> None:
    data = _post(seeded, "/contacts", {"select_columns": ["first_name"], "limit": 5}).json()["data"]
    assert len(data) == 5
    for item in data:
        assert set(item) <= {"first_name", "company_id"}
        assert "company_id" in item


def test_populate_company_with_projection(seeded: Seeded) -> None:
    body = {
        "select_columns": ["uuid", "title"],
        "company_config": {"populate": True, "select_columns": ["name", "technologies"]},
        "limit": 10,
    }
    data = _post(seeded, "/contacts", body).json()["data"]
    assert len(data) == 10
    for item in data:
        assert set(item) <= {"uuid", "title", "company_id", "company"}
        assert set(item["company"]) <= {"name", "technologies"}
        assert item["company"]["name"]
    full = _post(seeded, "/contacts", {"company_config": {"populate": True}, "limit": 3})
    company = full.json()["data"][0]["company"]
    assert {"uuid", "name", "created_at"} <= set(company)
    plain = _post(seeded, "/contacts", {"company_config": {"populate": False}, "limit": 3})
    assert all("company" not in item for item in plain.json()["data"])


def test_empty_values_are_omitted(seeded: Seeded) -> None:
    item = _post(seeded, "/contacts", {"limit": 1}).json()["data"][0]
    assert "deleted_at" not in item
    assert "website" not in item  # never filled by the CSV path
    assert item["created_at"].endswith("Z")


def test_get_by_uuid(seeded: Seeded) -> None:
    uuid = _post(seeded, "/contacts", {"limit": 1}).json()["data"][0]["uuid"]
    with seeded.server.client() as client:
        got = client.get(f"/contacts/{uuid.upper()}").json()
        assert got["success"] is True
        assert got["data"]["uuid"] == uuid
        projected = client.get(f"/contacts/{uuid}", params={"select_columns": " title , ,email"})
        assert set(projected.json()["data"]) <= {"title", "email", "company_id"}
        assert_error(
            client.get(f"/contacts/{uuid}?select_columns=title,bogus"), 400, "VALIDATION_ERROR"
        )
        assert_error(client.get("/contacts/not-a-uuid"), 400, "VALIDATION_ERROR")
        missing = client.get("/companies/6aa7dce4-330b-52d2-b4c5-605eb4e65a23")
        assert_error(missing, 404, "NOT_FOUND", "ERR_COMPANY_NOT_FOUND")
        deleted = client.get(f"/contacts/{seeded.deleted_contact}")
        assert_error(deleted, 404, "NOT_FOUND", "ERR_CONTACT_NOT_FOUND")


def test_soft_deleted_rows_never_listed_or_counted(seeded: Seeded) -> None:
    body = {"where": {"keyword_match": {"must": {"uuid": seeded.deleted_contact}}}}
    assert _post(seeded, "/contacts", body).json()["data"] == []
    assert _post(seeded, "/contacts/count", body).json()["count"] == 0


def test_gzip_when_asked(seeded: Seeded) -> None:
    with seeded.server.client() as client:
        response = client.post("/contacts", json={"limit": 50}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]) == 50  # httpx decodes it


def test_cors(seeded: Seeded) -> None:
    preflight = httpx.options(
        f"{seeded.server.base}/contacts",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-API-Key, Content-Type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    response = httpx.post(
        f"{seeded.server.base}/contacts/count",
        json={},
        headers={"Origin": "https://app.example", "X-API-Key": seeded.server.key},
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_body_over_10_mib_is_413(seeded: Seeded) -> None:
    big = b'{"where": {}, "pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    with seeded.server.client() as client:
        response = client.post("/contacts", content=big)
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_openapi_documents_vql(seeded: Seeded) -> None:
    spec = httpx.get(f"{seeded.server.base}/openapi.json").json()
    route = spec["paths"]["/contacts"]["post"]
    content = route["requestBody"]["content"]["application/json"]
    assert content["schema"]["$ref"] == "#/components/schemas/ContactsVQLRequest"
    assert content["examples"]
    for body in spec["components"]["schemas"]["ContactsVQLRequest"]["anyOf"]:  # cursor variants
        where = body["properties"]["where"]["anyOf"][0]
        assert "text_matches" in where["properties"]
    for example in content["examples"].values():  # the examples run against the data
        assert _post(seeded, "/contacts", example["value"]).status_code == 200
