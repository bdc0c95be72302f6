"""WhatsApp: the customer-service window per address, template values on notifications.

* ``service_windows``: when each (channel, address) last wrote to us. WhatsApp allows
  free-form messages only within 24 hours of that; outside, approved templates only.
* ``notifications.template``: ``{"lang": ..., "variables": [...]}``, the numbered values of
  the notification's WhatsApp template (NULL for rows without any).

Revision ID: 0009
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "service_windows",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("last_inbound_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("channel", "address", name="pk_service_windows"),
    )
    op.add_column("notifications", sa.Column("template", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("notifications", "template")
    op.drop_table("service_windows")
