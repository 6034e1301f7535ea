"""Paid subscriptions: which purchase gave each period, and a Stars subscription's renewal (Telegram renews it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A period from a payment names its purchase (what it granted, e.g. AI videos per period, and what a refund
    # takes back); one purchase gives one period. Support's grants have none.
    op.execute("ALTER TABLE subscriptions ADD COLUMN purchase_id uuid REFERENCES purchases (id)")
    op.execute("ALTER TABLE subscriptions ADD COLUMN product_id text")
    op.execute(
        "ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_paid_has_purchase "
        "CHECK (source <> 'grant' OR purchase_id IS NULL)"
    )
    op.execute(
        "CREATE UNIQUE INDEX subscriptions_purchase ON subscriptions (purchase_id) WHERE purchase_id IS NOT NULL"
    )
    # One renewing subscription per user at most: a Stars subscription Telegram charges every 30 days until the
    # user (or the bot) cancels it. ``auto_renew`` false: it runs to its end and stops.
    op.execute(
        """
        CREATE TABLE renewals (
            user_id bigint PRIMARY KEY CHECK (user_id > 0),
            provider text NOT NULL CHECK (provider IN ('stars')),
            product_id text NOT NULL,
            telegram_payment_charge_id text NOT NULL,
            auto_renew boolean NOT NULL DEFAULT true,
            renews_at timestamptz,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE renewals")
    op.execute("DROP INDEX subscriptions_purchase")
    op.execute("ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_paid_has_purchase")
    op.execute("ALTER TABLE subscriptions DROP COLUMN product_id")
    op.execute("ALTER TABLE subscriptions DROP COLUMN purchase_id")
