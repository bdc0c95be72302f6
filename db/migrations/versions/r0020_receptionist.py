"""The receptionist: what the business file says about the business, and hand-offs.

* ``business.info``: address, public phone, about text, the owner's phone for hand-offs and
  the FAQ (``core.model.BusinessInfo`` as JSON; NULL before the first sync that has it).
* ``handoffs``: one row per "talk to a person" request: who asked, on which channel, what
  they wrote, where it was delivered, and whether it is still open (the bot stays quiet in
  that conversation while it is). ``db.handoffs`` reads and writes it; the web admin lists
  the open ones with ``open_handoffs``.

Revision ID: 0020
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0022"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("business") as batch:
        batch.add_column(sa.Column("info", sa.JSON(), nullable=True))
    op.create_table(
        "handoffs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("delivered_via", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f("ck_handoffs_status")),
    )
    op.create_index("ix_handoffs_conversation", "handoffs", ["channel", "sender_id", "status"])
    op.create_index("ix_handoffs_status_created", "handoffs", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_status_created", "handoffs")
    op.drop_index("ix_handoffs_conversation", "handoffs")
    op.drop_table("handoffs")
    with op.batch_alter_table("business") as batch:
        batch.drop_column("info")
