"""Rules of the catalogue: importing a story as a new version, listing stories, media, the graph."""

from __future__ import annotations

import asyncpg

from storycam.contracts.stories import (
    Language,
    StoryCatalogue,
    StoryGraph,
    StoryImported,
    StoryMedia,
    StorySummary,
    StoryUpload,
)
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.story.catalogue import repository
from storycam.story.catalogue.graph import GraphNode, mermaid
from storycam.story.catalogue.package import MediaFile, ScriptDraft, StoryPackage, assemble, is_url, read_script
from storycam.story.errors import CompilerUnavailable, StoryNotFound, StoryRejected
from storycam.story.ink.compiler import CompilerMissing, InkCompileError, InkCompiler
from storycam.story.players import service as players

log = get_logger(__name__)


def media_source(slug: str, ref: str, version: int | None = None) -> str:
    """Where the gateway fetches a story's media: the URL itself, or this service's media route. With the story's
    ``version`` (``?v=``), a source names one version's file, so a cache keyed by it (the gateway keeps Telegram's
    file ids by source) uploads an image again after an author replaced it in a new version."""
    if is_url(ref):
        return ref
    return f"/internal/v1/stories/{slug}/media/{ref}" + (f"?v={version}" if version is not None else "")


async def package_upload(upload: StoryUpload, compiler: InkCompiler) -> StoryPackage:
    """Compile (if given source) and check every script of an upload. Raises before anything is stored."""
    scripts: list[ScriptDraft] = []
    for item in upload.scripts:
        compiled = item.compiled
        if item.ink is not None:
            try:
                compiled = await compiler.compile_async(item.ink)
            except CompilerMissing as exc:
                raise CompilerUnavailable(f"{CompilerUnavailable.default_detail} ({exc})") from None
            except InkCompileError as exc:
                where = f"the {item.language} script" if item.language else "the script"
                raise StoryRejected(f"{where} does not compile: " + "; ".join(exc.messages[:20])) from None
        assert compiled is not None
        scripts.append(read_script(compiled, source=item.ink, language=item.language))
    media = [MediaFile(m.name, m.content_type, m.content()) for m in upload.media]
    return assemble(scripts, media, manifest=upload.manifest)


async def store(work: UnitOfWork, package: StoryPackage) -> StoryImported:
    """The package as the story's newest version, unless its newest version already is exactly this."""
    connection = await work.connection()
    await repository.lock_story(connection, package.slug)
    story_id = await repository.upsert_story(connection, package)
    missing = package.media_refs - set(package.media) - await repository.stored_media_names(connection, story_id)
    if missing:
        raise StoryRejected(f"the story shows media it does not include: {', '.join(sorted(missing))}")
    await repository.upsert_media(connection, story_id, list(package.media.values()))
    latest = await repository.latest_version(connection, story_id)
    created = latest is None or latest.checksum != package.checksum
    number = latest.number if latest is not None else 0
    if created:
        number += 1
        version_id = await repository.insert_version(connection, story_id, number, package.checksum)
        for script in package.scripts.values():
            await repository.insert_script(connection, version_id, script)
    pruned = await repository.prune_versions(connection, story_id)
    work.after_commit(
        lambda: log.info("story.imported", slug=package.slug, version=number, created=created, pruned=pruned)
    )
    return StoryImported(
        slug=package.slug,
        version=number,
        created=created,
        languages=sorted(package.scripts, reverse=True),
        pruned_versions=pruned,
        warnings=list(package.warnings),
    )


async def catalogue(
    db: asyncpg.Pool, language: Language, *, user_id: int | None, premium: bool, other_languages: bool = False
) -> StoryCatalogue:
    """The stories in ``language``; with ``other_languages``, also those it lacks, in a language they have (the
    summary's ``languages`` tell the gateway to mark them)."""
    stories = await repository.listed(db, language, other_languages=other_languages)
    runs = await players.runs_by_story(db, user_id) if user_id is not None else {}
    summaries = []
    for item in stories:
        story = item.story
        run = runs.get(story.id)
        summaries.append(
            StorySummary(
                slug=story.slug,
                title=story.titles.get(language) or story.titles.get(item.shown) or next(iter(story.titles.values())),
                description=story.descriptions.get(language) or story.descriptions.get(item.shown, ""),
                tier=story.tier,
                cover=StoryMedia(kind="image", source=media_source(story.slug, story.cover)) if story.cover else None,
                languages=item.languages,
                version=item.version,
                available=story.tier == "free" or premium,
                progress=run.status if run else "new",
                endings_found=len(set(run.endings) & set(item.endings)) if run else 0,
                endings_total=len(item.endings),
            )
        )
    return StoryCatalogue(language=language, premium=premium, stories=summaries)


async def media(db: asyncpg.Pool, slug: str, name: str) -> tuple[str, bytes]:
    """A story's media file: its content type and bytes."""
    found = await repository.media(db, slug, name)
    if found is None:
        raise StoryNotFound(f"The story {slug!r} has no media {name!r}.")
    return found


async def graph(db: asyncpg.Pool, slug: str, language: Language) -> StoryGraph:
    story = await repository.story_by_slug(db, slug)
    if story is None:
        raise StoryNotFound()
    script_id = await repository.newest_script_id(db, story.id, language)
    if script_id is None:
        raise StoryNotFound(f"The story {slug!r} has no {language} version.")
    script = await repository.script(db, script_id)
    assert script is not None
    nodes = await repository.nodes(db, script_id)
    drawing = mermaid(
        (GraphNode(n.name, tuple(n.start_tags), tuple(n.tags), tuple(n.diverts)) for n in nodes), script.endings
    )
    return StoryGraph(slug=slug, language=language, version=script.version, mermaid=drawing)
