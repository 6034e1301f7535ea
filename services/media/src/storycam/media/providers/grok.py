"""``grok``: a realistic clip made by xAI's video model (Grok Imagine) over its REST API.

The flow (docs.x.ai, "Video generation" and "Reference-to-video"; the REST shapes as the Vercel AI SDK's xAI
provider speaks them): ``POST {XAI_BASE_URL}/videos/generations`` answers ``{"request_id"}``; ``GET
/videos/{request_id}`` answers 202 ``{"status": "pending", "progress": N}`` while it works, then 200 with
``status`` ``done`` (``video.url``, ``usage.cost_in_usd_ticks``), ``failed`` (``error``) or ``expired``. A clip
withheld by moderation comes back ``done`` with ``video.respect_moderation: false``; a prompt or image refused
outright comes back as a 4xx whose error says so. The clip's URL is temporary, so it is downloaded at once (without
our key: it is another host).

How the photos go in. With one photo of the couple, the photo is the **first frame** (``image``): the clip starts
from the real picture, so both faces and the place stay exactly as the users sent them, and the model only has to
move them. With two photos of one person each, they go as two **reference images** (``reference_images``,
``<IMAGE_1>``/``<IMAGE_2>`` in the prompt): a first frame has room for one picture, and a composed side-by-side
frame would open the clip on an obvious collage of two photos taken apart, which the model then has to "walk out
of"; reference mode lets the model put both people into one scene it builds for the style (xAI allows up to seven
references, up to 10 s; ``image`` and ``reference_images`` together are a 400). The style changes the prompt
(``grok_prompts``).

Faults and refusals. Each call is tried at most three times on a 429, a 5xx, a timeout or a broken connection, with
exponential back-off and jitter (tenacity; a ``Retry-After`` is honoured up to the back-off's cap). The submission
has no idempotency key in xAI's API, so a retried submission whose first try did reach xAI may start a second,
billed, generation: the price of not failing a paid job on one lost answer. A moderation refusal is
``GenerationFailed("moderation", retryable=False)``; everything else is ``provider_failed``, retryable unless xAI
refused the request itself (a 4xx: a bad key or a bad request will not get better). The whole job, polling
included, must end within ``request.deadline_seconds``.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from storycam.contracts.media import KissCamProvider
from storycam.kit.logging import get_logger
from storycam.media.providers.base import GeneratedClip, GenerationFailed, GenerationRequest, InputPhoto, Progress
from storycam.media.providers.grok_prompts import first_frame_prompt, reference_prompt
from storycam.media.providers.probe import NotAPlayableClip, probe_mp4
from storycam.media.settings import MediaSettings

log = get_logger(__name__)

DURATION_SECONDS = 5  # as long as the classic clip; xAI bills by the second
RESOLUTION = "720p"
LONGEST_SIDE = 1280  # photos are sent no larger: the model works at 720p, and the request body stays small
MAX_CLIP_BYTES = 100 << 20
USD_PER_TICK = Decimal("1e-10")  # usage.cost_in_usd_ticks; a 5 s clip reports 2.5e9 ticks, i.e. $0.25 at $0.05/s
_ASPECTS = {"16:9": 16 / 9, "4:3": 4 / 3, "3:2": 3 / 2, "1:1": 1.0, "2:3": 2 / 3, "3:4": 3 / 4, "9:16": 9 / 16}
_WORKING = {"pending", "queued", "processing", "in_progress"}
_NOTHING_YET: Any = object()
_MODERATION = re.compile(r"moderat|content polic|safety|nsfw", re.IGNORECASE)


@dataclass(frozen=True)
class GrokTiming:
    """Waits, in seconds; tests shrink them."""

    first_poll: float = 2.0
    poll_growth: float = 1.5  # each answer of "pending" waits this much longer before the next question
    max_poll: float = 10.0
    retry_initial: float = 1.0
    retry_max: float = 8.0
    tries: int = 3
    request_timeout: float = 30.0
    download_timeout: float = 120.0


class _Transient(Exception):
    """An answer worth asking again: 429 or 5xx."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"xAI answered {response.status_code}")
        self.status = response.status_code
        retry_after = response.headers.get("retry-after", "")
        self.retry_after = float(retry_after) if retry_after.isdigit() else None


