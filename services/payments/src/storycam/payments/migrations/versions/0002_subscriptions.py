"""Subscriptions: who has premium, from when to when, and where it came from (a payment or a support grant).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE subscriptions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL,
            plan text NOT NULL CHECK (plan IN ('premium')),
            active_from timestamptz NOT NULL,
            active_until timestamptz NOT NULL,
            source text NOT NULL CHECK (source IN ('yookassa', 'stars', 'grant')),
            reason text,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK (active_until > active_from)
        )
        """
    )
    op.execute("CREATE INDEX subscriptions_user_until ON subscriptions (user_id, active_until DESC)")


def downgrade() -> None:
    op.execute("DROP TABLE subscriptions")
