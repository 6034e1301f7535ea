"""Purchase flows: checkouts, where a story resumes, refunds, take-backs, mismatches, sealed personal fields.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The gateway's Idempotency-Key of the tap that opened a purchase: the same tap again answers the same checkout.
    # ``personal`` is a Fernet token (PAYMENTS_ENCRYPTION_KEYS) of the few personal fields kept: the receipt
    # contact, the YooMoney sender. ``renewal_of``: a Stars renewal Telegram charged by itself, as its own purchase.
    op.execute(
        """
        ALTER TABLE purchases
            ADD COLUMN checkout_key text,
            ADD COLUMN chat_id bigint,
            ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('ru', 'en')),
            ADD COLUMN resume jsonb,
            ADD COLUMN confirmation_url text,
            ADD COLUMN personal bytea,
            ADD COLUMN renewal_of uuid REFERENCES purchases (id),
            ADD COLUMN refunded_amount numeric(12, 2) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
            ADD COLUMN credits_taken integer NOT NULL DEFAULT 0 CHECK (credits_taken >= 0),
            ADD COLUMN credits_shortfall integer NOT NULL DEFAULT 0 CHECK (credits_shortfall >= 0),
            ADD CONSTRAINT purchases_refund_within_price CHECK (refunded_amount <= amount)
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX purchases_checkout ON purchases (user_id, checkout_key) WHERE checkout_key IS NOT NULL"
    )
    # What a provider said that did not match what was sold: nothing was granted for it.
    op.execute(
        """
        CREATE TABLE payment_mismatches (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            provider text NOT NULL,
            provider_payment_id text,
            purchase_id uuid REFERENCES purchases (id),
            reason text NOT NULL,
            details jsonb NOT NULL DEFAULT '{}',
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX payment_mismatches_created ON payment_mismatches (created_at)")
    # A refund takes credits back with an entry of its own (the ledger stays append-only), once per refund key.
    op.execute("ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_kind_check")
    op.execute(
        "ALTER TABLE credit_entries ADD CONSTRAINT credit_entries_kind_check "
        "CHECK (kind IN ('grant', 'hold', 'settle', 'release', 'take_back'))"
    )
    op.execute("ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_check")
    op.execute(
        "ALTER TABLE credit_entries ADD CONSTRAINT credit_entries_check "
        "CHECK ((kind IN ('grant', 'hold', 'take_back')) = (idempotency_key IS NOT NULL))"
    )
    # YooMoney payments give premium too; a period a refund took back entirely is kept, empty, with its purchase.
    op.execute("ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_source_check")
    op.execute(
        "ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_source_check "
        "CHECK (source IN ('yookassa', 'stars', 'yoomoney', 'grant'))"
    )
    op.execute("ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_check")
    op.execute("ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_check CHECK (active_until >= active_from)")


def downgrade() -> None:
    op.execute("DELETE FROM subscriptions WHERE active_until = active_from OR source = 'yoomoney'")
    op.execute("ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_check")
    op.execute("ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_check CHECK (active_until > active_from)")
    op.execute("ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_source_check")
    op.execute(
        "ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_source_check "
        "CHECK (source IN ('yookassa', 'stars', 'grant'))"
    )
    op.execute("ALTER TABLE credit_entries DISABLE TRIGGER credit_entries_append_only")
    op.execute("DELETE FROM credit_entries WHERE kind = 'take_back'")
    op.execute("ALTER TABLE credit_entries ENABLE TRIGGER credit_entries_append_only")
    op.execute("ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_check")
    op.execute(
        "ALTER TABLE credit_entries ADD CONSTRAINT credit_entries_check "
        "CHECK ((kind IN ('grant', 'hold')) = (idempotency_key IS NOT NULL))"
    )
    op.execute("ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_kind_check")
    op.execute(
        "ALTER TABLE credit_entries ADD CONSTRAINT credit_entries_kind_check "
        "CHECK (kind IN ('grant', 'hold', 'settle', 'release'))"
    )
    op.execute("DROP TABLE payment_mismatches")
    op.execute("DROP INDEX purchases_checkout")
    op.execute("ALTER TABLE purchases DROP CONSTRAINT purchases_refund_within_price")
    op.execute(
        """
        ALTER TABLE purchases
            DROP COLUMN credits_shortfall, DROP COLUMN credits_taken, DROP COLUMN refunded_amount,
            DROP COLUMN renewal_of, DROP COLUMN personal, DROP COLUMN confirmation_url, DROP COLUMN resume,
            DROP COLUMN language, DROP COLUMN chat_id, DROP COLUMN checkout_key
        """
    )
