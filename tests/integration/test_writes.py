"""Write use-cases on SQLite and PostgreSQL: validation, normalisation, matching, bulk."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from connectra.errors import (
    BatchTooLarge,
    Conflict,
    EmptyPayload,
    NotFound,
    PageSizeExceeded,
    ValidationError,
)
from connectra.limits import BATCH_UPSERT_MAX
from connectra.model.fields import COMPANY, CONTACT
from connectra.model.identity import company_uuid, contact_uuid
from connectra.services import writes
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import entities, outbox
from connectra.store.database import Store

JOHN = {
    "first_name": " John ",
    "last_name": "Doe",
    "email": "John.Doe@Acme.com",
    "title": "Senior Software Engineer",
    "linkedin_url": "https://linkedin.com/in/JohnDoe",
    "mobile_phone": "(512) 555-0101",
    "departments": ["Engineering", " ", "_", "IT"],
    "city": "Austin",
    "text_search": "ignored unknown key",
    "stage": "_",
}
ACME = {"name": "Acme Corporation", "website": "https://www.Acme.com/about", "employees_count": 120}


def _error(call: Any, kind: type[Exception], path: str | None = None) -> Exception:
    with pytest.raises(kind) as info:
        call()
    if path is not None:
        assert getattr(info.value, "path", None) == path
    return info.value


def test_create_contact_normalises_and_derives_the_uuid(store: Store) -> None:
    row = writes.create(store, CONTACT, JOHN)
    assert row["uuid"] == contact_uuid("john", "doe", "https://linkedin.com/in/johndoe")
    assert row["first_name"] == "John"  # case kept (§0.2.1)
    assert row["email"] == "john.doe@acme.com"
    assert row["linkedin_url"] == "https://linkedin.com/in/johndoe"
    assert row["mobile_phone"] == "+5125550101"
    assert row["departments"] == ["Engineering", "IT"]
    assert "stage" not in row
    assert isinstance(row["id"], int)
    with store.read() as conn:
        assert outbox.pending_count(conn) == 1
        cities = conn.execute(
            sa.text("SELECT display_value FROM filters_data WHERE filter_key = 'city'")
        ).scalars()
        assert list(cities) == ["Austin"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"first_name": "  "}, "first_name"),
        ({"last_name": None}, "last_name"),
        ({"email": "_"}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"linkedin_url": "https://LinkedIn.com/in/x"}, "linkedin_url"),
        ({"linkedin_url": "https://uk.linkedin.com/in/x"}, "linkedin_url"),
        ({"website": "acme.com"}, "website"),
        ({"twitter_url": "ftp://x"}, "twitter_url"),
        ({"company_id": "123"}, "company_id"),
        ({"title": 5}, "title"),
        ({"departments": "Engineering"}, "departments"),
    ],
)
def test_create_contact_rejects(store: Store, change: dict[str, Any], path: str) -> None:
    _error(lambda: writes.create(store, CONTACT, {**JOHN, **change}), ValidationError, path)
    with store.read() as conn:
        assert entities.count_live(conn, CONTACT) == 0
        assert outbox.pending_count(conn) == 0


def test_create_contact_needs_an_existing_company(store: Store) -> None:
    missing = company_uuid("nobody", "")
    _error(lambda: writes.create(store, CONTACT, {**JOHN, "company_id": missing}), NotFound)
    company = writes.create(store, COMPANY, ACME)
    row = writes.create(store, CONTACT, {**JOHN, "company_id": company["uuid"].upper()})
    assert row["company_id"] == company["uuid"]


def test_duplicate_create_is_409_and_changes_nothing(store: Store) -> None:
    uuid = writes.create(store, CONTACT, JOHN)["uuid"]
    _error(lambda: writes.create(store, CONTACT, {**JOHN, "title": "CEO"}), Conflict)
    with store.read() as conn:
        assert entities.fetch_by_uuids(conn, CONTACT, [uuid])[uuid]["title"] == JOHN["title"]
        assert outbox.pending_count(conn) == 1


def test_create_company(store: Store) -> None:
    row = writes.create(
        store,
        COMPANY,
        {**ACME, "linkedin_url": "https://linkedin.com/company/Acme"},
    )
    assert row["uuid"] == company_uuid("acme corporation", "https://linkedin.com/company/acme")
    assert row["normalized_domain"] == "acme.com"
    assert row["name"] == "Acme Corporation"
    error = _error(
        lambda: writes.create(store, COMPANY, {**ACME, "employees_count": -1}), ValidationError
    )
    assert "employees_count must be non-negative, got: -1" in str(error)
    _error(
        lambda: writes.create(store, COMPANY, {**ACME, "annual_revenue": "12"}),
        ValidationError,
        "annual_revenue",
    )
    _error(
        lambda: writes.create(store, COMPANY, {"website": "https://x.io"}), ValidationError, "name"
    )


def test_company_phone_is_cleaned_on_every_path(store: Store) -> None:
    """§0.2.9: company ``phone_number`` is stored cleaned like the contact phones."""
    created = writes.create(store, COMPANY, {**ACME, "phone_number": "(512) 555-0100"})
    assert created["phone_number"] == "+5125550100"
    uuid = created["uuid"]
    updated = writes.update(store, COMPANY, uuid, {"phone_number": "512.555.0101 ext"})
    assert updated["phone_number"] == "+5125550101"
    upserted, _ = writes.upsert(store, COMPANY, {**ACME, "phone_number": "+1 (512) 555-0102"})
    assert upserted["phone_number"] == "+15125550102"
    writes.bulk_upsert(store, COMPANY, [{**ACME, "phone_number": "tel: 512-555-0103"}])
    with store.write() as conn:
        batch = upsert_csv_rows(conn, [{"company": "Zyx Labs", "company_phone": "(512) 555 0104"}])
    with store.read() as conn:
        rows = entities.fetch_by_uuids(conn, COMPANY, [uuid, *batch.company_uuids])
    assert rows[uuid]["phone_number"] == "+5125550103"
    assert rows[batch.company_uuids[0]]["phone_number"] == "+5125550104"


def test_update_merges_and_protects_identity(store: Store) -> None:
    created = writes.create(store, CONTACT, JOHN)
    uuid = created["uuid"]
    updated = writes.update(store, CONTACT, uuid, {"title": "CTO", "city": "", "email": None})
    assert updated["title"] == "CTO"
    assert updated["city"] == "Austin"  # empty keeps the stored value
    assert updated["email"] == "john.doe@acme.com"
    assert updated["created_at"] == created["created_at"]
    assert updated["id"] == created["id"]
    for body, path in (({"id": 5}, "id"), ({"created_at": "2020-01-01"}, "created_at"),
                       ({"uuid": contact_uuid("a", "b", "")}, "uuid")):  # fmt: skip
        _error(lambda body=body: writes.update(store, CONTACT, uuid, body), ValidationError, path)
    writes.update(store, CONTACT, uuid, {"uuid": uuid.upper()})  # the same uuid is fine
    _error(lambda: writes.update(store, CONTACT, contact_uuid("x", "y", ""), {}), NotFound)
    _error(lambda: writes.update(store, CONTACT, "nope", {}), ValidationError, "uuid")


def test_company_update_rederives_the_domain(store: Store) -> None:
    uuid = writes.create(store, COMPANY, ACME)["uuid"]
    row = writes.update(store, COMPANY, uuid, {"website": "http://www.newacme.io/x"})
    assert row["normalized_domain"] == "newacme.io"
    row = writes.update(
        store, COMPANY, uuid, {"website": "https://a.io", "normalized_domain": "b.io"}
    )
    assert row["normalized_domain"] == "b.io"


def test_delete_then_404(store: Store) -> None:
    uuid = writes.create(store, CONTACT, JOHN)["uuid"]
    writes.delete(store, CONTACT, uuid)
    _error(lambda: writes.delete(store, CONTACT, uuid), NotFound)
    _error(lambda: writes.update(store, CONTACT, uuid, {"title": "x"}), NotFound)
    revived = writes.create(store, CONTACT, JOHN)  # the same person may be created again
    assert revived["uuid"] == uuid


def test_upsert_matching_order(store: Store) -> None:
    _error(lambda: writes.upsert(store, CONTACT, {"first_name": "A"}), ValidationError, "email")
    first, is_new = writes.upsert(store, CONTACT, {"email": "a@x.io", "first_name": "Ann"})
    assert is_new
    # By email (any case): same record, even with different names.
    again, is_new = writes.upsert(store, CONTACT, {"email": "A@X.io", "first_name": "Anna"})
    assert not is_new
    assert again["uuid"] == first["uuid"]
    assert again["first_name"] == "Anna"
    # By client uuid first.
    by_uuid, is_new = writes.upsert(store, CONTACT, {"uuid": first["uuid"], "title": "VP"})
    assert (by_uuid["uuid"], by_uuid["title"], is_new) == (first["uuid"], "VP", False)
    company, is_new = writes.upsert(store, COMPANY, ACME)
    assert is_new
    domain_only = {"name": "Acme Inc", "normalized_domain": "ACME.com"}
    same, is_new = writes.upsert(store, COMPANY, domain_only)
    assert not is_new
    assert same["uuid"] == company["uuid"]  # matched by normalized_domain
    assert same["name"] == "Acme Inc"


def test_bulk_reports_invalid_records_and_counts(store: Store) -> None:
    existing = writes.create(store, CONTACT, JOHN)
    records = [
        {**JOHN, "title": "Head of Engineering"},  # update of an existing contact
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.io", "status": "_"},
        {"first_name": "Bad", "last_name": "Email", "email": "nope"},
        {"uuid": contact_uuid("sales", "nav", ""), "email": None, "linkedin_url": "_"},
        "not an object",
    ]
    result = writes.bulk_upsert(store, CONTACT, records)
    payload = result.payload()
    assert (payload["created"], payload["updated"], payload["error_count"]) == (2, 1, 2)
    assert [e["index"] for e in payload["errors"]] == [2, 4]
    with store.read() as conn:
        row = entities.fetch_by_uuids(conn, CONTACT, [existing["uuid"]])[existing["uuid"]]
        assert entities.count_live(conn, CONTACT) == 3
    assert row["title"] == "Head of Engineering"
    assert row["city"] == "Austin"


def test_bulk_limits(store: Store) -> None:
    _error(lambda: writes.bulk_upsert(store, CONTACT, []), EmptyPayload)
    _error(lambda: writes.bulk_upsert(store, CONTACT, None), EmptyPayload)
    _error(lambda: writes.bulk_upsert(store, CONTACT, {"a": 1}), ValidationError)
    _error(lambda: writes.bulk_upsert(store, COMPANY, [ACME] * 1001), BatchTooLarge)
    _error(
        lambda: writes.bulk_upsert(
            store, COMPANY, [ACME] * 101, limit=BATCH_UPSERT_MAX, too_many=PageSizeExceeded
        ),
        PageSizeExceeded,
    )


def test_bulk_companies_need_a_name_only_when_new(store: Store) -> None:
    uuid = writes.create(store, COMPANY, ACME)["uuid"]
    result = writes.bulk_upsert(
        store, COMPANY, [{"uuid": uuid, "employees_count": 7}, {"uuid": company_uuid("n", "")}]
    )
    assert result.payload()["updated"] == 1
    assert result.payload()["errors"] == [
        {"index": 1, "uuid": company_uuid("n", ""), "error": "name is required"}
    ]


def test_bulk_revives_a_soft_deleted_record(store: Store) -> None:
    uuid = writes.create(store, CONTACT, JOHN)["uuid"]
    writes.delete(store, CONTACT, uuid)
    result = writes.bulk_upsert(store, CONTACT, [{"uuid": uuid, "title": "Back"}])
    assert result.payload()["updated"] == 1
    with store.read() as conn:
        assert entities.fetch_by_uuids(conn, CONTACT, [uuid])[uuid]["title"] == "Back"


def test_eight_threads_upserting_one_record_leave_one_row(store: Store) -> None:
    body = {"first_name": "Race", "last_name": "Condition", "email": "race@x.io"}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            writes.upsert(store, CONTACT, {**body, "title": f"T{n}"})
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.read() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM contacts WHERE email = 'race@x.io'")
        ).scalar_one()
    assert count == 1
