"""Purchases: what a user set out to buy, through which provider, for how much; what webhooks match against.

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
    # ``grants`` is what the product granted when it was sold: a catalogue edited later changes neither what the
    # buyer gets nor what a refund takes back. No personal data here: the receipt contact is not kept.
    op.execute(
        """
        CREATE TABLE purchases (
            id uuid PRIMARY KEY,
            user_id bigint NOT NULL CHECK (user_id > 0),
            product_id text NOT NULL,
            provider text NOT NULL CHECK (provider IN ('stars', 'yookassa', 'yoomoney')),
            amount numeric(12, 2) NOT NULL CHECK (amount > 0),
            currency text NOT NULL CHECK (currency IN ('RUB', 'XTR')),
            grants jsonb NOT NULL,
            status text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'succeeded', 'canceled', 'refunded')),
            provider_payment_id text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CHECK ((provider = 'stars') = (currency = 'XTR')),
            CHECK (currency <> 'XTR' OR amount = trunc(amount))
        )
        """
    )
    # One purchase per payment of a provider: a notification finds exactly one.
    op.execute(
        "CREATE UNIQUE INDEX purchases_provider_payment ON purchases (provider, provider_payment_id) "
        "WHERE provider_payment_id IS NOT NULL"
    )
    op.execute("CREATE INDEX purchases_user_created ON purchases (user_id, created_at DESC)")
    # What the reconciler walks: payments still waiting for their outcome.
    op.execute("CREATE INDEX purchases_pending ON purchases (created_at) WHERE status = 'pending'")


def downgrade() -> None:
    op.execute("DROP TABLE purchases")
