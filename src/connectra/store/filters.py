"""Repository of filter definitions and stored filter values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from connectra.store.tables import filters, filters_data


def stored_filter_keys(conn: sa.Connection, service: str) -> list[str]:
    """Keys whose values live in filters_data ("temp filters": direct_derived is false)."""
    stmt = (
        sa.select(filters.c.key)
        .where(filters.c.service == service, filters.c.direct_derived.is_(False))
        .order_by(filters.c.key)
    )
    return list(conn.execute(stmt).scalars())


def insert_values(conn: sa.Connection, values: Sequence[dict[str, Any]]) -> None:
    """Add filter values; a uuid already present is left as it is (values only accumulate)."""
    if not values:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(filters_data).on_conflict_do_nothing(index_elements=["uuid"])
    # RETURNING lets SQLAlchemy batch the rows into multi-row statements (see entities.upsert).
    conn.execute(stmt.returning(filters_data.c.id), list(values)).all()
