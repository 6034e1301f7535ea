"""Erasure reaches the credit ledger; the subscription lifecycle job finds ending periods by an index.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION credit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {exception}
    RAISE EXCEPTION 'credit_entries is append-only: add an entry instead of changing one';
END
$$
"""
# The one deliberate exception: ``/delete_me``. The erasure sets ``payments.erasing_user`` for its own transaction
# only (set_config(..., true)); then, and only for that user's rows, an entry may be deleted, or unlinked from the
# Telegram id (user_id set to NULL) with nothing else changed. Any other change is still refused.
_ERASURE = """
    IF OLD.user_id IS NOT NULL AND current_setting('payments.erasing_user', true) = OLD.user_id::text THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF NEW.user_id IS NULL AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
            RETURN NEW;
        END IF;
    END IF;"""


def upgrade() -> None:
    # A kept entry (a grant a purchase paid for: an accounting record) loses its Telegram id on erasure.
    op.execute("ALTER TABLE credit_entries ALTER COLUMN user_id DROP NOT NULL")
    op.execute(_APPEND_ONLY.format(exception=_ERASURE))
    op.execute("CREATE INDEX subscriptions_premium_end ON subscriptions (active_until) WHERE plan = 'premium'")


def downgrade() -> None:
    op.execute("DROP INDEX subscriptions_premium_end")
    op.execute(_APPEND_ONLY.format(exception=""))
    # Entries unlinked by an erasure are accounting records and cannot be linked back: refuse rather than lose them.
    op.execute("ALTER TABLE credit_entries ALTER COLUMN user_id SET NOT NULL")
