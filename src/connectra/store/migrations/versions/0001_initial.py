"""Initial schema: companies, contacts, filters (+ default rows), filters_data, jobs, outbox."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from connectra.store.types import BigID, JSONDocument, StringArray, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.func.current_timestamp()
T, A, N = sa.Text, StringArray, sa.BigInteger

COMPANY_COLUMNS: list[tuple[str, Any]] = [
    ("name", T), ("employees_count", N), ("industries", A), ("keywords", A), ("address", T),
    ("annual_revenue", N), ("total_funding", N), ("technologies", A), ("city", T), ("state", T),
    ("country", T), ("linkedin_url", T), ("website", T), ("normalized_domain", T),
    ("facebook_url", T), ("twitter_url", T), ("company_name_for_emails", T), ("phone_number", T),
    ("latest_funding", T), ("latest_funding_amount", N), ("last_raised_at", T),
]  # fmt: skip
CONTACT_COLUMNS: list[tuple[str, Any]] = [
    ("first_name", T), ("last_name", T), ("company_id", T), ("email", T), ("title", T),
    ("departments", A), ("mobile_phone", T), ("email_status", T), ("seniority", T), ("city", T),
    ("state", T), ("country", T), ("linkedin_url", T), ("facebook_url", T), ("twitter_url", T),
    ("website", T), ("work_direct_phone", T), ("home_phone", T), ("other_phone", T), ("stage", T),
]  # fmt: skip

# CONTRACT.md §e.1: (id, service, key, display_name, direct_derived, filter_type)
DEFAULT_FILTERS = [
    (1, "company", "uuid", "Name", False, "keyword"),
    (2, "company", "employees_count", "Employees Count", True, "range"),
    (3, "company", "industries", "Industries", False, "keyword"),
    (4, "company", "keywords", "Keywords", False, "keyword"),
    (5, "company", "address", "Address", True, "text"),
    (6, "company", "annual_revenue", "Annual Revenue", True, "range"),
    (7, "company", "total_funding", "Total Funding", True, "range"),
    (8, "company", "technologies", "Technologies", False, "keyword"),
    (9, "company", "city", "City", False, "keyword"),
    (10, "company", "state", "State", False, "keyword"),
    (11, "company", "country", "Country", False, "keyword"),
    (12, "company", "linkedin_url", "LinkedIn URL", True, "keyword"),
    (13, "company", "website", "Website", True, "text"),
    (14, "company", "normalized_domain", "Normalized Domain", True, "text"),
    (15, "contact", "first_name", "First Name", True, "text"),
    (16, "contact", "last_name", "Last Name", True, "text"),
    (17, "contact", "company_id", "Company ID", True, "keyword"),
    (18, "contact", "email", "Email", True, "keyword"),
    (19, "contact", "title", "Title", False, "text"),
    (20, "contact", "departments", "Departments", False, "keyword"),
    (21, "contact", "mobile_phone", "Mobile Phone", True, "keyword"),
    (22, "contact", "email_status", "Email Status", False, "keyword"),
    (23, "contact", "seniority", "Seniority", False, "keyword"),
    (24, "contact", "city", "City", False, "keyword"),
    (25, "contact", "state", "State", False, "keyword"),
    (26, "contact", "country", "Country", False, "keyword"),
    (27, "contact", "linkedin_url", "LinkedIn URL", True, "keyword"),
]


def _id() -> sa.Column[Any]:
    return sa.Column("id", BigID, primary_key=True, autoincrement=True)


def _stamp(name: str) -> sa.Column[Any]:
    return sa.Column(name, UTCDateTime(), nullable=False, server_default=NOW)


def _entity(table: str, columns: list[tuple[str, Any]]) -> None:
    op.create_table(
        table,
        _id(),
        sa.Column("uuid", sa.Text(), nullable=False, unique=True),
        *(sa.Column(name, kind(), nullable=True) for name, kind in columns),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    )


def upgrade() -> None:
    _entity("companies", COMPANY_COLUMNS)
    op.create_index("ix_companies_normalized_domain", "companies", ["normalized_domain"])
    _entity("contacts", CONTACT_COLUMNS)
    op.create_index("ix_contacts_company_id", "contacts", ["company_id"])
    op.create_index("ix_contacts_email", "contacts", ["email"])

    filters = op.create_table(
        "filters",
        _id(),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("filter_type", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("direct_derived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("service", "key", name="uq_filters_service_key"),
    )
    op.create_table(
        "filters_data",
        _id(),
        sa.Column("uuid", sa.Text(), nullable=False, unique=True),
        sa.Column("filter_key", sa.Text(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("display_value", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        "ix_filters_data_lookup", "filters_data", ["service", "filter_key", "display_value"]
    )
    op.create_table(
        "jobs",
        _id(),
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
        _stamp("created_at"),
        _stamp("updated_at"),
    )
    op.create_index("ix_jobs_status_run_after", "jobs", ["status", "run_after"])
    op.create_index("ix_jobs_created_at_id", "jobs", ["created_at", "id"])
    op.create_index("ix_jobs_lease_expires_at", "jobs", ["lease_expires_at"])
    op.create_table(
        "index_outbox",
        _id(),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("uuid", sa.Text(), nullable=False),
        _stamp("created_at"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _stamp("available_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_index_outbox_available_at", "index_outbox", ["available_at"])

    op.bulk_insert(
        filters,
        [
            {
                "id": fid,
                "service": service,
                "key": key,
                "display_name": display,
                "direct_derived": derived,
                "filter_type": ftype,
                "active": True,
            }
            for fid, service, key, display, derived, ftype in DEFAULT_FILTERS
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('filters', 'id'), 27)")


def downgrade() -> None:
    for table in ("index_outbox", "jobs", "filters_data", "filters", "contacts", "companies"):
        op.drop_table(table)
