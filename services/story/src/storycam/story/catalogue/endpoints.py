"""HTTP for the catalogue: list stories, import a new version, a story's media and its graph."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from storycam.contracts.stories import (
    MEDIA_NAME_PATTERN,
    Language,
    StoryCatalogue,
    StoryGraph,
    StoryImported,
    StoryUpload,
)
from storycam.kit.deps import Db, Work
from storycam.story.catalogue import service
from storycam.story.deps import Services, Slug

router = APIRouter(prefix="/internal/v1/stories", tags=["catalogue"])


@router.get("")
async def catalogue(
    db: Db,
    services: Services,
    language: Language,
    user_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> StoryCatalogue:
    premium = user_id is not None and (await services.entitlements.premium(user_id)).active
    others = services.settings.catalogue_other_languages
    return await service.catalogue(db, language, user_id=user_id, premium=premium, other_languages=others)


@router.post(
    "",
    status_code=201,
    responses={200: {"model": StoryImported, "description": "This exact version was already stored"}},
)
async def upload(upload: StoryUpload, work: Work, services: Services, response: Response) -> StoryImported:
    package = await service.package_upload(upload, services.compiler)
    imported = await service.store(work, package)
    work.after_commit(lambda: services.library.forget_story(imported.slug))
    if not imported.created:
        response.status_code = 200
    return imported


@router.get("/{slug}/graph")
async def graph(slug: Slug, language: Language, db: Db) -> StoryGraph:
    return await service.graph(db, slug, language)


@router.get("/{slug}/media/{name}", response_class=Response, responses={200: {"content": {"image/*": {}}}})
async def media(slug: Slug, name: Annotated[str, Path(pattern=MEDIA_NAME_PATTERN)], db: Db) -> Response:
    content_type, data = await service.media(db, slug, name)
    return Response(content=data, media_type=content_type, headers={"cache-control": "public, max-age=86400"})
