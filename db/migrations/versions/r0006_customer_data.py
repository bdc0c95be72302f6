"""Customer data: whose delivery each processed delivery was.

* ``processed_deliveries.sender_id`` (+ index with the channel): erasing a customer finds
  their conversation replies by it (core.usecases.customer_data). Older rows stay NULL;
  the retention sweep removes them in time.

Revision ID: 0006
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_deliveries") as batch:
        batch.add_column(sa.Column("sender_id", sa.String(255), nullable=True))
    op.create_index("ix_processed_deliveries_sender", "processed_deliveries",
                    ["channel", "sender_id"])


def downgrade() -> None:
    op.drop_index("ix_processed_deliveries_sender", table_name="processed_deliveries")
    with op.batch_alter_table("processed_deliveries") as batch:
        batch.drop_column("sender_id")
