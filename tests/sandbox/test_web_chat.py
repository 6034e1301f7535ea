"""The web chat in headless Chromium: a person chats with a bot that the test plays through the Bot API."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Error, FilePayload, Page, expect

from storycam.sandbox import create_emulator
from tests.sandbox.bot_api import TOKEN, BotApi
from tests.sandbox.conftest import TEST_CONFIG
from tests.sandbox.media_files import png
from tests.sandbox.receivers import WebhookReceiver
from tests.sandbox.servers import serving

SCREENSHOT = "/tmp/sandbox-chat.png"  # noqa: S108 - a fixed place to look at the chat after the test
STYLES = {"inline_keyboard": [[{"text": "Classic", "callback_data": "classic"}, {"text": "AI", "callback_data": "ai"}]]}

# A short real WebM made by the browser itself (a canvas recorded by MediaRecorder): a video it can play.
RECORD_CLIP = """async () => {
  const canvas = Object.assign(document.createElement("canvas"), { width: 320, height: 240 });
  const paint = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: "video/webm" });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  for (let frame = 0; frame < 15; frame += 1) {
    paint.fillStyle = `hsl(${frame * 24}, 70%, 55%)`;
    paint.fillRect(0, 0, 320, 240);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""));
}"""


class ScriptedBot:
    """/start → a keyboard; a tap → a toast and an edit; a photo → an edited progress message and a video;
    /buy → a Stars invoice, confirmed at pre-checkout."""

    def __init__(self, api: BotApi) -> None:
        self.api = api
        self.photos: list[dict[str, Any]] = []
        self.clip = b""

    async def send(self, method: str, **params: Any) -> Any:
        form = {key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()}
        return await self.api.patiently(method, form)

    async def handle(self, update: dict[str, Any]) -> None:
        if "message" in update:
            await self._message(update["message"])
        elif "callback_query" in update:
            query = update["callback_query"]
            await self.send("answerCallbackQuery", callback_query_id=query["id"], text="Classic it is!")
            await self.send(
                "editMessageText",
                chat_id=query["message"]["chat"]["id"],
                message_id=query["message"]["message_id"],
                text="You picked <b>Classic</b>. Now send a photo of the two of you.",
                parse_mode="HTML",
            )
        elif "pre_checkout_query" in update:
            await self.send("answerPreCheckoutQuery", pre_checkout_query_id=update["pre_checkout_query"]["id"], ok=True)

    async def _message(self, message: dict[str, Any]) -> None:
        chat_id = message["chat"]["id"]
        if "photo" in message:
            self.photos.append(message)
            progress = await self.send("sendMessage", chat_id=chat_id, text="Rendering your clip… 0%")
            await self.send("sendChatAction", chat_id=chat_id, action="upload_video")
            await self.send("editMessageText", chat_id=chat_id, message_id=progress["message_id"], text="Done: 100%")
            await self.api.patiently(
                "sendVideo",
                {"chat_id": str(chat_id), "caption": "Your Kiss Cam clip"},
                {"video": ("kiss.webm", self.clip, "video/webm")},
            )
        elif message.get("text") == "/start":
            text = "Welcome to <b>Storycam</b>! Pick a Kiss Cam style:"
            await self.send("sendMessage", chat_id=chat_id, text=text, parse_mode="HTML", reply_markup=STYLES)
        elif message.get("text") == "/buy":
            await self.send(
                "sendInvoice",
                chat_id=chat_id,
                title="5 AI clips",
                description="Realistic Kiss Cam clips made by AI",
                payload="credits:5",
                currency="XTR",
                prices=[{"label": "5 clips", "amount": 50}],
            )


@pytest.fixture
async def sandbox_url() -> AsyncIterator[str]:
    async with serving(create_emulator(TOKEN, config=TEST_CONFIG)) as url:
        yield url


@pytest.fixture
async def scripted_bot(sandbox_url: str) -> AsyncIterator[ScriptedBot]:
    async with httpx.AsyncClient(base_url=sandbox_url) as client:
        bot = ScriptedBot(BotApi(client))
        receiver = WebhookReceiver(bot.handle)
        english = [{"command": "start", "description": "Start over"}, {"command": "buy", "description": "Buy clips"}]
        russian = [{"command": "start", "description": "Начать заново"}]
        async with serving(receiver.app) as receiver_url:
            await bot.api.ok("setMyCommands", commands=english)
            await bot.api.ok("setMyCommands", commands=russian, language_code="ru")
            await bot.api.ok("setWebhook", url=f"{receiver_url}/hook")
            yield bot


async def _send(page: Page, text: str) -> None:
    await page.get_by_label("Message", exact=True).fill(text)
    await page.get_by_label("Message", exact=True).press("Enter")


async def test_a_person_chats_with_the_bot_in_the_browser(
    sandbox_url: str, scripted_bot: ScriptedBot, page: Page
) -> None:
    # The page is set up last so it closes first: its event stream must not hold the servers' shutdown.
    script_errors: list[Error] = []
    page.on("pageerror", lambda error: script_errors.append(error))
    scripted_bot.clip = base64.b64decode(await page.evaluate(RECORD_CLIP))
    messages = page.get_by_role("log", name="Messages")
    await page.goto(sandbox_url)
    await expect(page.get_by_role("heading", name="Storycam")).to_be_visible()

    await page.get_by_role("button", name="New user").click()
    await page.get_by_label("Name").fill("Zoe")
    await page.get_by_label("Language").select_option("en")
    await page.get_by_role("button", name="Create").click()
    await expect(page.get_by_role("button", name="Zoe (EN)")).to_have_attribute("aria-current", "true")

    await _send(page, "/start")
    await expect(messages.get_by_text("Welcome to Storycam! Pick a Kiss Cam style:")).to_be_visible()
    await expect(messages.locator("b", has_text="Storycam")).to_be_visible()

    await messages.get_by_role("button", name="Classic").click()
    await expect(page.get_by_role("status")).to_have_text("Classic it is!")
    await expect(messages.get_by_text("You picked Classic. Now send a photo of the two of you.")).to_be_visible()
    await expect(messages.get_by_role("button", name="Classic")).to_have_count(0)

    await page.get_by_label("Attach photos").set_input_files(
        files=[FilePayload(name="us.png", mimeType="image/png", buffer=png(900, 600, (231, 120, 140)))]
    )
    await page.get_by_role("button", name="Send photos").click()
    await expect(messages.get_by_role("img", name="Photo")).to_be_visible()
    (photo_message,) = scripted_bot.photos
    assert photo_message["from"]["first_name"] == "Zoe"
    assert photo_message["photo"][-1]["width"] == 900
    await expect(messages.get_by_text("Done: 100%")).to_be_visible()  # the progress message, edited live
    await expect(messages.get_by_text("Rendering your clip… 0%")).to_have_count(0)
    await expect(messages.get_by_text("Your Kiss Cam clip")).to_be_visible()
    await page.wait_for_function("() => document.querySelector('video[aria-label^=\"Video\"]')?.currentTime > 0")

    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("menuitem", name="/buy Buy clips").click()
    await messages.get_by_role("button", name="Pay 50 Stars").click()
    await expect(messages.get_by_role("button", name="Paid ✓")).to_be_disabled()
    await expect(messages.get_by_text("You paid 50 Stars to Storycam")).to_be_visible()
    await page.screenshot(path=SCREENSHOT)

    await page.get_by_role("button", name="Маша (RU)").click()
    await expect(page.get_by_role("button", name="Маша (RU)")).to_have_attribute("aria-current", "true")
    await expect(messages.get_by_text("Done: 100%")).to_have_count(0)
    await page.get_by_role("button", name="Menu").click()
    await expect(page.get_by_role("menuitem")).to_have_text(["/startНачать заново"])
    assert script_errors == []
