"""The story service, as the gateway asks it things. Every play call answers a StoryReply."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from storycam.contracts.stories import (
    ChooseChoice,
    FreeText,
    Language,
    PlayerProgress,
    StartStory,
    StoryCatalogue,
    StoryReply,
    UndoStep,
)


class StoriesUnavailable(Exception):
    """The story service did not answer, or failed: the user hears so, the story waits."""


class StoryRefused(Exception):
    """The story service said no (4xx) with a reason a person can read."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class StoryClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def catalogue(self, language: Language, user_id: int) -> StoryCatalogue:
        response = await self._request("GET", "/internal/v1/stories", params={"language": language, "user_id": user_id})
        return StoryCatalogue.model_validate_json(response.content)

    async def start(self, user_id: int, slug: str, language: Language, *, restart: bool = False) -> StoryReply:
        return await self._play(user_id, slug, "start", StartStory(language=language, restart=restart))

    async def choose(self, user_id: int, slug: str, revision: int, index: int) -> StoryReply:
        return await self._play(user_id, slug, "choices", ChooseChoice(revision=revision, index=index))

    async def say(self, user_id: int, slug: str, text: str) -> StoryReply:
        return await self._play(user_id, slug, "text", FreeText(text=text))

    async def undo(self, user_id: int, slug: str, revision: int) -> StoryReply:
        return await self._play(user_id, slug, "undo", UndoStep(revision=revision))

    async def progress(self, user_id: int) -> PlayerProgress:
        """What the user played: stories finished and endings found (for /stats)."""
        response = await self._request("GET", f"/internal/v1/users/{user_id}/progress")
        return PlayerProgress.model_validate_json(response.content)

    async def media(self, path: str) -> bytes:
        """A picture, sound or clip the story service keeps (a path it gave in a StoryMedia)."""
        return (await self._request("GET", path)).content

    async def _play(self, user_id: int, slug: str, action: str, body: BaseModel) -> StoryReply:
        response = await self._request(
            "POST", f"/internal/v1/users/{user_id}/stories/{slug}/{action}", json=body.model_dump(mode="json")
        )
        return StoryReply.model_validate_json(response.content)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise StoriesUnavailable(str(exc)) from exc
        if 400 <= response.status_code < 500:
            detail = (
                response.json().get("detail", "")
                if response.headers.get("content-type", "").startswith("application/json")
                else ""
            )
            raise StoryRefused(response.status_code, str(detail))
        if response.status_code >= 500:
            raise StoriesUnavailable(f"story service answered {response.status_code}")
        return response
