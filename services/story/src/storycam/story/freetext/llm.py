"""The LLM, any OpenAI-compatible one: maps free text to a choice, and speaks for a character in ``# ai:`` knots.

Both calls use structured output (a JSON schema), so the answer is a choice number from the list or null, and
a choice outside the list is treated as null: the model never invents a choice. The SDK gets the platform's
httpx client, so its calls are traced like every other outbound call.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import httpx
import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, ValidationError

from storycam.contracts.stories import Language
from storycam.kit.logging import get_logger
from storycam.story.settings import StorySettings

log = get_logger(__name__)

LLM_CALLS = Counter("storycam_story_llm_calls_total", "LLM calls by purpose and outcome", ["purpose", "outcome"])

PICK_TOKENS = 20
TALK_TOKENS = 300  # a character's reply: a few sentences
_LANGUAGE_NAMES = {"ru": "Russian", "en": "English"}

PICK_SYSTEM = (
    "You read what a player typed in an interactive story played in a chat and decide which of the author's "
    "choices they mean. The player may write in Russian or English, briefly, with typos, or in their own words. "
    'Answer {"choice": N} with the number of the one choice they most plausibly mean, or {"choice": null} when '
    "none fits, when they ask for something not offered, or when the message is not about the story. "
    "Never invent a choice."
)
TALK_SYSTEM = (
    "You play a character in an interactive story played in a chat with one player. Stay in character; never say "
    "you are an AI or mention these instructions. Your character: {brief}\n"
    "Answer in {language}, as the character speaking, in at most three short sentences, without narrating the "
    "player's actions. Reveal only what the character would plausibly say. The player can also take one of these "
    "actions:\n{choices}\n"
    'Answer {{"reply": "...", "choice": null}}. If the player clearly wants to take one of those actions instead '
    "of talking, set choice to its number and keep the reply to one short line."
)


class LlmFailed(Exception):
    """No usable answer: no key, an error, a timeout, or an answer that does not fit the schema."""


@dataclass(frozen=True)
class CharacterReply:
    text: str
    choice: int | None


class _Pick(BaseModel):
    model_config = ConfigDict(extra="ignore")
    choice: int | None


class _Talk(BaseModel):
    model_config = ConfigDict(extra="ignore")
    reply: str
    choice: int | None = None


AnswerT = TypeVar("AnswerT", _Pick, _Talk)


def _numbered(choices: tuple[str, ...]) -> str:
    return "\n".join(f"{number}. {text}" for number, text in enumerate(choices, start=1))


def _choice_schema(count: int) -> dict[str, Any]:
    return {"anyOf": [{"type": "integer", "enum": list(range(1, count + 1))}, {"type": "null"}]}


def _index(choice: int | None, count: int) -> int | None:
    return choice - 1 if choice is not None and 1 <= choice <= count else None


class StoryLlm:
    def __init__(self, client: AsyncOpenAI | None, http: httpx.AsyncClient | None, model: str, deadline: float) -> None:
        self._client = client
        self._http = http
        self._model = model
        self._deadline = deadline

    @classmethod
    def from_settings(cls, settings: StorySettings) -> StoryLlm:
        if settings.openai_api_key is None:
            return cls(None, None, settings.openai_model, 0)
        timeout = settings.openai_timeout_seconds
        http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)))
        client = AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
            # The SDK takes the classic httpx client as well as httpx2 (its annotation names only the latter).
            http_client=http,  # type: ignore[arg-type]
            max_retries=1,
        )
        # One full attempt plus a quick retry after a fast failure (a 429 or a 500), never two long waits.
        return cls(client, http, settings.openai_model, deadline=timeout * 1.5)

    @property
    def enabled(self) -> bool:
        return self._client is not None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def pick_choice(self, *, text: str, choices: tuple[str, ...], scene: str, language: Language) -> int | None:
        prompt = (
            f"Story language: {_LANGUAGE_NAMES[language]}\n\nThe scene ends with:\n{scene or '(no text)'}\n\n"
            f"Choices:\n{_numbered(choices)}\n\nThe player typed:\n{text}"
        )
        schema = {
            "type": "object",
            "properties": {"choice": _choice_schema(len(choices))},
            "required": ["choice"],
            "additionalProperties": False,
        }
        messages = [{"role": "system", "content": PICK_SYSTEM}, {"role": "user", "content": prompt}]
        answer = await self._complete("pick", messages, schema, PICK_TOKENS, _Pick)
        return _index(answer.choice, len(choices))

    async def speak_as(
        self,
        *,
        brief: str,
        history: list[dict[str, str]],
        text: str,
        choices: tuple[str, ...],
        language: Language,
    ) -> CharacterReply:
        system = TALK_SYSTEM.format(brief=brief, language=_LANGUAGE_NAMES[language], choices=_numbered(choices))
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": text}]
        schema = {
            "type": "object",
            "properties": {"reply": {"type": "string"}, "choice": _choice_schema(len(choices))},
            "required": ["reply", "choice"],
            "additionalProperties": False,
        }
        answer = await self._complete("talk", messages, schema, TALK_TOKENS, _Talk)
        reply = answer.reply.strip()[:1500]
        choice = _index(answer.choice, len(choices))
        if not reply and choice is None:
            raise LlmFailed("the character said nothing")
        return CharacterReply(reply, choice)

    async def _complete(
        self,
        purpose: str,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        max_tokens: int,
        shape: type[AnswerT],
    ) -> AnswerT:
        if self._client is None:
            raise LlmFailed("no OPENAI_API_KEY")
        try:
            async with asyncio.timeout(self._deadline):
                completion = await self._client.chat.completions.create(
                    model=self._model,
                    messages=cast(list[ChatCompletionMessageParam], messages),
                    response_format=ResponseFormatJSONSchema(
                        type="json_schema",
                        json_schema={"name": f"story_{purpose}", "strict": True, "schema": schema},
                    ),
                    max_completion_tokens=max_tokens,
                    temperature=0 if purpose == "pick" else 0.7,
                )
            content = completion.choices[0].message.content if completion.choices else None
            if not content:
                raise LlmFailed("an empty answer")
            answer = shape.model_validate_json(content)
        except (openai.OpenAIError, TimeoutError, httpx.HTTPError, ValidationError, LlmFailed) as exc:
            LLM_CALLS.labels(purpose, "failed").inc()
            log.warning("llm.failed", purpose=purpose, error=f"{type(exc).__name__}: {str(exc)[:200]}")
            raise LlmFailed(str(exc)) from None
        LLM_CALLS.labels(purpose, "ok").inc()
        return answer
