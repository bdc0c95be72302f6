"""The request id of the HTTP request that wrote an outbox or notification row.

Nullable: rows written before this revision, and those a worker plans on its own
(reminders, agendas), have none.

Revision ID: 0029
Revises: 0026
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0026"
branch_labels = None
depends_on = None

TABLES = ("outbox", "notifications")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("request_id", sa.String(64), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("request_id")
