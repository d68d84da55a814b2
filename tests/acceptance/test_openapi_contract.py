"""The OpenAPI document declares what validation enforces: for each body below, the published
schema accepts it exactly when the live API does (no 400), so generated clients and fuzzers see
the API that answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from connectra.api.schemas import NO_NUL
from connectra.limits import BATCH_UPSERT_MAX, BULK_WRITE_MAX, JSON_NUMBER_MAX
from tests.acceptance.server import Server, running_server

INT64_MAX = 2**63 - 1
GOOD_CONTACT = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "linkedin_url": "https://linkedin.com/in/ada",
    "title": "Engineer",
    "departments": ["R&D"],
}
GOOD_COMPANY = {"name": "Acme", "website": "https://acme.example", "employees_count": 10}

CASES: list[tuple[str, Any]] = [
    ("/contacts/create", GOOD_CONTACT),
    ("/contacts/create", {k: v for k, v in GOOD_CONTACT.items() if k != "email"}),
    ("/contacts/create", {**GOOD_CONTACT, "email": "not an email"}),
    ("/contacts/create", {**GOOD_CONTACT, "first_name": "_"}),
    ("/contacts/create", {**GOOD_CONTACT, "last_name": "   "}),
    ("/contacts/create", {**GOOD_CONTACT, "linkedin_url": "https://example.com/in/ada"}),
    ("/contacts/create", {**GOOD_CONTACT, "uuid": "not-a-uuid"}),
    ("/contacts/create", {**GOOD_CONTACT, "company_id": "12345"}),
    ("/contacts/create", {**GOOD_CONTACT, "title": "a\u0000b"}),
    ("/contacts/create", {**GOOD_CONTACT, "departments": "R&D"}),
    ("/contacts/upsert", {"first_name": "No", "last_name": "Match"}),
    ("/companies/create", GOOD_COMPANY),
    ("/companies/create", {**GOOD_COMPANY, "employees_count": -1}),
    ("/companies/create", {**GOOD_COMPANY, "employees_count": INT64_MAX + 1}),
    ("/companies/create", {**GOOD_COMPANY, "website": "acme dot com"}),
    ("/companies/upsert", {"website": "https://acme.example"}),
    ("/companies/bulk", {"companies": []}),
    ("/companies/bulk", {"companies": [GOOD_COMPANY] * (BULK_WRITE_MAX + 1)}),
    ("/companies/bulk", {}),
    ("/contacts/batch-upsert", []),
    ("/contacts/batch-upsert", [GOOD_CONTACT] * (BATCH_UPSERT_MAX + 1)),
    ("/common/jobs/create", {"job_type": "export_csv_file", "job_data": {}, "retry_count": -1}),
    ("/common/jobs", {"limit": 101}),
    ("/contacts", {"limit": 101}),
    ("/contacts", {"page": 11}),
    ("/contacts", {"order_by": [{"order_by": "created_at", "order_direction": "desc"}]}),
    (
        "/contacts",
        {
            "where": {
                "text_matches": {
                    "must": [{"text_value": "x", "filter_key": "title", "search_type": "fuzzy"}]
                }
            }
        },
    ),
    ("/contacts/filters/data", {"filter_key": "title", "search_text": "a\u0000"}),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("openapi") / "data", {}) as running:
        yield running


@pytest.fixture(scope="module")
def spec(server: Server) -> dict[str, Any]:
    return dict(httpx.get(f"{server.base}/openapi.json").json())


def _body_validator(spec: dict[str, Any], path: str) -> Draft202012Validator:
    schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    # Local $refs resolve against the whole document.
    document = {**schema, "components": spec["components"]}
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(
    ("path", "body"), CASES, ids=[f"{p}#{i}" for i, (p, _) in enumerate(CASES)]
)
def test_the_schema_accepts_a_body_exactly_when_the_api_does(
    server: Server, spec: dict[str, Any], path: str, body: Any
) -> None:
    if isinstance(body, dict) and "uuid" in body and body["uuid"] != "not-a-uuid":
        body = {**body, "uuid": str(uuid.uuid4())}
    schema_ok = _body_validator(spec, path).is_valid(body)
    with server.client() as client:
        answer = client.post(path, json=body)
    assert answer.status_code < 500, answer.text
    api_ok = answer.status_code != 400
    assert schema_ok == api_ok, (answer.status_code, answer.text[:300])


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _schemas(item)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key not in ("example", "examples", "enum", "default"):
                yield from _schemas(value)


def test_declared_constraints(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    for verb, path in (("get", "/contacts/{uuid}"), ("put", "/companies/{uuid}")):
        (param,) = [p for p in paths[path][verb]["parameters"] if p["name"] == "uuid"]
        assert param["schema"]["format"] == "uuid"
    assert "207" in paths["/contacts/batch-upsert"]["post"]["responses"]
    assert "207" in paths["/companies/bulk"]["post"]["responses"]
    for node in _schemas(spec):
        if node.get("type") == "string":
            patterns = [node.get("pattern"), *(s.get("pattern") for s in node.get("allOf", []))]
            assert NO_NUL in patterns, node
        if node.get("type") in ("integer", "number"):
            assert node["maximum"] <= JSON_NUMBER_MAX, node


def test_the_docs_pages_still_render(server: Server) -> None:
    assert httpx.get(f"{server.base}/docs").status_code == 200
