"""Playing through the REST API: stale buttons, undo, racing taps, resume and restart, and state that survives a
Redis flush because every step is written to PostgreSQL first."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from redis.asyncio import Redis

from storycam.contracts.stories import StoryReply
from tests.story.support import Player

STORY = "quiet-study"


async def _progress_row(db: asyncpg.Connection, user_id: int) -> asyncpg.Record:
    row = await db.fetchrow(
        "SELECT p.revision, p.state::text AS state, p.finished_at FROM story.progress p "
        "JOIN story.stories s ON s.id = p.story_id WHERE p.user_id = $1 AND s.slug = $2",
        user_id,
        STORY,
    )
    assert row is not None
    return row


async def _actions(db: asyncpg.Connection, user_id: int) -> list[str]:
    rows = await db.fetch("SELECT action FROM story.interactions WHERE user_id = $1 ORDER BY id", user_id)
    return [row["action"] for row in rows]


async def test_a_stale_revision_gets_a_friendly_answer_with_the_current_choices(story: httpx.AsyncClient) -> None:
    player = Player(story, STORY)
    opening = await player.start()
    moved = await player.pick("Take the key")
    stale = await player.choose(0, revision=opening.revision)
    assert stale.kind == "scene"
    assert stale.notice is not None
    assert stale.notice.code == "stale_choice"
    assert stale.notice.text == "That choice is from an earlier moment in the story. Here's where you are now:"
    assert stale.revision == moved.revision
    assert [c.text for c in stale.choices] == [c.text for c in moved.choices]
    assert stale.messages == []

    russian = Player(story, STORY)
    first = await russian.start("ru")
    await russian.choose(0)
    answer = await russian.choose(1, revision=first.revision)
    assert answer.notice is not None
    assert answer.notice.text.startswith("Этот выбор — из более раннего момента")


async def test_undo_goes_back_one_step_and_only_one(story: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    player = Player(story, STORY)
    await player.start()
    at_study = await player.pick("Take the key")
    state_at_study = (await _progress_row(db, player.user_id))["state"]
    at_book = await player.pick("Read the book")
    assert at_book.can_undo
    assert "Foxglove" in player.text

    undone = await player.undo()
    assert undone.notice is not None
    assert undone.notice.code == "undone"
    assert undone.revision == at_book.revision + 1
    assert [c.text for c in undone.choices] == [c.text for c in at_study.choices]
    assert undone.messages == at_study.messages
    assert not undone.can_undo
    assert json.loads((await _progress_row(db, player.user_id))["state"]) == json.loads(state_at_study)

    again = await player.undo()
    assert again.notice is not None
    assert again.notice.code == "nothing_to_undo"
    assert again.revision == undone.revision

    # The book's button was made before the undo: it is stale now, and the book is still unread.
    stale = await player.choose(0, revision=at_study.revision)
    assert stale.notice is not None
    assert stale.notice.code == "stale_choice"
    read_again = await player.pick("Read the book")
    assert "Foxglove" in player.text
    assert read_again.revision == undone.revision + 1
    assert await _actions(db, player.user_id) == ["start", "choice", "choice", "undo", "choice"]


async def test_a_redis_flush_mid_story_loses_no_progress(
    story: httpx.AsyncClient, redis: Redis, db: asyncpg.Connection
) -> None:
    player = Player(story, STORY)
    await player.start()
    await player.pick("Take the key")
    before = await player.pick("Look at the teacup")
    await redis.flushdb()

    resumed = await player.start()  # resume reads PostgreSQL and shows the same scene again
    assert resumed.notice is not None
    assert resumed.notice.code == "resumed"
    assert resumed.revision == before.revision
    assert resumed.messages == before.messages
    await redis.flushdb()
    after = await player.pick("Search the fireplace")
    assert after.revision == before.revision + 1
    assert "Geographic Society" in player.text
    assert (await _progress_row(db, player.user_id))["revision"] == after.revision
    keys = [key async for key in redis.scan_iter(match=f"story:progress:{player.user_id}:*")]
    assert len(keys) == 1, "the step wrote its state through to Redis again"


async def test_a_stale_redis_copy_is_caught_by_the_revision_in_postgres(story: httpx.AsyncClient, redis: Redis) -> None:
    player = Player(story, STORY)
    await player.start()
    await player.pick("Take the key")
    [key] = [key async for key in redis.scan_iter(match=f"story:progress:{player.user_id}:*")]
    old_copy = await redis.get(key)
    assert old_copy is not None
    await player.pick("Look at the teacup")
    await redis.set(key, old_copy)  # as if the write after the last step never reached Redis

    reply = await player.pick("Search the fireplace")
    assert reply.notice is None, "the current button must not be called stale because Redis lags"
    assert "Geographic Society" in player.text


async def test_two_taps_at_once_move_the_story_once(story: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    player = Player(story, STORY)
    await player.start()
    at_study = await player.pick("Take the key")
    body = {"revision": at_study.revision, "index": player.index_of("Look at the teacup")}
    first, second = await asyncio.gather(
        story.post(f"{player.base}/choices", json=body), story.post(f"{player.base}/choices", json=body)
    )
    replies = [StoryReply.model_validate(r.json()) for r in (first, second)]
    assert sorted(r.notice.code if r.notice else "moved" for r in replies) == ["moved", "stale_choice"]
    assert {r.revision for r in replies} == {at_study.revision + 1}
    assert (await _progress_row(db, player.user_id))["revision"] == at_study.revision + 1
    assert (await _actions(db, player.user_id)).count("choice") == 2


async def test_resume_shows_where_the_player_stopped_and_restart_begins_again(story: httpx.AsyncClient) -> None:
    player = Player(story, STORY)
    opening = await player.start()
    at_study = await player.pick("Ask who else")
    resumed = await player.start("ru")  # a run keeps its language until the player starts again
    assert resumed.language == "en"
    assert resumed.messages == at_study.messages
    restarted = await player.start("ru", restart=True)
    assert restarted.language == "ru"
    assert restarted.revision == at_study.revision + 1
    assert restarted.messages[0].text.startswith("Дождь провожает вас")
    assert [c.index for c in restarted.choices] == [c.index for c in opening.choices]


async def test_the_end_is_the_end_until_the_player_starts_again(story: httpx.AsyncClient) -> None:
    player = Player(story, STORY)
    await player.start()
    await player.pick("Take the key")
    await player.pick("Look at the teacup")
    await player.pick("Check the window")
    await player.pick("Try the desk drawer")
    await player.pick("Search the fireplace")
    ending = await player.pick("Tell Mira it was his heart")
    assert ending.kind == "ending"
    assert ending.ending is not None
    assert ending.ending.id == "natural"
    late = await player.say("go back to the study")
    assert late.kind == "ending"
    assert late.notice is not None
    assert late.notice.code == "story_over"
    again = await player.start()
    assert again.kind == "scene"
    assert again.revision == ending.revision + 1
    assert again.notice is None


async def test_requests_that_make_no_sense_are_clear_4xx(story: httpx.AsyncClient) -> None:
    player = Player(story, STORY)
    not_started = await story.post(f"{player.base}/choices", json={"revision": 1, "index": 0})
    assert not_started.status_code == 409
    assert not_started.json()["error"] == "story_not_started"
    unknown = await story.post(
        f"/internal/v1/users/{player.user_id}/stories/no-such-story/start", json={"language": "en"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "story_not_found"
    bad_slug = await story.post(f"/internal/v1/users/{player.user_id}/stories/Bad_Slug!/start", json={"language": "en"})
    assert bad_slug.status_code == 422
    bad_language = await story.post(f"{player.base}/start", json={"language": "de"})
    assert bad_language.status_code == 422
    opening = await player.start()
    out_of_range = await story.post(f"{player.base}/choices", json={"revision": opening.revision, "index": 7})
    assert out_of_range.status_code == 400
    assert "not offered" in out_of_range.json()["detail"]
    negative = await story.post(f"{player.base}/choices", json={"revision": opening.revision, "index": -1})
    assert negative.status_code == 422
    zero_user = await story.post(f"/internal/v1/users/0/stories/{STORY}/start", json={"language": "en"})
    assert zero_user.status_code == 422


async def test_a_step_continues_the_callers_trace_and_is_measured(
    story: httpx.AsyncClient, span_exporter: InMemorySpanExporter
) -> None:
    player = Player(story, STORY)
    opening = await player.start()
    span_exporter.clear()
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await story.post(
        f"{player.base}/choices",
        json={"revision": opening.revision, "index": 2},
        headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    )
    assert response.status_code == 200
    spans = span_exporter.get_finished_spans()
    [step] = [s for s in spans if s.kind is SpanKind.SERVER and s.name.endswith("/choices")]
    assert step.name == "POST /internal/v1/users/{user_id}/stories/{slug}/choices"
    assert format(step.context.trace_id, "032x") == trace_id
    assert step.attributes is not None
    assert step.attributes["story.slug"] == STORY
    children = [s for s in spans if s.parent is not None and s.parent.span_id == step.context.span_id]
    assert len(children) >= 3, "the Redis reads and writes and the PostgreSQL statement are part of the step"
    assert not [s for s in spans if s.name.endswith(("http send", "http receive"))], "no generic per-message spans"

    metrics = (await story.get("/metrics")).text
    assert (
        'storycam_hot_route_seconds_count{route="/internal/v1/users/{user_id}/stories/{slug}/choices",status="200"}'
        in metrics
    )
    assert 'storycam_story_steps_total{kind="scene"}' in metrics
