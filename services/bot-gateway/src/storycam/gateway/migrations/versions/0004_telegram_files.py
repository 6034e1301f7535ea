"""Files Telegram already holds: what we uploaded once is sent again by the ``file_id`` Telegram returned.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A file_id is valid for the bot that received it only, hence the bot in the key. ``content_key`` names the
    # content (a story asset's hash, a clip's storage key), not a chat: one upload serves every player.
    op.execute(
        """
        CREATE TABLE telegram_files (
            bot_id bigint NOT NULL,
            content_key text NOT NULL CHECK (length(content_key) BETWEEN 1 AND 256),
            kind text NOT NULL CHECK (kind IN ('photo', 'video', 'animation', 'audio', 'voice', 'document')),
            file_id text NOT NULL,
            file_unique_id text,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (bot_id, content_key)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE telegram_files")
