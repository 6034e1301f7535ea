"""Free text: an OpenAI-compatible LLM (stubbed at the HTTP level) maps the player's words to one of the author's
choices; when it fails, times out or there is no key, the local matcher answers; the story never stops."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
import respx
from redis.asyncio import Redis

from storycam.contracts.stories import MAX_FREE_TEXT
from tests.story.support import LLM_SETTINGS, LLM_URL, Player, story_running

STORY = "quiet-study"


def completion(content: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1_790_000_000,
            "model": LLM_SETTINGS["openai_model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps(content, ensure_ascii=False)},
                }
            ],
        },
    )


@pytest.fixture
async def llm_story(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with story_running(database_url, redis_url, None, **LLM_SETTINGS) as client:
        yield client


@pytest.fixture
def llm() -> respx.MockRouter:
    with respx.mock(base_url=LLM_URL, assert_all_called=False) as router:
        yield router


async def at_the_study(client: httpx.AsyncClient, language: str = "en") -> Player:
    player = Player(client, STORY)
    await player.start(language)
    await player.choose(2)  # take the key and go up
    return player


async def test_the_llm_maps_words_to_a_choice_and_is_asked_properly(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter
) -> None:
    route = llm.post("/chat/completions").mock(return_value=completion({"choice": 2}))
    player = await at_the_study(llm_story)
    choices = [c.text for c in player.last.choices]
    reply = await player.say("I'd like a closer look at that cup")
    assert reply.reading is not None
    assert (reply.reading.source, reply.reading.choice) == ("llm", 1)
    assert "bone china" in player.text

    request = json.loads(route.calls.last.request.content)
    assert route.calls.last.request.headers["authorization"] == "Bearer test-llm-key"
    assert request["model"] == "story-test-model"
    assert request["response_format"]["type"] == "json_schema"
    schema = request["response_format"]["json_schema"]
    assert schema["strict"] is True
    assert schema["schema"]["properties"]["choice"]["anyOf"][0]["enum"] == list(range(1, len(choices) + 1))
    system, user = request["messages"]
    assert system["role"] == "system"
    assert "Never invent a choice" in system["content"]
    for number, text in enumerate(choices, start=1):
        assert f"{number}. {text}" in user["content"]
    assert "I'd like a closer look at that cup" in user["content"]


async def test_answers_are_cached_by_place_and_normalised_words(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter
) -> None:
    route = llm.post("/chat/completions").mock(return_value=completion({"choice": 3}))
    first = await at_the_study(llm_story)
    assert (await first.say("Search the FIREPLACE!")).reading.source == "llm"
    second = await at_the_study(llm_story)
    reply = await second.say("  search the fireplace ")
    assert reply.reading is not None
    assert (reply.reading.source, reply.reading.choice) == ("cache", 2)
    assert "Geographic Society" in second.text
    assert route.call_count == 1


async def test_the_llm_saying_nothing_fits_shows_the_choices_again(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter, db: asyncpg.Connection
) -> None:
    llm.post("/chat/completions").mock(return_value=completion({"choice": None}))
    player = await at_the_study(llm_story)
    before = player.revision
    reply = await player.say("sing a song about the sea")
    assert reply.kind == "scene"
    assert reply.revision == before
    assert reply.notice is not None
    assert reply.notice.code == "not_understood"
    assert reply.reading is not None
    assert (reply.reading.source, reply.reading.choice) == ("llm", None)
    assert len(reply.choices) == 8
    assert reply.messages == []
    logged = await db.fetchrow(
        "SELECT action, input_text, reading FROM story.interactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
        player.user_id,
    )
    assert logged is not None
    assert dict(logged) == {"action": "text", "input_text": "sing a song about the sea", "reading": "llm"}


async def test_an_invented_choice_is_not_taken(llm_story: httpx.AsyncClient, llm: respx.MockRouter) -> None:
    llm.post("/chat/completions").mock(return_value=completion({"choice": 42}))
    player = await at_the_study(llm_story)
    reply = await player.say("do the forty-second thing")
    assert reply.notice is not None
    assert reply.notice.code == "not_understood"
    assert reply.revision == player.revision


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, json={"error": {"message": "boom"}}, headers={"retry-after-ms": "5"}),
        httpx.Response(429, json={"error": {"message": "slow down"}}, headers={"retry-after-ms": "5"}),
        httpx.ReadTimeout("the model took too long"),
        httpx.Response(200, json={"choices": [{"index": 0, "message": {"role": "assistant", "content": "two"}}]}),
    ],
    ids=["500", "429", "timeout", "not-json"],
)
async def test_when_the_llm_fails_the_local_matcher_answers(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter, failure: httpx.Response | Exception
) -> None:
    route = llm.post("/chat/completions")
    route.side_effect = failure if isinstance(failure, Exception) else None
    if isinstance(failure, httpx.Response):
        route.return_value = failure
    player = await at_the_study(llm_story)
    reply = await player.say("I want to read the book")
    assert reply.kind == "scene"
    assert reply.reading is not None
    assert (reply.reading.source, reply.reading.choice) == ("local", 0)
    assert "Foxglove" in player.text
    assert route.call_count >= 1


async def test_without_a_key_the_local_matcher_reads_russian_and_english(
    story: httpx.AsyncClient, llm: respx.MockRouter
) -> None:
    route = llm.post("/chat/completions")
    english = await at_the_study(story)
    assert (await english.say("check the window")).reading.source == "local"
    assert "latched from the inside" in english.text
    russian = await at_the_study(story, "ru")
    reply = await russian.say("осмотрю чашку")
    assert reply.reading is not None
    assert (reply.reading.source, reply.reading.choice) == ("local", 1)
    assert "фарфора" in russian.text
    number = await russian.say("3")
    assert number.reading is not None
    assert number.reading.choice == 2
    lost = await russian.say("спеть песню")
    assert lost.notice is not None
    assert lost.notice.text.startswith("Не совсем понял")
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("x" * 10_000, "at most 4096"),
        ("\x00\x01\x02\x1b\x7f\x9b" * 50, "no readable text"),
        (" \u200b\n\t ", "no readable text"),
    ],
    ids=["10000-characters", "control-characters", "invisible"],
)
async def test_bad_free_text_is_refused_and_changes_nothing(
    story: httpx.AsyncClient, db: asyncpg.Connection, text: str, problem: str
) -> None:
    player = await at_the_study(story)
    count = await db.fetchval("SELECT count(*) FROM story.interactions WHERE user_id = $1", player.user_id)
    response = await story.post(f"{player.base}/text", json={"text": text})
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert problem in json.dumps(response.json()["fields"])
    assert await db.fetchval("SELECT count(*) FROM story.interactions WHERE user_id = $1", player.user_id) == count
    assert (await player.start()).revision == player.revision  # still serving, nothing moved
    assert MAX_FREE_TEXT == 4096


async def test_stray_control_characters_are_dropped_from_real_words(story: httpx.AsyncClient) -> None:
    player = await at_the_study(story)
    reply = await player.say("read\x00 the\u200b book\x07")
    assert reply.reading is not None
    assert reply.reading.choice == 0


async def in_the_kitchen(client: httpx.AsyncClient) -> Player:
    player = await at_the_study(client)
    reply = await player.pick("Go down to the kitchen")
    assert reply.conversation is not None
    assert reply.conversation.turns_left == 6
    return player


async def test_the_ai_knot_opens_a_bounded_conversation_with_the_character(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter
) -> None:
    route = llm.post("/chat/completions").mock(
        return_value=completion({"reply": "I left the tray on the landing, like always.", "choice": None})
    )
    player = await in_the_kitchen(llm_story)
    choices = player.last.choices
    reply = await player.say("Who carried the tray, Agnes?")
    assert reply.messages[0].text == "I left the tray on the landing, like always."
    assert reply.choices == choices
    assert reply.reading is not None
    assert reply.reading.source == "llm"
    assert reply.conversation is not None
    assert reply.conversation.turns_left == 5

    request = json.loads(route.calls.last.request.content)
    assert "Agnes Pell" in request["messages"][0]["content"]
    assert "Answer in English" in request["messages"][0]["content"]
    assert request["messages"][-1] == {"role": "user", "content": "Who carried the tray, Agnes?"}
    assert request["max_completion_tokens"] <= 400
    assert request["response_format"]["json_schema"]["schema"]["required"] == ["reply", "choice"]

    await player.say("And then?")
    second = json.loads(route.calls.last.request.content)["messages"]
    assert second[1:3] == [
        {"role": "user", "content": "Who carried the tray, Agnes?"},
        {"role": "assistant", "content": "I left the tray on the landing, like always."},
    ]
    for _ in range(4):
        reply = await player.say("Tell me more")
    assert reply.conversation is None
    assert reply.notice is not None
    assert reply.notice.code == "conversation_over"

    route.mock(return_value=completion({"choice": 2}))  # numbered from 1 for the model
    after = await player.say("what happened to the tray")
    assert after.reading is not None
    assert after.reading.choice == 1, "past the last turn, words map to choices"
    assert "Mr. Roth took it in" in player.text


async def test_the_character_can_hand_the_player_to_a_choice(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter
) -> None:
    player = await in_the_kitchen(llm_story)
    leave = player.index_of("Thank her") + 1
    llm.post("/chat/completions").mock(return_value=completion({"reply": "Go on, then.", "choice": leave}))
    reply = await player.say("I'll go back upstairs now")
    assert reply.messages[0].text == "Go on, then."
    assert "Find who did it" in player.text
    assert reply.conversation is None


async def test_a_silent_llm_leaves_the_character_silent_but_the_choices_work(
    llm_story: httpx.AsyncClient, llm: respx.MockRouter
) -> None:
    llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("no route to the model"))
    player = await in_the_kitchen(llm_story)
    quiet = await player.say("Good evening, Agnes")
    assert quiet.notice is not None
    assert quiet.notice.text.startswith("They just look at you in silence")
    assert quiet.revision == player.revision
    assert len(quiet.choices) == 4
    moved = await player.say("ask about Miss Mira")
    assert moved.reading is not None
    assert moved.reading.source == "local"
    assert "cocoa" in player.text
