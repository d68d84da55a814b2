"""Every read method of both clients against a real server holding 300 demo contacts."""

from __future__ import annotations

import random
import uuid as uuidlib

import pytest

from connectra.client import NotFound, Q, SearchPage
from tests.client.conftest import READ_CONTACTS, Api, Seeded


def test_health_check(api: Api, read_server: Seeded) -> None:
    health = api.health_check()
    assert health["status"] == "ok"
    assert health["index"]["documents"]["contacts"] == READ_CONTACTS


def test_search_contacts_with_a_dict(api: Api) -> None:
    page = api.search_contacts({"limit": 10})
    assert isinstance(page, SearchPage)
    assert page.success is True
    assert len(page.data) == 10
    assert page.next_cursor is None  # unsorted: no cursor


def test_search_drops_none_values(api: Api) -> None:
    """``city: None`` would be a 400 on the server; the client drops it."""
    vql = {
        "where": {"keyword_match": {"must": {"seniority": "senior", "city": None}}},
        "page": None,
    }
    with_none = api.search_contacts({**vql, "limit": 100})
    plain = api.search_contacts(
        {"where": {"keyword_match": {"must": {"seniority": "senior"}}}, "limit": 100}
    )
    assert with_none.data == plain.data
    assert with_none.data
    assert all(r["seniority"] == "senior" for r in with_none.data)


def test_search_contacts_with_the_builder(api: Api) -> None:
    query = (Q.keyword("seniority", "Senior") & ~Q.keyword("email_status", "bounced")).limit(50)
    page = api.search_contacts(query)
    assert page.data
    assert all(r["seniority"] == "senior" and r.get("email_status") != "bounced" for r in page.data)


def test_search_companies(api: Api, read_server: Seeded) -> None:
    page = api.search_companies(Q.all().order_by("uuid").limit(5))
    assert [c["uuid"] for c in page.data] == sorted(read_server.company_uuids)[:5]
    assert page.next_cursor == page.data[-1]["cursor"]


def test_count_contacts_and_companies(api: Api, read_server: Seeded) -> None:
    assert api.count_contacts() == READ_CONTACTS
    assert api.count_contacts({}) == READ_CONTACTS
    assert api.count_companies() == len(read_server.company_uuids)
    seniors = sum(1 for row in read_server.rows if row["seniority"] == "senior")
    assert api.count_contacts(Q.keyword("seniority", "senior")) == seniors


def test_get_contact_and_company(api: Api, read_server: Seeded) -> None:
    contact_uuid = read_server.contact_uuids[3]
    assert api.get_contact(contact_uuid)["uuid"] == contact_uuid
    narrow = api.get_contact(contact_uuid, select_columns=["uuid", "first_name"])
    assert set(narrow) <= {"uuid", "first_name", "company_id"}
    company_uuid = read_server.company_uuids[1]
    assert api.get_company(company_uuid.upper())["uuid"] == company_uuid
    assert set(api.get_company(company_uuid, ["name"])) == {"name"}


def test_get_by_uuid_helpers(api: Api, read_server: Seeded) -> None:
    contact_uuid = read_server.contact_uuids[-1]
    company_uuid = read_server.company_uuids[-1]
    assert api.get_contact_by_uuid(contact_uuid)["uuid"] == contact_uuid
    assert api.get_company_by_uuid(company_uuid)["uuid"] == company_uuid
    missing = str(uuidlib.uuid4())
    with pytest.raises(NotFound, match=missing) as caught:
        api.get_contact_by_uuid(missing)
    assert caught.value.error_code == "NOT_FOUND"
    with pytest.raises(NotFound):
        api.get_company_by_uuid(missing)


def test_search_by_linkedin_url(api: Api, read_server: Seeded) -> None:
    contact = api.get_contact(read_server.contact_uuids[5])
    page = api.search_by_linkedin_url(contact["linkedin_url"].upper())
    assert [r["uuid"] for r in page.data] == [contact["uuid"]]
    company = api.get_company(read_server.company_uuids[2])
    found = api.search_by_linkedin_url(company["linkedin_url"], entity_type="company")
    assert [r["uuid"] for r in found.data] == [company["uuid"]]
    assert api.search_by_linkedin_url("https://www.linkedin.com/in/nobody-at-all").data == []


def test_batch_search_keeps_the_given_order(api: Api, read_server: Seeded) -> None:
    wanted = random.Random(3).sample(read_server.contact_uuids, 250)
    missing = [str(uuidlib.uuid4()) for _ in range(3)]
    given = [missing[0], *wanted[:120], missing[1], *wanted[120:], missing[2], wanted[0]]
    records = api.batch_search_by_uuids(given, "contact")
    assert [r["uuid"] for r in records] == wanted  # missing skipped, duplicate once
    small = api.batch_search_by_uuids(wanted[:20], "contact", batch_size=7)
    assert [r["uuid"] for r in small] == wanted[:20]
    assert api.batch_search_by_uuids([], "company") == []


def test_batch_get_by_uuids(api: Api, read_server: Seeded) -> None:
    contacts = read_server.contact_uuids[::-7]
    by_uuid = api.batch_get_contacts_by_uuids(contacts)
    assert list(by_uuid) == contacts
    assert all(by_uuid[u]["uuid"] == u for u in contacts)
    companies = [*read_server.company_uuids[::-1], str(uuidlib.uuid4())]
    found = api.batch_get_companies_by_uuids(companies, batch_size=4)
    assert list(found) == read_server.company_uuids[::-1]


def test_iter_contacts_walks_every_record(api: Api, read_server: Seeded) -> None:
    uuids = [r["uuid"] for r in api.iter_contacts({"limit": 45})]
    assert uuids == sorted(read_server.contact_uuids)  # uuid appended as the total order


def test_iter_contacts_with_a_sorted_filter(api: Api) -> None:
    """Cursor paging gives the same sequence as offset paging on the same total order."""
    query = Q.keyword("seniority", ["senior", "manager"]).order_by(
        "company_employees_count", desc=True
    )
    records = api.iter_contacts(query.limit(17))
    assert len(records) == api.count_contacts(query) > 100
    by_offset = [
        r["uuid"]
        for number in (1, 2, 3)
        for r in api.search_contacts(query.order_by("uuid").limit(100).page(number)).data
    ]
    assert [r["uuid"] for r in records] == by_offset


def test_iter_companies(api: Api, read_server: Seeded) -> None:
    names = [c["name"] for c in api.iter_companies(Q.all().select("name").limit(3))]
    assert len(names) == len(read_server.company_uuids)
    assert api.iter_companies(Q.keyword("country", "Atlantis")) == []
