"""Attribute-value helpers and LinkedIn search through the gateway."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectra.gateway.attributes import tidy
from tests.acceptance.server import assert_error
from tests.gateway.conftest import Stack


@pytest.mark.parametrize(
    ("values", "listish", "expected"),
    [
        (["b", "A", "a", "B "], False, ["A", "b"]),
        (["Acme, Inc.", "acme, inc."], False, ["Acme, Inc."]),
        (["aws, GCP", "['gcp', 'Azure']", ["aws", None], "", None], True, ["aws", "Azure", "GCP"]),
        (["x;y", "Y\nz"], True, ["x", "y", "z"]),
    ],
)
def test_tidy(values: list[Any], listish: bool, expected: list[str]) -> None:
    assert tidy(values, listish=listish) == expected


@pytest.mark.parametrize(
    ("path", "service", "key"),
    [
        ("/api/v1/companies/industries/", "company", "industries"),
        ("/api/v1/companies/technologies/", "company", "technologies"),
        ("/api/v1/companies/keywords/", "company", "keywords"),
        ("/api/v1/companies/domains/", "company", "normalized_domain"),
        ("/api/v1/contacts/departments/", "contact", "departments"),
    ],
)
def test_attribute_values(
    stack: Stack, gw: httpx.Client, path: str, service: str, key: str
) -> None:
    answer = gw.get(path, params={"limit": 100})
    assert answer.status_code == 200, answer.text
    values = answer.json()["data"]
    assert values
    assert values == sorted(values, key=lambda v: (v.casefold(), v))
    assert len({v.casefold() for v in values}) == len(values)
    with stack.connectra_client() as connectra:
        raw = connectra.get_filter_data(service, key, limit=100)  # type: ignore[arg-type]
    assert {v.casefold() for v in values} == {
        v.casefold()
        for v in tidy([f.display_value for f in raw], listish=key != "normalized_domain")
    }


def test_company_names_search(gw: httpx.Client) -> None:
    names = gw.get("/api/v1/companies/names/", params={"search": "gmbh", "limit": 100}).json()
    assert names["data"]
    assert all("gmbh" in name.lower() for name in names["data"])
    assert_error(gw.get("/api/v1/companies/names/", params={"limit": 101}), 400, "VALIDATION_ERROR")


def test_company_contact_attribute(stack: Stack, gw: httpx.Client) -> None:
    contact = gw.get("/api/v1/contacts/", params={"limit": 1}).json()["data"][0]
    with stack.connectra_client() as connectra:
        company_id = connectra.get_contact(contact["uuid"])["company_id"]
    base = f"/api/v1/companies/company/{company_id}/contacts/"
    titles = gw.get(base + "title/").json()["data"]
    assert contact["title"] in titles
    everyone = gw.get(base, params={"limit": 100}).json()["data"]
    assert {t.casefold() for t in titles} == {c["title"].casefold() for c in everyone if c["title"]}
    assert_error(gw.get(base + "password/"), 400, "VALIDATION_ERROR")


def test_linkedin_search(gw: httpx.Client) -> None:
    contacts = gw.get("/api/v1/contacts/", params={"limit": 2}).json()["data"]
    person = contacts[0]["person_linkedin_url"]
    company = contacts[1]["company_linkedin_url"]
    missing = "https://www.linkedin.com/in/nobody-at-all"
    body = {"url": person.upper(), "urls": [company, missing, person]}
    answer = gw.post("/api/v2/linkedin/", json=body)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [entry["url"] for entry in found["data"]] == [person.lower(), company.lower(), missing]
    assert [c["uuid"] for c in found["data"][0]["contacts"]] == [contacts[0]["uuid"]]
    assert found["data"][1]["companies"][0]["name"] == contacts[1]["company"]
    assert found["data"][2] == {"url": missing, "contacts": [], "companies": []}
    assert found["contacts_count"] == 1
    assert found["companies_count"] == 1


def test_linkedin_limits(gw: httpx.Client) -> None:
    urls = [f"https://www.linkedin.com/in/u{i}" for i in range(101)]
    assert_error(
        gw.post("/api/v2/linkedin/", json={"urls": urls}),
        400,
        "VALIDATION_ERROR",
        "ERR_TOO_MANY_URLS",
    )
    assert gw.post("/api/v2/linkedin/", json={"urls": []}).json()["data"] == []
