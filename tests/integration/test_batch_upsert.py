from __future__ import annotations

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