class GrokProvider:
    name: KissCamProvider = "grok"

    def __init__(self, *, api_key: str, base_url: str, model: str, timing: GrokTiming | None = None) -> None:
        self.model = model
        self.timing = timing or GrokTiming()
        self._api = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=self.timing.request_timeout,
        )
        self._downloads = httpx.AsyncClient(timeout=self.timing.download_timeout, follow_redirects=True)
        # 1 s, 2 s (each plus up to 1 s of jitter, so that workers retrying together spread out), capped.
        initial = self.timing.retry_initial
        self._backoff = wait_exponential_jitter(multiplier=initial, max=self.timing.retry_max, jitter=initial)

    @classmethod
    def from_settings(cls, settings: MediaSettings) -> GrokProvider | None:
        """None without a key: Kiss Cam then offers only the classic clip."""
        if settings.xai_api_key is None or not settings.xai_api_key.get_secret_value():
            return None
        return cls(
            api_key=settings.xai_api_key.get_secret_value(),
            base_url=settings.xai_base_url,
            model=settings.xai_video_model,
        )

    async def aclose(self) -> None:
        await self._api.aclose()
        await self._downloads.aclose()

    async def generate(self, request: GenerationRequest, progress: Progress) -> GeneratedClip:
        partial = request.output.with_name(f".{request.output.name}.{secrets.token_hex(4)}.part")
        try:
            async with asyncio.timeout(request.deadline_seconds):
                return await self._generate(request, progress, partial)
        except TimeoutError:
            raise GenerationFailed(
                "provider_failed", f"xAI did not finish within {request.deadline_seconds:g} s", retryable=True
            ) from None
        except (_Transient, httpx.HTTPError, httpx.InvalidURL) as error:
            detail = f"xAI unreachable after {self.timing.tries} tries: {error!r}"
            raise GenerationFailed("provider_failed", detail, retryable=True) from None
        finally:
            partial.unlink(missing_ok=True)

    async def _generate(self, request: GenerationRequest, progress: Progress, partial: Path) -> GeneratedClip:
        body = await asyncio.to_thread(self._body, request)
        submitted = await self._call(self._api, "POST", "videos/generations", json=body)
        answer = _payload(submitted)
        if submitted.status_code >= 400:
            raise _refusal(submitted.status_code, answer, submitted.text)
        request_id = answer.get("request_id")
        if not isinstance(request_id, str) or not request_id:
            raise GenerationFailed("provider_failed", f"xAI gave no request id: {submitted.text[:200]}", retryable=True)
        log.info("grok.submitted", job_id=str(request.job_id), request_id=request_id, photos=len(request.photos))
        done = await self._wait(request_id, progress)
        cost = _cost(done)
        video = done.get("video")
        video = video if isinstance(video, dict) else {}
        if video.get("respect_moderation") is False:
            log.info("grok.moderated", job_id=str(request.job_id), request_id=request_id, cost_usd=str(cost))
            raise GenerationFailed("moderation", "xAI withheld the clip (moderation)", retryable=False)
        url = video.get("url")
        if not isinstance(url, str) or not url:
            raise GenerationFailed("provider_failed", "xAI finished without a video URL", retryable=True)
        if not url.startswith("https://"):
            # Only xAI's own https links are fetched: never a file, a plain-http or an odd-scheme address.
            raise GenerationFailed("provider_failed", "xAI's video URL is not https", retryable=True)
        await self._download(url, partial)
        try:
            info = await asyncio.to_thread(probe_mp4, partial)
        except NotAPlayableClip as error:
            raise GenerationFailed("provider_failed", f"xAI's clip does not play: {error}", retryable=True) from None
        os.replace(partial, request.output)
        log.info("grok.done", job_id=str(request.job_id), request_id=request_id, seconds=info.duration_seconds)
        return GeneratedClip(
            path=request.output,
            duration_seconds=info.duration_seconds,
            width=info.width,
            height=info.height,
            provider_job_id=request_id,
            cost=cost,
            cost_currency="USD" if cost is not None else None,
        )

    def _body(self, request: GenerationRequest) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "duration": DURATION_SECONDS, "resolution": RESOLUTION}
        if len(request.photos) == 1:
            photo = request.photos[0]
            body["prompt"] = first_frame_prompt(request.style)
            body["image"] = {"url": _data_uri(photo)}
            body["aspect_ratio"] = _nearest_aspect(photo.width, photo.height)
        elif len(request.photos) == 2:
            body["prompt"] = reference_prompt(request.style)
            body["reference_images"] = [{"url": _data_uri(photo)} for photo in request.photos]
            body["aspect_ratio"] = "16:9"
        else:
            raise ValueError(f"a Kiss Cam job has one or two photos, not {len(request.photos)}")
        return body

    async def _wait(self, request_id: str, progress: Progress) -> Mapping[str, Any]:
        """Polls until xAI is done; the done answer. Waits grow while it answers "pending"."""
        interval, reported = self.timing.first_poll, _NOTHING_YET
        while True:
            await asyncio.sleep(interval)
            response = await self._call(self._api, "GET", f"videos/{request_id}")
            answer = _payload(response)
            if response.status_code >= 400:
                raise _refusal(response.status_code, answer, response.text)
            status = answer.get("status")
            if status == "done" or (status is None and isinstance(answer.get("video"), dict)):
                return answer
            if status == "expired":
                raise GenerationFailed("provider_failed", "xAI let the request expire", retryable=True)
            if status == "failed":
                error = json.dumps(answer.get("error"))
                log.info("grok.failed", request_id=request_id, error=error[:300], cost_usd=str(_cost(answer)))
                if _MODERATION.search(error):
                    raise GenerationFailed("moderation", f"xAI refused: {error[:200]}", retryable=False)
                raise GenerationFailed("provider_failed", f"xAI failed: {error[:200]}", retryable=True)
            if response.status_code != 202 and status not in _WORKING:
                raise GenerationFailed("provider_failed", f"xAI answered status {status!r}", retryable=True)
            percent = answer.get("progress")
            now = max(0, min(100, int(percent))) if isinstance(percent, int | float) else None
            if now != reported:
                await progress(now)
                reported = now
            interval = min(interval * self.timing.poll_growth, self.timing.max_poll)

    async def _download(self, url: str, target: Path) -> None:
        async for attempt in self._retrying():
            with attempt:
                async with self._downloads.stream("GET", url) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _Transient(response)
                    if response.status_code != 200:
                        raise GenerationFailed(
                            "provider_failed", f"the clip's URL answered {response.status_code}", retryable=True
                        )
                    written = 0
                    with target.open("wb") as out:
                        async for chunk in response.aiter_bytes(1 << 20):
                            written += len(chunk)
                            if written > MAX_CLIP_BYTES:
                                raise GenerationFailed("provider_failed", "xAI's clip is too large", retryable=True)
                            await asyncio.to_thread(out.write, chunk)

    async def _call(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async for attempt in self._retrying():
            with attempt:
                response = await client.request(method, url, **kwargs)
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Transient(response)
                return response
        raise AssertionError("tenacity either returns or raises")  # pragma: no cover

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self.timing.tries),
            wait=self._pause,
            retry=retry_if_exception_type((_Transient, httpx.TransportError)),
            reraise=True,
        )

    def _pause(self, state: RetryCallState) -> float:
        pause = float(self._backoff(state))
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Transient) and error.retry_after is not None:
            pause = min(max(pause, error.retry_after), self.timing.retry_max)
        return pause


