"""Sales Navigator save (CONTRACT.md §g.6): payload rules, then create-then-update for real."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from connectra.gateway.sales_navigator import (
    Profile,
    build,
    contact_linkedin_url,
    departments,
    seniority,
    split_location,
    split_name,
)
from tests.acceptance.server import assert_error
from tests.gateway.conftest import Stack


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ann Lee", ("Ann", "Lee")), ("  Ann   Marie Lee ", ("Ann", "Marie Lee")),
     ("Cher", ("Cher", None)), (None, (None, None)), ("_", (None, None))],
)  # fmt: skip
def test_split_name(name: str | None, expected: tuple[str | None, str | None]) -> None:
    assert split_name(name) == expected


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Austin, Texas, United States", ("Austin", "Texas", "United States")),
        ("Paris, France", ("Paris", "_", "France")),
        ("Greater London", ("Greater London", "_", "_")),
        ("", ("_", "_", "_")),
        (None, ("_", "_", "_")),
    ],
)
def test_split_location(location: str | None, expected: tuple[str, str, str]) -> None:
    assert split_location(location) == expected


@pytest.mark.parametrize(
    ("title", "level"),
    [("Chief Executive Officer", "executive"), ("VP Sales", "executive"),
     ("Director of Engineering", "director"), ("Head of Data", "director"),
     ("Engineering Manager", "manager"), ("Sr. Software Engineer", "senior_ic"),
     ("Junior Analyst", "entry"), ("Software Engineer", None), (None, None)],
)  # fmt: skip
def test_seniority(title: str | None, level: str | None) -> None:
    assert seniority(title) == level


def test_departments_from_title_and_about() -> None:
    assert departments("Senior Software Engineer", "I love sales and data") == [
        "Engineering",
        "Sales",
        "Data",
    ]
    assert departments(None, None) == []


def test_linkedin_url_rules() -> None:
    lead = "https://www.linkedin.com/sales/lead/ACwAA1,NAME"
    standard = "https://www.linkedin.com/in/ann"
    assert contact_linkedin_url(Profile(profile_url=lead, linkedin_url=standard)) == standard
    assert contact_linkedin_url(Profile(profile_url=lead)) == lead
    assert contact_linkedin_url(Profile(profile_url="https://linkedin.com/pub/x")).endswith("/x")
    assert contact_linkedin_url(Profile()) == "_"


def test_payloads_and_uuid_rules() -> None:
    ann = Profile(
        name="Ann Lee",
        title="Senior Software Engineer",
        location="Austin, Texas, United States",
        about="Python and AWS",
        linkedin_url="https://www.linkedin.com/in/Ann",
        email="Ann@Acme.io",
        company_name=" Acme ",
        company_url="https://www.linkedin.com/company/acme",
    )
    bob = Profile(name="Bob", profile_url="https://www.linkedin.com/in/bob", company_name="ACME",
                  company_url="https://www.linkedin.com/company/ACME")  # fmt: skip
    out = build([ann, bob, Profile(name="Nobody")])
    assert len(out.companies) == 1  # same name + URL once lower-cased
    company = out.companies[0]
    assert company["uuid"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, "acme" + "https://www.linkedin.com/company/acme")
    )
    assert company["technologies"] == ["AWS", "Python"]
    contact = out.contacts[0]
    assert contact["uuid"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, "https://www.linkedin.com/in/ann" + "ann@acme.io")
    )
    assert out.contacts[1]["uuid"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, "https://www.linkedin.com/in/bob")
    )
    assert contact["company_id"] == company["uuid"]
    assert (contact["first_name"], contact["last_name"]) == ("Ann", "Lee")
    assert (contact["city"], contact["state"], contact["country"]) == (
        "Austin",
        "Texas",
        "United States",
    )
    assert contact["seniority"] == "senior_ic"
    assert contact["departments"] == ["Engineering"]
    assert contact["facebook_url"] == contact["stage"] == contact["status"] == "_"
    assert out.contact_profiles == [0, 1]
    assert out.errors == [
        {"entity": "contact", "profile_index": 2, "error": out.errors[0]["error"]}
    ]
    alone = build([Profile(name="Solo", profile_url="https://www.linkedin.com/in/solo")])
    assert alone.companies == []
    assert alone.contacts[0]["company_id"] is None


def _profiles(tag: str) -> list[dict[str, Any]]:
    company = {
        "company_name": f"Navi {tag}",
        "company_url": f"https://www.linkedin.com/company/navi-{tag}",
    }
    return [
        {"name": f"Ann {tag}", "title": "VP Sales", "location": "Paris, France",
         "profile_url": f"https://www.linkedin.com/sales/lead/{tag}A,NAME",
         "linkedin_url": f"https://www.linkedin.com/in/ann-{tag}", **company},
        {"name": f"Bob {tag}", "title": "Data Engineer", "email": f"bob@{tag}.example",
         "profile_url": f"https://www.linkedin.com/in/bob-{tag}", **company},
        {"name": f"Cy {tag}", "profile_url": f"https://www.linkedin.com/sales/lead/{tag}C,NAME",
         "company_name": f"Solo {tag}"},
    ]  # fmt: skip


def _search(gw: httpx.Client, url: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        entry = gw.post("/api/v2/linkedin/", json={"url": url}).json()["data"][0]
        if entry["contacts"] or time.monotonic() > deadline:
            return dict(entry)
        time.sleep(0.2)


def test_save_creates_then_updates(stack: Stack, gw: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    first = gw.post("/api/v1/sales-navigator/save", json={"profiles": _profiles(tag)})
    assert first.status_code == 200, first.text
    summary = first.json()["data"]["summary"]
    assert summary == {
        "total_profiles": 3,
        "contacts_created": 3,
        "contacts_updated": 0,
        "companies_created": 2,
        "companies_updated": 0,
        "errors": [],
    }
    again = gw.post("/api/v1/sales-navigator/save", json={"profiles": _profiles(tag)}).json()
    assert again["data"]["summary"]["contacts_updated"] == 3
    assert again["data"]["summary"]["companies_updated"] == 2
    assert again["data"]["summary"]["contacts_created"] == 0

    found = _search(gw, f"https://www.linkedin.com/in/ann-{tag}")
    ann = found["contacts"][0]
    assert (ann["first_name"], ann["last_name"], ann["seniority"]) == ("Ann", tag, "executive")
    assert ann["departments"] == "Sales"
    assert ann["company"] == f"Navi {tag}"
    assert (ann["city"], ann["country"]) == ("Paris", "France")
    assert ann["state"] is None  # the placeholder is not stored
    with stack.connectra_client() as connectra:
        stored = connectra.get_contact(ann["uuid"])
    assert "facebook_url" not in stored


def test_save_reports_refused_records(gw: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    profiles = [*_profiles(tag)[:1], {"name": "No Url"},
                {"name": "Bad", "profile_url": f"https://www.linkedin.com/in/bad-{tag}",
                 "email": "not-an-email"}]  # fmt: skip
    answer = gw.post("/api/v1/sales-navigator/save", json={"profiles": profiles})
    assert answer.status_code == 200, answer.text
    summary = answer.json()["data"]["summary"]
    assert summary["contacts_created"] == 1
    assert [(e["entity"], e["profile_index"]) for e in summary["errors"]] == [
        ("contact", 1),
        ("contact", 2),
    ]
    assert_error(
        gw.post("/api/v1/sales-navigator/save", json={"profiles": []}), 400, "VALIDATION_ERROR"
    )
