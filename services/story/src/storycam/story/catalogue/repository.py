"""SQL for stories, versions, scripts, the node index and media, and nothing else."""

from __future__ import annotations

import asyncpg

from storycam.contracts.stories import Language
from storycam.kit.db import Connection, Executor
from storycam.story.catalogue.package import MediaFile, Script, StoryPackage
from storycam.story.catalogue.records import ListedStory, NodeRecord, ScriptRecord, StoryRecord, VersionRecord

_STORY = "s.id, s.slug, s.tier, s.titles, s.descriptions, s.cover"


def _story(row: asyncpg.Record) -> StoryRecord:
    return StoryRecord(row["id"], row["slug"], row["tier"], row["titles"], row["descriptions"], row["cover"])


async def lock_story(connection: Connection, slug: str) -> None:
    """Imports of one story run one at a time, so two uploads never get the same version number."""
    await connection.execute("SELECT pg_advisory_xact_lock(hashtext('story-import:' || $1))", slug)


async def upsert_story(connection: Connection, package: StoryPackage) -> int:
    story_id: int = await connection.fetchval(
        """
        INSERT INTO stories (slug, tier, titles, descriptions, cover) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (slug) DO UPDATE SET tier = EXCLUDED.tier, titles = EXCLUDED.titles,
            descriptions = EXCLUDED.descriptions, cover = EXCLUDED.cover, updated_at = now()
        RETURNING id
        """,
        package.slug,
        package.tier,
        package.titles,
        package.descriptions,
        package.cover,
    )
    return story_id


async def latest_version(db: Executor, story_id: int) -> VersionRecord | None:
    row = await db.fetchrow(
        "SELECT id, number, checksum FROM story_versions WHERE story_id = $1 ORDER BY number DESC LIMIT 1", story_id
    )
    return VersionRecord(row["id"], row["number"], row["checksum"]) if row else None


async def insert_version(connection: Connection, story_id: int, number: int, checksum: str) -> int:
    version_id: int = await connection.fetchval(
        "INSERT INTO story_versions (story_id, number, checksum) VALUES ($1, $2, $3) RETURNING id",
        story_id,
        number,
        checksum,
    )
    return version_id


