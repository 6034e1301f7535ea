"""Users: Telegram id, language, consent, reachability. No names or messages: the gateway keeps only what it needs.

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
        CREATE TABLE users (
            telegram_id bigint PRIMARY KEY,
            language text NOT NULL CHECK (language IN ('ru', 'en')),
            language_chosen boolean NOT NULL DEFAULT false,
            privacy_accepted_at timestamptz,
            marketing_consent boolean NOT NULL DEFAULT false,
            unreachable_since timestamptz,
            unreachable_reason text,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_seen_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE users")
