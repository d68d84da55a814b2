"""Every write method of both clients against a real server; each test writes unique records."""

from __future__ import annotations

import time
import uuid as uuidlib
from typing import Any

import pytest

from connectra.client import (
    BulkResult,
    Conflict,
    NotFound,
    PayloadTooLarge,
    Q,
    UpsertResult,
    ValidationFailed,
)
from tests.client.conftest import Api, Seeded


def _tag() -> str:
    return uuidlib.uuid4().hex[:10]


def _person(tag: str, n: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": f"Ada{n}",
        "last_name": f"Sdk{tag}",
        "email": f"ada{n}.{tag}@sdk.example",
        "linkedin_url": f"https://www.linkedin.com/in/ada-{tag}-{n}",
        **extra,
    }


def _wait_count(api: Api, entity: str, query: Any, expected: int, timeout: float = 5.0) -> None:
    """Search visibility lags writes by up to a second (CONTRACT.md §0.2.4): poll."""
    count = getattr(api, f"count_{entity}")
    deadline = time.monotonic() + timeout
    while (seen := count(query)) != expected:
        assert time.monotonic() < deadline, f"{seen} != {expected} for {query}"
        time.sleep(0.05)


def test_contact_lifecycle(writer: Api) -> None:
    tag = _tag()
    created = writer.create_contact({**_person(tag), "title": "Engineer", "city": None})
    uuid = created["uuid"]
    assert created["email"] == f"ada0.{tag}@sdk.example"
    with pytest.raises(Conflict) as duplicate:
        writer.create_contact(_person(tag))
    assert duplicate.value.status == 409
    updated = writer.update_contact(uuid, {"title": "Staff Engineer"})
    assert updated["title"] == "Staff Engineer"
    assert writer.get_contact(uuid)["title"] == "Staff Engineer"
    _wait_count(writer, "contacts", Q.keyword("uuid", uuid), 1)
    assert writer.get_contact_by_uuid(uuid)["title"] == "Staff Engineer"
    assert writer.delete_contact(uuid) is None
    with pytest.raises(NotFound):
        writer.get_contact(uuid)
    with pytest.raises(NotFound):
        writer.delete_contact(uuid)
    _wait_count(writer, "contacts", Q.keyword("uuid", uuid), 0)


def test_company_lifecycle(writer: Api) -> None:
    tag = _tag()
    company = writer.create_company({"name": f"Sdk Works {tag}", "website": f"https://{tag}.io"})
    uuid = company["uuid"]
    assert company["normalized_domain"] == f"{tag}.io"
    with pytest.raises(Conflict):
        writer.create_company({"name": f"Sdk Works {tag}"})
    assert writer.update_company(uuid, {"employees_count": 42})["employees_count"] == 42
    assert writer.get_company(uuid, ["employees_count"]) == {"employees_count": 42}
    writer.delete_company(uuid)
    with pytest.raises(NotFound):
        writer.get_company(uuid)


def test_create_refuses_invalid_records(writer: Api) -> None:
    with pytest.raises(ValidationFailed) as caught:
        writer.create_contact(_person(_tag(), email="not-an-email"))
    assert caught.value.details["path"] == "email"
    with pytest.raises(NotFound):
        writer.create_contact(_person(_tag(), company_id=str(uuidlib.uuid4())))


def test_upsert_contact_and_company(writer: Api) -> None:
    tag = _tag()
    first = writer.upsert_contact({"email": f"up.{tag}@sdk.example", "first_name": f"Up{tag}"})
    assert isinstance(first, UpsertResult)
    assert first.is_new is True
    again = writer.upsert_contact({"email": f"UP.{tag}@sdk.example", "city": "Lyon"})
    assert (again.is_new, again.record["uuid"], again.record["city"]) == (
        False,
        first.record["uuid"],
        "Lyon",
    )
    company = writer.upsert_company({"name": f"Up {tag}", "website": f"https://up-{tag}.io"})
    assert company.is_new is True
    renamed = writer.upsert_company({"name": f"Up {tag} Inc", "normalized_domain": f"up-{tag}.io"})
    assert (renamed.is_new, renamed.record["uuid"]) == (False, company.record["uuid"])


def test_bulk_upsert_contacts_reports_without_raising_on_207(writer: Api) -> None:
    tag = _tag()
    people = [_person(tag, n) for n in range(5)]
    people.insert(2, {"first_name": "No", "last_name": "Email"})
    result = writer.bulk_upsert_contacts(people)
    assert isinstance(result, BulkResult)
    assert (result.success, result.total_count, result.success_count) == (False, 6, 5)
    assert (result.error_count, result.created, result.updated) == (1, 5, 0)
    assert [e.index for e in result.errors] == [2]
    again = writer.bulk_upsert_contacts(people[:2])
    assert (again.success, again.created, again.updated, again.errors) == (True, 0, 2, [])
    _wait_count(writer, "contacts", Q.keyword("email", [p["email"] for p in people[:2]]), 2)


def test_bulk_upsert_companies(writer: Api) -> None:
    tag = _tag()
    companies = [{"name": f"Bulk {tag} {n}", "country": "Iceland"} for n in range(4)]
    result = writer.bulk_upsert_companies(companies)
    assert (result.success, result.created, result.updated) == (True, 4, 0)
    assert writer.bulk_upsert_companies(companies).updated == 4
    with pytest.raises(ValidationFailed) as caught:
        writer.bulk_upsert_companies([])
    assert caught.value.token == "ERR_EMPTY_PAYLOAD"


def test_batch_upsert_contacts_and_companies(writer: Api) -> None:
    tag = _tag()
    contacts = writer.batch_upsert_contacts([_person(tag, n) for n in range(3)])
    assert (contacts.success, contacts.created) == (True, 3)
    companies = writer.batch_upsert_companies([{"name": f"Batch {tag}"}])
    assert (companies.success, companies.created) == (True, 1)
    with pytest.raises(ValidationFailed) as caught:
        writer.batch_upsert_companies([{"name": f"Many {tag} {n}"} for n in range(101)])
    assert caught.value.token == "ERR_PAGE_SIZE_EXCEEDED"


def test_payload_too_large(writer: Api) -> None:
    with pytest.raises(PayloadTooLarge) as caught:
        writer.upsert_company({"name": "x" * (11 * 1024 * 1024)})
    assert caught.value.error_code == "PAYLOAD_TOO_LARGE"


def test_common_batch_upsert(writer: Api, write_server: Seeded) -> None:
    """Needs ``POST /common/batch-upsert`` registered on the server."""
    tag = _tag()
    rows = [
        {
            "first_name": "Row",
            "last_name": f"Csv{tag}{n}",
            "email": f"row{n}.{tag}@csv.example",
            "person_linkedin_url": f"https://www.linkedin.com/in/row-{tag}-{n}",
            "company": f"Csv Co {tag}",
            "company_linkedin_url": f"https://www.linkedin.com/company/csv-{tag}",
            "technologies": "Python, Go",
        }
        for n in range(3)
    ]
    result = writer.common_batch_upsert(rows)
    assert result.success is True
    assert len(result.contact_uuids) == 3
    assert len(result.company_uuids) == 1
    _wait_count(writer, "contacts", Q.keyword("uuid", result.contact_uuids), 3)
    found = writer.batch_get_contacts_by_uuids(result.contact_uuids)
    assert list(found) == result.contact_uuids
    assert {c["company_id"] for c in found.values()} == set(result.company_uuids)
    with pytest.raises(ValidationFailed) as caught:
        writer.common_batch_upsert([])
    assert caught.value.token == "ERR_EMPTY_PAYLOAD"
