"""Table definitions (SQLAlchemy Core); entity tables follow the field catalogue."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from connectra.model.fields import COMPANY, CONTACT, Column, ColumnType, Entity
from connectra.store.types import BigID, JSONDocument, StringArray, UTCDateTime

metadata = sa.MetaData()

_NOW = sa.func.current_timestamp()


def _sql_type(column: Column) -> Any:
    return {
        ColumnType.TEXT: sa.Text(),
        ColumnType.TEXT_ARRAY: StringArray(),
        ColumnType.BIGINT: sa.BigInteger(),
        ColumnType.TIMESTAMP: UTCDateTime(),
    }[column.type]


def _entity_table(entity: Entity, *indexes: sa.Index) -> sa.Table:
    columns: list[sa.Column[Any]] = []
    for column in entity.columns:
        if column.name == "id":
            columns.append(sa.Column("id", BigID, primary_key=True, autoincrement=True))
        elif column.name == "uuid":
            columns.append(sa.Column("uuid", sa.Text(), nullable=False, unique=True))
        elif column.name in ("created_at", "updated_at"):
            columns.append(
                sa.Column(column.name, UTCDateTime(), nullable=False, server_default=_NOW)
            )
        else:
            columns.append(sa.Column(column.name, _sql_type(column), nullable=True))
    return sa.Table(entity.table, metadata, *columns, *indexes)


companies = _entity_table(COMPANY, sa.Index("ix_companies_normalized_domain", "normalized_domain"))
contacts = _entity_table(
    CONTACT,
    sa.Index("ix_contacts_company_id", "company_id"),
    sa.Index("ix_contacts_email", "email"),
)

ENTITY_TABLES: dict[str, sa.Table] = {COMPANY.name: companies, CONTACT.name: contacts}

filters = sa.Table(
    "filters",
    metadata,
    sa.Column("id", BigID, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text(), nullable=False),
    sa.Column("service", sa.Text(), nullable=False),
    sa.Column("filter_type", sa.Text(), nullable=False),
    sa.Column("display_name", sa.Text(), nullable=False),
    sa.Column("direct_derived", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("deleted_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint("service", "key", name="uq_filters_service_key"),
)

filters_data = sa.Table(
    "filters_data",
    metadata,
    sa.Column("id", BigID, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.Text(), nullable=False, unique=True),
    sa.Column("filter_key", sa.Text(), nullable=False),
    sa.Column("service", sa.Text(), nullable=False),
    sa.Column("display_value", sa.Text(), nullable=False),
    sa.Column("value", sa.Text(), nullable=True),
    sa.Column("deleted_at", UTCDateTime(), nullable=True),
    sa.Index("ix_filters_data_lookup", "service", "filter_key", "display_value"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", BigID, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.Text(), nullable=False, unique=True),
    sa.Column("job_type", sa.Text(), nullable=False),
    sa.Column("data", JSONDocument(), nullable=False),
    sa.Column("status", sa.Text(), nullable=False, server_default="open"),
    sa.Column("job_response", JSONDocument(), nullable=False),
    sa.Column("retry_count", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("retry_interval", sa.Integer(), nullable=False, server_default="30"),
    sa.Column("run_after", UTCDateTime(), nullable=True),
    sa.Column("lease_owner", sa.Text(), nullable=True),
    sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False, server_default=_NOW),
    sa.Column("updated_at", UTCDateTime(), nullable=False, server_default=_NOW),
    sa.Index("ix_jobs_status_run_after", "status", "run_after"),
    sa.Index("ix_jobs_created_at_id", "created_at", "id"),
    sa.Index("ix_jobs_lease_expires_at", "lease_expires_at"),
)

# One row per entity write that the search index has not applied yet. The indexer reads the
# current row when it applies an entry, so an entry needs no payload and order within a uuid
# does not matter; a company entry also re-indexes the company_* copies of its contacts. For
# the same reason entries may be applied out of order: interactive writes (priority 0) go
# before a bulk import's backlog (priority 1).
index_outbox = sa.Table(
    "index_outbox",
    metadata,
    sa.Column("id", BigID, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.Text(), nullable=False),
    sa.Column("uuid", sa.Text(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False, server_default=_NOW),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("available_at", UTCDateTime(), nullable=False, server_default=_NOW),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="0"),
    sa.Index("ix_index_outbox_available_at", "available_at"),
    sa.Index("ix_index_outbox_priority_id", "priority", "id"),
)