async def insert_script(connection: Connection, version_id: int, script: Script) -> int:
    script_id: int = await connection.fetchval(
        """
        INSERT INTO story_scripts (version_id, language, compiled, source, checksum, endings)
        VALUES ($1, $2, $3::text::json, $4, $5, $6) RETURNING id
        """,
        version_id,
        script.language,
        script.compiled,
        script.source,
        script.checksum,
        list(script.endings),
    )
    await connection.executemany(
        """
        INSERT INTO story_nodes (script_id, name, position, knot, stitch, start_tags, tags, diverts, choices)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        [
            (
                script_id,
                item.node.name,
                position,
                item.node.knot,
                item.node.stitch,
                list(item.start_tags),
                list(item.node.tags),
                list(item.node.diverts),
                item.node.choices,
            )
            for position, item in enumerate(script.nodes)
        ],
    )
    return script_id


async def stored_media_names(db: Executor, story_id: int) -> set[str]:
    rows = await db.fetch("SELECT name FROM story_media WHERE story_id = $1", story_id)
    return {row["name"] for row in rows}


async def upsert_media(connection: Connection, story_id: int, media: list[MediaFile]) -> None:
    await connection.executemany(
        """
        INSERT INTO story_media (story_id, name, content_type, data, checksum) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (story_id, name) DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data,
            checksum = EXCLUDED.checksum
        WHERE story_media.checksum <> EXCLUDED.checksum
        """,
        [(story_id, m.name, m.content_type, m.data, m.checksum) for m in media],
    )


async def prune_versions(connection: Connection, story_id: int) -> int:
    """Delete the versions nobody plays any more (never the newest); finished runs on them go with them."""
    stale = """
        SELECT v.id FROM story_versions v
        WHERE v.story_id = $1
          AND v.number < (SELECT max(number) FROM story_versions WHERE story_id = $1)
          AND NOT EXISTS (
              SELECT 1 FROM progress p JOIN story_scripts sc ON sc.id = p.script_id
              WHERE sc.version_id = v.id AND p.finished_at IS NULL
          )
    """
    ids = [row["id"] for row in await connection.fetch(stale, story_id)]
    if not ids:
        return 0
    await connection.execute(
        "DELETE FROM progress p USING story_scripts sc WHERE p.script_id = sc.id AND sc.version_id = ANY($1::bigint[])",
        ids,
    )
    await connection.execute("DELETE FROM story_versions WHERE id = ANY($1::bigint[])", ids)
    return len(ids)


async def story_by_slug(db: Executor, slug: str) -> StoryRecord | None:
    row = await db.fetchrow(f"SELECT {_STORY} FROM stories s WHERE s.slug = $1", slug)  # noqa: S608 - constant columns
    return _story(row) if row else None


async def story_by_id(db: Executor, story_id: int) -> StoryRecord | None:
    row = await db.fetchrow(f"SELECT {_STORY} FROM stories s WHERE s.id = $1", story_id)  # noqa: S608 - constant columns
    return _story(row) if row else None


async def listed(db: Executor, language: Language, *, other_languages: bool = False) -> list[ListedStory]:
    """Every story whose newest version is written in ``language``; with ``other_languages``, every story (those
    in another language after, each shown in one it has)."""
    rows = await db.fetch(
        f"""
        SELECT {_STORY}, v.number, sc.endings, sc.language AS shown,
               (SELECT array_agg(language ORDER BY language DESC) FROM story_scripts WHERE version_id = v.id)
                   AS languages
        FROM stories s
        JOIN LATERAL (
            SELECT id, number FROM story_versions WHERE story_id = s.id ORDER BY number DESC LIMIT 1
        ) v ON true
        JOIN LATERAL (
            SELECT endings, language FROM story_scripts WHERE version_id = v.id
            ORDER BY language = $1 DESC, language DESC LIMIT 1
        ) sc ON true
        WHERE sc.language = $1 OR $2
        ORDER BY sc.language <> $1, s.tier, s.slug
        """,  # noqa: S608 - constant columns
        language,
        other_languages,
    )
    return [
        ListedStory(_story(row), row["number"], list(row["languages"]), list(row["endings"]), row["shown"])
        for row in rows
    ]


async def newest_script_id(db: Executor, story_id: int, language: Language) -> int | None:
    value: int | None = await db.fetchval(
        """
        SELECT sc.id FROM story_versions v JOIN story_scripts sc ON sc.version_id = v.id AND sc.language = $2
        WHERE v.story_id = $1 ORDER BY v.number DESC LIMIT 1
        """,
        story_id,
        language,
    )
    return value


async def newest_languages(db: Executor, story_id: int) -> list[Language]:
    rows = await db.fetch(
        """
        SELECT sc.language FROM story_scripts sc
        WHERE sc.version_id = (SELECT id FROM story_versions WHERE story_id = $1 ORDER BY number DESC LIMIT 1)
        """,
        story_id,
    )
    return [row["language"] for row in rows]


async def script(db: Executor, script_id: int) -> ScriptRecord | None:
    row = await db.fetchrow(
        """
        SELECT sc.id, v.story_id, s.slug, sc.language, v.number, sc.compiled::text AS compiled, sc.endings
        FROM story_scripts sc JOIN story_versions v ON v.id = sc.version_id JOIN stories s ON s.id = v.story_id
        WHERE sc.id = $1
        """,
        script_id,
    )
    if row is None:
        return None
    return ScriptRecord(
        row["id"], row["story_id"], row["slug"], row["language"], row["number"], row["compiled"], list(row["endings"])
    )


async def media(db: Executor, slug: str, name: str) -> tuple[str, bytes] | None:
    row = await db.fetchrow(
        "SELECT m.content_type, m.data FROM story_media m JOIN stories s ON s.id = m.story_id "
        "WHERE s.slug = $1 AND m.name = $2",
        slug,
        name,
    )
    return (row["content_type"], bytes(row["data"])) if row else None


async def nodes(db: Executor, script_id: int) -> list[NodeRecord]:
    rows = await db.fetch(
        "SELECT name, start_tags, tags, diverts, choices FROM story_nodes WHERE script_id = $1 ORDER BY position",
        script_id,
    )
    return [
        NodeRecord(row["name"], list(row["start_tags"]), list(row["tags"]), list(row["diverts"]), row["choices"])
        for row in rows
    ]
