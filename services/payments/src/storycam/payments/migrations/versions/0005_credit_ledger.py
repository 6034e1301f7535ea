"""The credit ledger: append-only entries, a balance per user that cannot go below zero, and open holds.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The history: never updated, never deleted (the trigger below). ``grant`` and ``hold`` carry the caller's
    # idempotency key; ``settle`` and ``release`` name the hold they close, and a hold closes once.
    op.execute(
        """
        CREATE TABLE credit_entries (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL CHECK (user_id > 0),
            kind text NOT NULL CHECK (kind IN ('grant', 'hold', 'settle', 'release')),
            credits integer NOT NULL CHECK (credits > 0),
            idempotency_key text,
            hold_id bigint REFERENCES credit_entries (id),
            purchase_id uuid,
            reason text,
            expires_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK ((kind IN ('grant', 'hold')) = (idempotency_key IS NOT NULL)),
            CHECK ((kind IN ('settle', 'release')) = (hold_id IS NOT NULL)),
            CHECK ((kind = 'hold') = (expires_at IS NOT NULL))
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX credit_entries_idempotency_key ON credit_entries (user_id, kind, idempotency_key) "
        "WHERE idempotency_key IS NOT NULL"
    )
    op.execute("CREATE UNIQUE INDEX credit_entries_closes_once ON credit_entries (hold_id) WHERE hold_id IS NOT NULL")
    op.execute("CREATE INDEX credit_entries_user ON credit_entries (user_id, id)")
    op.execute(
        """
        CREATE FUNCTION credit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'credit_entries is append-only: add an entry instead of changing one';
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER credit_entries_append_only BEFORE UPDATE OR DELETE ON credit_entries "
        "FOR EACH ROW EXECUTE FUNCTION credit_entries_append_only()"
    )
    # The sum of the entries, kept beside them in the same transaction. Its row is the lock every change of one
    # user's credits takes first, and its CHECKs are the last word on "never below zero".
    op.execute(
        """
        CREATE TABLE credit_balances (
            user_id bigint PRIMARY KEY,
            available integer NOT NULL DEFAULT 0 CHECK (available >= 0),
            held integer NOT NULL DEFAULT 0 CHECK (held >= 0),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    # Holds neither settled nor released yet: what the sweeper reads, small however long the history grows.
    op.execute(
        """
        CREATE TABLE credit_open_holds (
            hold_id bigint PRIMARY KEY REFERENCES credit_entries (id),
            user_id bigint NOT NULL,
            expires_at timestamptz NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX credit_open_holds_expiry ON credit_open_holds (expires_at)")


def downgrade() -> None:
    op.execute("DROP TABLE credit_open_holds")
    op.execute("DROP TABLE credit_balances")
    op.execute("DROP TABLE credit_entries")
    op.execute("DROP FUNCTION credit_entries_append_only()")
