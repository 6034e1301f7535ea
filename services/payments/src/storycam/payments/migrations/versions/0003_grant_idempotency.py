"""Support's grants carry the caller's Idempotency-Key: a retried or replayed grant is answered, not made twice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Both null for grants made before keys existed and for paid subscriptions (their payment is their key).
    op.execute("ALTER TABLE subscriptions ADD COLUMN idempotency_key text, ADD COLUMN request_fingerprint text")
    op.execute(
        "CREATE UNIQUE INDEX subscriptions_user_idempotency_key ON subscriptions (user_id, idempotency_key) "
        "WHERE idempotency_key IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX subscriptions_user_idempotency_key")
    op.execute("ALTER TABLE subscriptions DROP COLUMN idempotency_key, DROP COLUMN request_fingerprint")
