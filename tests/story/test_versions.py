"""New versions of a story: players mid-story finish on the version they started, or move to the new one when
their state loads there cleanly; a version is kept while anyone plays it, and dropped once nobody does."""

from __future__ import annotations

import asyncpg
import httpx

from tests.story.support import Player, corridor, new_user, upload


async def _versions(db: asyncpg.Connection, slug: str) -> list[int]:
    rows = await db.fetch(
        "SELECT v.number FROM story.story_versions v JOIN story.stories s ON s.id = v.story_id "
        "WHERE s.slug = $1 ORDER BY v.number",
        slug,
    )
    return [row["number"] for row in rows]


async def test_players_mid_story_are_not_broken_by_a_new_version(
    story: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    slug = f"corridor-{new_user()}"
    first = await upload(story, {"ink": corridor(slug, door_text="Version one: the door opens.")})
    assert first.status_code == 201
    assert first.json()["version"] == 1

    staying = Player(story, slug)
    await staying.start()
    await staying.pick("Go left")
    moving = Player(story, slug)
    await moving.start()
    await moving.pick("Go left")

    second = await upload(story, {"ink": corridor(slug, door_text="Version two: the door swings wide.")})
    assert second.status_code == 201
    assert second.json()["version"] == 2
    assert second.json()["pruned_versions"] == 0, "version 1 is being played"

    # A button press carries on where the player is: on version one.
    ending = await staying.pick("Open the door")
    assert ending.kind == "ending"
    assert "Version one" in staying.text

    # Resuming moves a run whose state loads cleanly in the new version (same place, same choices).
    resumed = await moving.start()
    assert resumed.notice is not None
    assert resumed.notice.code == "resumed"
    assert [c.text for c in resumed.choices] == ["Open the door", "Go back"]
    await moving.pick("Open the door")
    assert "Version two" in moving.text

    newcomer = Player(story, slug)
    await newcomer.start()
    await newcomer.pick("Go left")
    await newcomer.pick("Open the door")
    assert "Version two" in newcomer.text

    progress = await story.get(f"/internal/v1/users/{moving.user_id}/progress")
    assert progress.json()["stories"][0]["version"] == 2
    # Every run has ended: the next import drops both old versions; what the players found stays theirs.
    third = await upload(story, {"ink": corridor(slug, door_text="Version three.")})
    assert third.json()["pruned_versions"] == 2
    assert await _versions(db, slug) == [3]
    stats = (await story.get(f"/internal/v1/users/{staying.user_id}/progress")).json()
    assert (stats["stories_finished"], stats["endings_found"]) == (1, 1)


async def test_a_run_whose_place_changed_stays_on_its_version_until_it_ends(
    story: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    slug = f"corridor-{new_user()}"
    await upload(story, {"ink": corridor(slug)})
    player = Player(story, slug)
    await player.start()
    await player.pick("Go left")

    await upload(story, {"ink": corridor(slug, left_choice="Kick the door in")})
    resumed = await player.start()
    assert [c.text for c in resumed.choices] == ["Open the door", "Go back"], "the old version's choices still hold"
    assert (await upload(story, {"ink": corridor(slug, left_choice="Knock")})).json()["pruned_versions"] == 1
    assert await _versions(db, slug) == [1, 3], "version 1 is kept while the player is in it; 2 had nobody"

    await player.pick("Open the door")
    assert (await upload(story, {"ink": corridor(slug, left_choice="Knock twice")})).json()["pruned_versions"] == 2
    assert await _versions(db, slug) == [4]
    assert (await story.get(f"/internal/v1/users/{player.user_id}/progress")).json()["stories_finished"] == 1


async def test_the_same_content_again_is_not_a_new_version(story: httpx.AsyncClient) -> None:
    slug = f"corridor-{new_user()}"
    created = await upload(story, {"ink": corridor(slug)})
    again = await upload(story, {"ink": corridor(slug)})
    assert created.status_code == 201
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["version"] == 1
    assert again.json()["warnings"] == []  # one language is enough
