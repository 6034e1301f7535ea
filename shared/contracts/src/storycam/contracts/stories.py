"""The story service's REST bodies: the catalogue, playing a story, progress, and importing stories.

A play request answers a :class:`StoryReply`: the messages to send (already cut to Telegram's 4096-character
limit on paragraph boundaries, media first), the choices, and the revision the choice buttons must carry.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

from storycam.contracts.base import Contract

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")
StoryTier = Literal["free", "premium"]
MediaKind = Literal["image", "audio", "video"]
ReplyKind = Literal["scene", "ending", "paywall", "error"]
NoticeCode = Literal[
    "stale_choice",  # the button was made for an earlier revision; the current choices follow
    "not_understood",  # free text matched no choice; the choices follow as buttons
    "nothing_to_undo",
    "undone",
    "resumed",
    "story_over",  # free text or a choice after the ending
    "conversation_over",  # the character has said all they will; back to the choices
]
PaywallReason = Literal["premium_story", "premium_scene", "entitlements_unavailable"]
ReadingSource = Literal["llm", "cache", "local", "none"]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"
MEDIA_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
TELEGRAM_MESSAGE_LIMIT = 4096
# A message's HTML may run longer than what it shows (tags, escapes); Telegram's limit counts what it shows.
TELEGRAM_HTML_LIMIT = 8 * TELEGRAM_MESSAGE_LIMIT
MAX_FREE_TEXT = TELEGRAM_MESSAGE_LIMIT
MAX_SCRIPT_CHARS = 4_000_000

# C0 and C1 controls, DEL, and the invisible format characters people paste by accident; newlines and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def readable_text(value: str) -> str:
    """The text with control characters removed and Unicode composed (NFC); raises when nothing readable is left."""
    cleaned = unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()
    if not cleaned:
        raise ValueError("holds no readable text (only spaces or control characters)")
    return cleaned


# --- the catalogue ------------------------------------------------------------------------------------------


class StoryMedia(Contract):
    """A picture, sound or clip from an ink tag. ``source`` is an http(s) URL, or a path on the story service."""

    kind: MediaKind
    source: str


class StorySummary(Contract):
    slug: str
    title: str
    description: str
    tier: StoryTier
    cover: StoryMedia | None = None
    languages: list[Language]
    version: int
    available: bool  # false: premium, and the user has no premium right now
    progress: Literal["new", "playing", "finished"] = "new"
    endings_found: int = 0
    endings_total: int


class StoryCatalogue(Contract):
    """``GET /internal/v1/stories?language=…&user_id=…``."""

    language: Language
    premium: bool
    stories: list[StorySummary]


# --- playing ------------------------------------------------------------------------------------------------


class StartStory(Contract):
    """Start the story, or resume it where the user stopped; ``restart`` begins again.

    A run keeps the language it started in: resuming answers in that language (``StoryReply.language``), and
    a restart starts over in the one asked for.
    """

    language: Language
    restart: bool = False


class ChooseChoice(Contract):
    revision: int = Field(ge=0)
    index: int = Field(ge=0, le=99)


class FreeText(Contract):
    text: str = Field(min_length=1, max_length=MAX_FREE_TEXT)

    @field_validator("text")
    @classmethod
    def _readable(cls, value: str) -> str:
        return readable_text(value)


class UndoStep(Contract):
    revision: int = Field(ge=0)


class SceneMessage(Contract):
    """One message for the chat: its media go first, then its text (at most 4096 characters, maybe empty).

    ``text`` is plain: what the reader sees. ``html``, when the author formatted the text (``<i>``, ``<b>`` … in
    the ink), is the same text as Telegram HTML (``parse_mode=HTML``), balanced and escaped: only ``b``, ``i``,
    ``u``, ``s`` tags. Without it, the text is sent escaped.
    """

    text: str = Field(max_length=TELEGRAM_MESSAGE_LIMIT)
    html: str | None = Field(default=None, max_length=TELEGRAM_HTML_LIMIT)
    media: list[StoryMedia] = Field(default_factory=list)


class StoryChoice(Contract):
    index: int
    text: str


class Notice(Contract):
    code: NoticeCode
    text: str


class EndingReached(Contract):
    id: str
    title: str
    new: bool
    endings_found: int
    endings_total: int


class Paywall(Contract):
    reason: PaywallReason
    title: str
    text: str
    button: str


class FreeTextReading(Contract):
    """How free text was understood: which choice (or none), and who decided."""

    source: ReadingSource
    choice: int | None = None


class Conversation(Contract):
    """The player is talking with a character (a knot tagged ``# ai:``); free text goes to them."""

    turns_left: int


class StoryReply(Contract):
    story: str
    language: Language
    kind: ReplyKind
    revision: int
    messages: list[SceneMessage] = Field(default_factory=list)
    choices: list[StoryChoice] = Field(default_factory=list)
    notice: Notice | None = None
    ending: EndingReached | None = None
    paywall: Paywall | None = None
    reading: FreeTextReading | None = None
    conversation: Conversation | None = None
    can_undo: bool = False


# --- progress -----------------------------------------------------------------------------------------------


class StoryProgress(Contract):
    story: str
    title: str
    language: Language
    status: Literal["playing", "finished"]
    revision: int
    version: int
    started_at: datetime
    updated_at: datetime
    endings_found: list[str]
    endings_total: int


class PlayerProgress(Contract):
    """``GET /internal/v1/users/{user_id}/progress``; ``current`` is the story played most recently, if unfinished."""

    user_id: int
    current: str | None
    stories: list[StoryProgress]
    stories_finished: int
    endings_found: int


class ErasedStoryData(Contract):
    user_id: int
    progress: int
    interactions: int
    endings: int


# --- importing ----------------------------------------------------------------------------------------------


class ScriptUpload(Contract):
    """One language of a story: ink source (compiled on the server, which needs Node.js) or compiled ink JSON."""

    language: Language | None = None
    ink: str | None = Field(default=None, max_length=MAX_SCRIPT_CHARS)
    compiled: str | None = Field(default=None, max_length=MAX_SCRIPT_CHARS)

    @model_validator(mode="after")
    def _one_form(self) -> ScriptUpload:
        if (self.ink is None) == (self.compiled is None):
            raise ValueError("give exactly one of `ink` (source) and `compiled` (ink JSON)")
        return self


class MediaUpload(Contract):
    name: str = Field(pattern=MEDIA_NAME_PATTERN)
    content_type: str = Field(pattern=r"^(image|audio|video)/[a-z0-9.+-]+$")
    data: str = Field(description="base64")

    @field_validator("data")
    @classmethod
    def _base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("is not base64") from None
        return value

    def content(self) -> bytes:
        return base64.b64decode(self.data)


class StoryManifest(Contract):
    """What a story is, said beside its ink (``story.toml``) or with the import; every item is optional.

    Each item given here wins over the ink's global tags (``# slug:`` …); one given nowhere gets a default (slug
    from the file name, title from the file name or the first knot, tier free, languages those of its scripts).
    ``title`` and ``description`` are one text for every language, or one per language.
    """

    slug: str | None = Field(default=None, pattern=SLUG_PATTERN)
    title: str | dict[Language, str] | None = None
    description: str | dict[Language, str] | None = None
    tier: StoryTier | None = None
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=len(LANGUAGES))
    cover: str | None = Field(default=None, pattern=r"^(https?://\S+|[A-Za-z0-9][A-Za-z0-9._-]{0,99})$")


class StoryUpload(Contract):
    """``POST /internal/v1/stories``: a new version of a story. What it is (slug, titles, tier, languages) comes
    from ``manifest``, else from the ink's global tags, else a default (see :class:`StoryManifest`)."""

    scripts: list[ScriptUpload] = Field(min_length=1, max_length=len(LANGUAGES))
    manifest: StoryManifest | None = None
    media: list[MediaUpload] = Field(default_factory=list, max_length=200)


class StoryImported(Contract):
    slug: str
    version: int
    created: bool  # false: this exact content was already the story's newest version
    languages: list[Language]
    pruned_versions: int
    warnings: list[str]


class StoryGraph(Contract):
    slug: str
    language: Language
    version: int
    mermaid: str
