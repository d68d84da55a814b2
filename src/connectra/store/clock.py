"""The database's clock: outbox retry times and job leases are compared with the time of the
server that stores them, so API and worker hosts whose clocks disagree still agree on what is
due and which lease has expired."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

# SQLite's own clock with microseconds, in the naive-UTC text form the store writes.
_SQLITE_NOW = sa.text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")


def db_now(conn: sa.Connection) -> datetime:
    """The current time on the database server (aware UTC); PostgreSQL's ``now()`` is the
    start of the transaction, so one transaction sees one instant."""
    if conn.dialect.name == "sqlite":
        text = conn.execute(_SQLITE_NOW).scalar_one()
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    value: datetime = conn.execute(sa.select(sa.func.now())).scalar_one()
    return value.astimezone(UTC)