def _payload(response: httpx.Response) -> dict[str, Any]:
    """The JSON object answered; {} for an empty or non-JSON body (xAI's 202 may have none)."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refusal(status: int, answer: Mapping[str, Any], text: str) -> GenerationFailed:
    said = json.dumps(answer) if answer else text[:300]
    if _MODERATION.search(said):
        return GenerationFailed("moderation", f"xAI refused the content: {said[:200]}", retryable=False)
    # A 4xx is about the request or the key: asking again the same way will not help.
    return GenerationFailed("provider_failed", f"xAI answered {status}: {said[:200]}", retryable=False)


def _cost(answer: Mapping[str, Any]) -> Decimal | None:
    usage = answer.get("usage")
    ticks = usage.get("cost_in_usd_ticks") if isinstance(usage, dict) else None
    return Decimal(int(ticks)) * USD_PER_TICK if isinstance(ticks, int | float) else None


def _nearest_aspect(width: int, height: int) -> str:
    ratio = width / height
    return min(_ASPECTS, key=lambda name: abs(_ASPECTS[name] - ratio))


def _data_uri(photo: InputPhoto) -> str:
    """The photo as a ``data:`` URI, no larger than the model uses (xAI takes https or data URIs)."""
    with Image.open(photo.path) as image:
        picture = image.convert("RGB")
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(encoded.getvalue()).decode("ascii")
