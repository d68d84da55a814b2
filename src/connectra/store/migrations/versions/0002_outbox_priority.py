"""Outbox priority: interactive writes (0) are indexed before a bulk import's backlog (1)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "index_outbox",
        sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_index_outbox_priority_id", "index_outbox", ["priority", "id"])


def downgrade() -> None:
    op.drop_index("ix_index_outbox_priority_id", table_name="index_outbox")
    with op.batch_alter_table("index_outbox") as batch:  # SQLite rebuilds the table
        batch.drop_column("priority")
