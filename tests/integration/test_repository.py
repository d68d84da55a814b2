from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from connectra.model.fields import COMPANY, CONTACT
from connectra.model.identity import company_uuid, contact_uuid
from connectra.store import entities, outbox
from connectra.store.database import Store

T0 = datetime(2025, 12, 10, 11, 20, 5, 605686, tzinfo=UTC)


def _company(n: int, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c.name: None for c in COMPANY.columns if c.name != "id"}
    row.update(
        uuid=company_uuid(f"Company {n}", ""),
        name=f"Company {n}",
        employees_count=n * 10,
        technologies=["Python", "Zoë's DB"],
        created_at=T0,
        updated_at=T0,
    )
    row.update(extra)
    return row


def _contact(n: int, company: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {c.name: None for c in CONTACT.columns if c.name != "id"}
    row.update(
        uuid=contact_uuid(f"first{n}", "last", ""),
        first_name=f"First{n}",
        last_name="Last",
        company_id=company,
        departments=["Engineering", "IT"],
        created_at=T0,
        updated_at=T0,
    )
    return row


def test_round_trip_keeps_types(store: Store) -> None:
    company = _company(1)
    with store.write() as conn:
        entities.upsert(conn, COMPANY, [company])
        entities.upsert(conn, CONTACT, [_contact(1, company["uuid"])])
    with store.read() as conn:
        got = entities.fetch_by_uuids(conn, COMPANY, [company["uuid"]])[company["uuid"]]
        contact = next(iter(entities.fetch_by_uuids(conn, CONTACT, [_contact(1)["uuid"]]).values()))
    assert got["technologies"] == ["Python", "Zoë's DB"]
    assert got["employees_count"] == 10
    assert got["created_at"] == T0
    assert got["created_at"].tzinfo is not None
    assert got["deleted_at"] is None
    assert isinstance(got["id"], int)
    assert contact["departments"] == ["Engineering", "IT"]
    assert contact["company_id"] == company["uuid"]


def test_upsert_overwrites_but_keeps_id_and_created_at(store: Store) -> None:
    first = _company(1)
    with store.write() as conn:
        entities.upsert(conn, COMPANY, [first])
    with store.read() as conn:
        original = entities.fetch_by_uuids(conn, COMPANY, [first["uuid"]])[first["uuid"]]
    later = T0 + timedelta(days=1)
    second = _company(
        1, employees_count=99, technologies=["Go"], created_at=later, updated_at=later
    )
    with store.write() as conn:
        entities.upsert(conn, COMPANY, [second])
    with store.read() as conn:
        rows = entities.fetch_by_uuids(conn, COMPANY, [first["uuid"]])
        assert entities.count_live(conn, COMPANY) == 1
    row = rows[first["uuid"]]
    assert row["id"] == original["id"]
    assert row["created_at"] == T0
    assert row["updated_at"] == later
    assert row["employees_count"] == 99
    assert row["technologies"] == ["Go"]


def test_one_statement_per_batch(store: Store) -> None:
    rows = [_company(n) for n in range(1500)]
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", _count)
    try:
        with store.write() as conn:
            entities.upsert(conn, COMPANY, rows)
    finally:
        event.remove(store.engine, "before_cursor_execute", _count)
    # 26 columns per row: 1500 rows fit in 2 statements under the parameter cap.
    assert len(statements) == 2
    with store.read() as conn:
        assert entities.count_live(conn, COMPANY) == 1500


def test_rows_must_share_columns(store: Store) -> None:
    with store.write() as conn, pytest.raises(ValueError, match="same columns"):
        entities.upsert(conn, COMPANY, [_company(1), {"uuid": "x", "name": "y"}])


def test_projection_always_carries_uuid(store: Store) -> None:
    rows = [_company(n) for n in range(3)]
    with store.write() as conn:
        entities.upsert(conn, COMPANY, rows)
    with store.read() as conn:
        got = entities.fetch_by_uuids(conn, COMPANY, [r["uuid"] for r in rows], ["name"])
    assert set(got) == {r["uuid"] for r in rows}
    assert all(set(row) == {"uuid", "name"} for row in got.values())


def test_fetch_ignores_unknown_and_duplicate_uuids(store: Store) -> None:
    row = _company(1)
    with store.write() as conn:
        entities.upsert(conn, COMPANY, [row])
    with store.read() as conn:
        got = entities.fetch_by_uuids(conn, COMPANY, [row["uuid"], row["uuid"], "missing"])
    assert list(got) == [row["uuid"]]


def test_fetch_many_uuids_in_chunks(store: Store) -> None:
    rows = [_company(n) for n in range(2300)]
    with store.write() as conn:
        entities.upsert(conn, COMPANY, rows)
    with store.read() as conn:
        got = entities.fetch_by_uuids(conn, COMPANY, [r["uuid"] for r in rows], ["uuid"])
    assert len(got) == 2300


def test_soft_delete_hides_the_row(store: Store) -> None:
    row = _company(1)
    with store.write() as conn:
        entities.upsert(conn, COMPANY, [row])
    now = datetime.now(UTC)
    with store.write() as conn:
        assert entities.soft_delete(conn, COMPANY, row["uuid"], now) is True
    with store.write() as conn:
        assert entities.soft_delete(conn, COMPANY, row["uuid"], now) is False
        assert entities.soft_delete(conn, COMPANY, "missing", now) is False
    with store.read() as conn:
        assert entities.fetch_by_uuids(conn, COMPANY, [row["uuid"]]) == {}
        deleted = entities.fetch_by_uuids(conn, COMPANY, [row["uuid"]], include_deleted=True)
        assert entities.count_live(conn, COMPANY) == 0
    assert deleted[row["uuid"]]["deleted_at"] is not None


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    row = _company(1)

    def _write_then_fail() -> None:
        with store.write() as conn:
            entities.upsert(conn, COMPANY, [row])
            outbox.enqueue(conn, "company", [row["uuid"]])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        _write_then_fail()
    with store.read() as conn:
        assert entities.count_live(conn, COMPANY) == 0
        assert outbox.pending_count(conn) == 0


def test_outbox_enqueue_deduplicates(store: Store) -> None:
    with store.write() as conn:
        assert outbox.enqueue(conn, "contact", ["a", "b", "a"]) == 2
        assert outbox.enqueue(conn, "contact", []) == 0
    with store.read() as conn:
        assert outbox.pending_count(conn) == 2
        entities_in_outbox = conn.execute(sa.text("SELECT entity FROM index_outbox")).scalars()
        assert set(entities_in_outbox) == {"contact"}
