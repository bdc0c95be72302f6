"""Periodic sweeps run once per period across every worker: one lease row per sweep.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sweep_leases",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("holder", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_sweep_leases"),
    )


def downgrade() -> None:
    op.drop_table("sweep_leases")
