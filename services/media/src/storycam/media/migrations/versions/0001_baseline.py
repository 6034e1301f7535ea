"""Baseline of the media schema: the transactional outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

from storycam.kit.outbox import OUTBOX_DDL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(OUTBOX_DDL)


def downgrade() -> None:
    op.execute("DROP TABLE outbox")
