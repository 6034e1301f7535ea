"""Charges for Kiss Cam: what one job costs, held from the first source that can pay, then settled or released.

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One row per (user, caller's key). A charge paid by credits has a ledger hold beside it (key "charge:<key>");
    # one paid by an allowance or the trial names the allowance window it counts against: "day:<local date>",
    # "trial", or "sub:<subscription id>:<30-day slice>". Released charges give their use back (they do not count).
    op.execute(
        """
        CREATE TABLE charges (
            user_id bigint NOT NULL CHECK (user_id > 0),
            key text NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
            kind text NOT NULL CHECK (kind IN ('kisscam.classic', 'kisscam.ai')),
            source text NOT NULL
                CHECK (source IN ('daily_allowance', 'ai_trial', 'subscription_allowance', 'credits')),
            credits integer NOT NULL CHECK (credits >= 0),
            allowance_window text,
            state text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'settled', 'released')),
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            closed_at timestamptz,
            PRIMARY KEY (user_id, key),
            CHECK ((source = 'credits') = (credits > 0)),
            CHECK ((source = 'credits') = (allowance_window IS NULL)),
            CHECK ((state = 'held') = (closed_at IS NULL))
        )
        """
    )
    # What counting an allowance reads, and what the sweeper reads: both small however long the history grows.
    op.execute(
        "CREATE INDEX charges_allowance_use ON charges (user_id, allowance_window) "
        "WHERE allowance_window IS NOT NULL AND state <> 'released'"
    )
    op.execute("CREATE INDEX charges_open_expiry ON charges (expires_at) WHERE state = 'held'")


def downgrade() -> None:
    op.execute("DROP TABLE charges")
