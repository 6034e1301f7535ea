"""Kiss Cam jobs: every state a job passes, with when, who worked on it, what it cost and what became of it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE kisscam_jobs (
            id uuid PRIMARY KEY,
            user_id bigint NOT NULL,
            chat_id bigint NOT NULL,
            provider text NOT NULL,
            style text NOT NULL,
            photo_keys text[] NOT NULL,
            -- sha256 over the photos' own sha256 digests, in order: the same photos give the same digest
            digest text NOT NULL,
            state text NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'validating', 'generating', 'storing', 'done', 'failed')),
            reused_from uuid REFERENCES kisscam_jobs (id) ON DELETE SET NULL,
            -- when the job entered each state (queued: created_at); finished_at for done and failed alike
            created_at timestamptz NOT NULL DEFAULT now(),
            validating_at timestamptz,
            charged_at timestamptz,
            generating_at timestamptz,
            storing_at timestamptz,
            finished_at timestamptz,
            -- the worker that has it now (consumer name), how often one started on it, and its last sign of life
            worker text,
            attempts integer NOT NULL DEFAULT 0,
            heartbeat_at timestamptz,
            provider_job_id text,
            cost numeric(12, 4),
            cost_currency text,
            -- set as soon as the job is known to fail, before the charge is released: a worker that dies in between
            -- leaves the next one only the release and the event to do
            failure_reason text,
            failure_detail text,
            charge_key text,
            charge_source text,
            charge_credits integer,
            charge_state text CHECK (charge_state IN ('held', 'settled', 'released')),
            clip_key text,
            duration_seconds double precision,
            width integer,
            height integer
        )
        """
    )
    # At most one unfinished job per user, kept by the database itself: two requests at once cannot both pass.
    op.execute(
        "CREATE UNIQUE INDEX kisscam_jobs_one_running ON kisscam_jobs (user_id) WHERE state NOT IN ('done', 'failed')"
    )
    op.execute("CREATE INDEX kisscam_jobs_user_created ON kisscam_jobs (user_id, created_at)")
    op.execute(
        "CREATE INDEX kisscam_jobs_reusable ON kisscam_jobs (digest, style, provider, finished_at) WHERE state = 'done'"
    )
    op.execute("CREATE INDEX kisscam_jobs_queued ON kisscam_jobs (created_at) WHERE state = 'queued'")


def downgrade() -> None:
    op.execute("DROP TABLE kisscam_jobs")
