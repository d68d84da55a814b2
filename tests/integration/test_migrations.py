from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from connectra.store import migrate
from connectra.store.database import Store
from connectra.store.tables import metadata

TABLES = {"companies", "contacts", "filters", "filters_data", "jobs", "index_outbox"}


def _tables(store: Store) -> set[str]:
    return set(sa.inspect(store.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    store = Store.from_url(empty_database_url)
    try:
        assert migrate.current_revision(store.engine) is None
        migrate.upgrade(store.engine)
        assert migrate.current_revision(store.engine) == "0002"
        assert _tables(store) == TABLES
        migrate.downgrade(store.engine)
        assert migrate.current_revision(store.engine) is None
        assert _tables(store) == set()
        migrate.upgrade(store.engine)
        assert _tables(store) == TABLES
    finally:
        store.dispose()


def test_default_filters_and_their_ids(store: Store) -> None:
    with store.read() as conn:
        rows = conn.execute(
            sa.text("SELECT id, service, key, display_name, direct_derived, active FROM filters")
        ).all()
    by_id = {row.id: row for row in rows}
    assert len(rows) == 27
    assert (by_id[1].key, by_id[1].display_name) == ("uuid", "Name")
    assert not by_id[1].direct_derived
    assert by_id[2].direct_derived
    assert (by_id[27].service, by_id[27].key) == ("contact", "linkedin_url")
    assert sum(1 for r in rows if r.service == "company") == 14
    assert all(r.active for r in rows)


def test_new_filter_rows_continue_after_the_defaults(store: Store) -> None:
    with store.write() as conn:
        new_id = conn.execute(
            sa.text(
                "INSERT INTO filters (key, service, filter_type, display_name) "
                "VALUES ('stage', 'contact', 'keyword', 'Stage') RETURNING id"
            )
        ).scalar_one()
    assert new_id == 28


def test_indexes_for_the_access_paths(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    contact_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("contacts")}
    assert {("company_id",), ("email",)} <= contact_indexes
    company_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("companies")}
    assert ("normalized_domain",) in company_indexes
    unique = {tuple(c["column_names"]) for c in inspector.get_unique_constraints("contacts")}
    unique |= {
        tuple(ix["column_names"]) for ix in inspector.get_indexes("contacts") if ix["unique"]
    }
    assert ("uuid",) in unique


def test_migrations_match_the_tables(store: Store) -> None:
    """Alembic's autogenerate finds nothing to change between the migrated database and
    store/tables.py: the two definitions of the schema cannot drift apart."""
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_outbox_priority_keeps_pending_entries(empty_database_url: str) -> None:
    """0001 → 0002 on a database with pending entries: they stay, as interactive ones (so a
    running server's backlog is not reordered behind anything); 0002 → 0001 keeps them too."""
    store = Store.from_url(empty_database_url)
    insert = sa.text("INSERT INTO index_outbox (entity, uuid) VALUES ('contact', :uuid)")
    try:
        migrate.upgrade(store.engine, "0001")
        with store.write() as conn:
            conn.execute(insert, [{"uuid": "a"}, {"uuid": "b"}])
        migrate.upgrade(store.engine)
        with store.read() as conn:
            rows = conn.execute(sa.text("SELECT uuid, priority FROM index_outbox")).all()
        assert sorted(map(tuple, rows)) == [("a", 0), ("b", 0)]
        migrate.downgrade(store.engine, "0001")
        with store.read() as conn:
            kept = conn.execute(sa.text("SELECT uuid FROM index_outbox")).scalars().all()
        assert sorted(kept) == ["a", "b"]
    finally:
        store.dispose()
