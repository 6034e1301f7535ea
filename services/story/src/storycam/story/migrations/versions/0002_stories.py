"""Stories, their versions and scripts (one compiled ink per language), the node index, media, players' progress,
interaction history and endings found.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE stories (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            tier text NOT NULL CHECK (tier IN ('free', 'premium')),
            titles jsonb NOT NULL,
            descriptions jsonb NOT NULL,
            cover text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE story_versions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            number integer NOT NULL,
            checksum text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (story_id, number)
        )
        """
    )
    # `json`, not `jsonb`: the compiled story is kept byte for byte as the compiler wrote it.
    op.execute(
        """
        CREATE TABLE story_scripts (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            version_id bigint NOT NULL REFERENCES story_versions (id) ON DELETE CASCADE,
            language text NOT NULL CHECK (language IN ('ru', 'en')),
            compiled json NOT NULL,
            source text,
            checksum text NOT NULL,
            endings text[] NOT NULL DEFAULT '{}',
            UNIQUE (version_id, language)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE story_nodes (
            script_id bigint NOT NULL REFERENCES story_scripts (id) ON DELETE CASCADE,
            name text NOT NULL,
            position integer NOT NULL,
            knot text NOT NULL,
            stitch text NOT NULL DEFAULT '',
            start_tags text[] NOT NULL DEFAULT '{}',
            tags text[] NOT NULL DEFAULT '{}',
            diverts text[] NOT NULL DEFAULT '{}',
            choices integer NOT NULL DEFAULT 0,
            PRIMARY KEY (script_id, name)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE story_media (
            story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            name text NOT NULL,
            content_type text NOT NULL,
            data bytea NOT NULL,
            checksum text NOT NULL,
            PRIMARY KEY (story_id, name)
        )
        """
    )
    # A script is kept while anyone plays it: progress references it without cascade.
    op.execute(
        """
        CREATE TABLE progress (
            user_id bigint NOT NULL,
            story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            script_id bigint NOT NULL REFERENCES story_scripts (id),
            revision integer NOT NULL,
            state jsonb NOT NULL,
            scene jsonb NOT NULL,
            previous_state jsonb,
            previous_scene jsonb,
            pending_choice integer,
            conversation jsonb,
            started_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz,
            PRIMARY KEY (user_id, story_id)
        )
        """
    )
    op.execute("CREATE INDEX progress_script ON progress (script_id)")
    op.execute(
        """
        CREATE TABLE interactions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL,
            story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            version integer NOT NULL,
            language text NOT NULL,
            revision integer NOT NULL,
            action text NOT NULL CHECK (
                action IN ('start', 'resume', 'choice', 'text', 'talk', 'undo', 'paywall', 'moved')
            ),
            choice_index integer,
            choice_text text,
            input_text text,
            reading text CHECK (reading IN ('llm', 'cache', 'local', 'none')),
            shown jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX interactions_user ON interactions (user_id, id)")
    op.execute(
        """
        CREATE TABLE endings_found (
            user_id bigint NOT NULL,
            story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            ending text NOT NULL,
            found_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (user_id, story_id, ending)
        )
        """
    )


def downgrade() -> None:
    for table in (
        "endings_found",
        "interactions",
        "progress",
        "story_media",
        "story_nodes",
        "story_scripts",
        "story_versions",
        "stories",
    ):
        op.execute(f"DROP TABLE {table}")
