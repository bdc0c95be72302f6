"""The customer's language, and the languages the business speaks.

* ``customers.lang``: the language the customer is answered in once it is decided (an
  explicit request, Telegram's language, the phone number's country or the first clear
  message); NULL: not decided, the business default. Every business-initiated text
  (reminders, confirmations, payment and refund notices, waitlist offers) reads it.
* ``customers.lang_source``: what decided it (``bot.language.Source``), so a weak prior
  (the phone's country) can still give way to what the customer clearly writes.
* ``business.languages``: ``core.model.Languages`` (default and offered) as JSON; NULL: the
  built-in default (English, every language with a catalog).

Revision ID: 0021
Revises: 0031
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("lang", sa.String(16), nullable=True))
        batch.add_column(sa.Column("lang_source", sa.String(16), nullable=True))
    with op.batch_alter_table("business") as batch:
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("business") as batch:
        batch.drop_column("languages")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("lang_source")
        batch.drop_column("lang")
