"""Erasure keeps paid purchases for the law but unlinks them: a negative surrogate replaces the Telegram id.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Telegram ids are positive; a negative user_id is an erased user's surrogate (random, one per erasure), so
    # the purchases of one former user still add up without naming them.
    op.execute("ALTER TABLE purchases DROP CONSTRAINT purchases_user_id_check")
    op.execute("ALTER TABLE purchases ADD CONSTRAINT purchases_user_id_check CHECK (user_id <> 0)")
    op.execute("ALTER TABLE purchases ADD COLUMN erased_at timestamptz")


def downgrade() -> None:
    op.execute("DELETE FROM subscriptions WHERE user_id < 0")
    op.execute("DELETE FROM payment_mismatches WHERE purchase_id IN (SELECT id FROM purchases WHERE user_id < 0)")
    op.execute("UPDATE purchases SET renewal_of = NULL WHERE user_id < 0")
    op.execute("DELETE FROM purchases WHERE user_id < 0")
    op.execute("ALTER TABLE purchases DROP COLUMN erased_at")
    op.execute("ALTER TABLE purchases DROP CONSTRAINT purchases_user_id_check")
    op.execute("ALTER TABLE purchases ADD CONSTRAINT purchases_user_id_check CHECK (user_id > 0)")
