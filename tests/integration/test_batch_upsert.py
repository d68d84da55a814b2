from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from connectra.model.fields import COMPANY, CONTACT
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import entities, outbox
from connectra.store.database import Store

ROWS = [
    {
        "first_name": "John", "last_name": "Doe", "email": "john@acme.com",
        "person_linkedin_url": "https://linkedin.com/in/johndoe", "city": "Austin",
        "departments": "Engineering, IT", "company": "Acme Corporation",
        "company_linkedin_url": "https://linkedin.com/company/acme-corp",
        "technologies": "Python, React", "company_country": "United States",
    },
    {  # the same person again: the first occurrence wins
        "first_name": "JOHN", "last_name": "doe", "email": "other@acme.com",
        "person_linkedin_url": "https://linkedin.com/in/johndoe", "city": "Dallas",
        "company": "ACME Corporation", "company_linkedin_url": "https://linkedin.com/company/acme-corp",
    },
    {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@beta.io", "city": "austin",
        "company": "Beta", "technologies": "python",
    },
]  # fmt: skip


def _filter_values(store: Store, service: str, key: str) -> dict[str, str]:
    with store.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT value, display_value FROM filters_data "
                "WHERE service = :service AND filter_key = :key"
            ),
            {"service": service, "key": key},
        ).all()
    return {row.value: row.display_value for row in rows}


def test_batch_writes_rows_outbox_and_filter_values(store: Store) -> None:
    with store.write() as conn:
        result = upsert_csv_rows(conn, ROWS)
    assert len(result.company_uuids) == 2
    assert len(result.contact_uuids) == 2
    with store.read() as conn:
        contacts = entities.fetch_by_uuids(conn, CONTACT, result.contact_uuids)
        companies = entities.fetch_by_uuids(conn, COMPANY, result.company_uuids)
        assert outbox.pending_count(conn) == 4
    john = contacts[result.contact_uuids[0]]
    assert john["city"] == "Austin"
    assert john["email"] == "john@acme.com"
    assert john["company_id"] == result.company_uuids[0]
    assert companies[result.company_uuids[0]]["name"] == "Acme Corporation"

    assert set(_filter_values(store, "contact", "city").values()) == {"Austin"}  # one entry
    assert set(_filter_values(store, "contact", "departments")) == {"Engineering", "IT"}
    assert set(_filter_values(store, "company", "technologies").values()) == {"Python", "React"}
    names = _filter_values(store, "company", "uuid")
    assert names == {result.company_uuids[0]: "Acme Corporation", result.company_uuids[1]: "Beta"}


def _filters_data_count(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM filters_data")).scalar_one())


def test_running_a_batch_twice_changes_nothing(store: Store) -> None:
    with store.write() as conn:
        upsert_csv_rows(conn, ROWS)
    values = _filters_data_count(store)
    with store.write() as conn:
        upsert_csv_rows(conn, ROWS)
    with store.read() as conn:
        assert entities.count_live(conn, CONTACT) == 2
        assert entities.count_live(conn, COMPANY) == 2
    assert _filters_data_count(store) == values


def _pending(store: Store) -> set[tuple[str, str]]:
    with store.read() as conn:
        rows = conn.execute(sa.text("SELECT entity, uuid FROM index_outbox")).all()
    return {(row.entity, row.uuid) for row in rows}


def _clear_outbox(store: Store) -> None:
    with store.write() as conn:
        conn.execute(sa.text("DELETE FROM index_outbox"))


def test_only_new_and_changed_rows_are_queued_for_the_index(store: Store) -> None:
    with store.write() as conn:
        first = upsert_csv_rows(conn, ROWS)
    with store.read() as conn:
        stamped = entities.fetch_by_uuids(conn, COMPANY, first.company_uuids)
    _clear_outbox(store)
    changed = [{**ROWS[0], "title": "CTO"}, ROWS[2]]  # John's title changes, Ann and both
    with store.write() as conn:  # companies stay as they are
        upsert_csv_rows(conn, changed)
    assert _pending(store) == {("contact", first.contact_uuids[0])}
    with store.read() as conn:
        companies = entities.fetch_by_uuids(conn, COMPANY, first.company_uuids)
        john = entities.fetch_by_uuids(conn, CONTACT, first.contact_uuids[:1])
    assert john[first.contact_uuids[0]]["title"] == "CTO"
    assert companies == stamped  # unchanged rows are left as they are, updated_at included

    _clear_outbox(store)
    renamed = [{**ROWS[2], "technologies": "python, rust"}]  # a company column changes
    with store.write() as conn:
        upsert_csv_rows(conn, renamed)
    assert _pending(store) == {("company", first.company_uuids[1])}
    with store.write() as conn:
        entities.soft_delete(conn, COMPANY, first.company_uuids[1], datetime.now(UTC))
    _clear_outbox(store)
    with store.write() as conn:  # the same values again revive a deleted company
        upsert_csv_rows(conn, renamed)
    assert _pending(store) == {("company", first.company_uuids[1])}


def test_bulk_path_keeps_awkward_values_exactly(store: Store) -> None:
    """COPY's text form escapes what it must: quotes, braces, backslashes, array separators."""
    row = {
        "first_name": "Zoë", "last_name": "O'Neil \\ Jr", "email": "zoe@x.io",
        "title": 'Head of "R&D" {labs} team', "company": "N\\A {Inc} Group",
        "technologies": 'C++, "Go", {json}, back\\slash, NULL', "employees": "1,250",
    }  # fmt: skip
    with store.write() as conn:
        result = upsert_csv_rows(conn, [row])
    with store.read() as conn:
        contact = entities.fetch_by_uuids(conn, CONTACT, result.contact_uuids)
        company = entities.fetch_by_uuids(conn, COMPANY, result.company_uuids)
    stored = contact[result.contact_uuids[0]]
    assert (stored["first_name"], stored["last_name"]) == ("Zoë", "O'Neil \\ Jr")
    assert stored["title"] == 'Head of "R&D" {labs} team'
    firm = company[result.company_uuids[0]]
    assert firm["name"] == "N\\A {Inc} Group"
    assert firm["technologies"] == ["C++", '"Go"', "{json}", "back\\slash", "NULL"]
    assert firm["employees_count"] == 1250
    with store.write() as conn:  # the same values again are no change
        conn.execute(sa.text("DELETE FROM index_outbox"))
        upsert_csv_rows(conn, [row])
    assert _pending(store) == set()
