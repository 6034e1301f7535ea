"""The inbox of the unit of work: keys of events and notifications already handled, so a redelivery is a no-op.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

from storycam.kit.uow import INBOX_DDL, INBOX_RECEIVED_INDEX_DDL

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(INBOX_DDL)
    op.execute(INBOX_RECEIVED_INDEX_DDL)


def downgrade() -> None:
    op.execute("DROP TABLE inbox")
