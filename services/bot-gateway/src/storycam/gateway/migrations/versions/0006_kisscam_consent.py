"""Kiss Cam consent: when the user confirmed they are 18 or older and the people in their photos agreed.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
# 0005 is another branch's; the merge re-chains this one after it.
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # On the user's row: erasing the user erases the consent with them, and a returning user is asked again.
    op.execute("ALTER TABLE users ADD COLUMN kisscam_consent_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN kisscam_consent_at")
