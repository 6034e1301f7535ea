"""The grok provider against xAI's video API stubbed at the HTTP level (respx): what it sends, how it polls,
retries and gives up, how it tells a moderation refusal from a fault, and that the clip it keeps really plays."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import respx
from PIL import Image, ImageDraw

from storycam.contracts.media import KissCamStyle
from storycam.media.faces import FaceBox
from storycam.media.providers.base import GenerationFailed, GenerationRequest, InputPhoto
from storycam.media.providers.grok import GrokProvider, GrokTiming
from storycam.media.render.encoder import write_mp4
from storycam.media.settings import MediaSettings

BASE = "https://xai.test/v1"
CLIP_URL = "https://vidgen.test/xai-video-1.mp4"
KEY = "xai-test-key"
FAST = GrokTiming(first_poll=0.001, max_poll=0.004, retry_initial=0.001, retry_max=0.002)
DONE = {
    "status": "done",
    "video": {"url": CLIP_URL, "duration": 1, "respect_moderation": True},
    "progress": 100,
    "usage": {"cost_in_usd_ticks": 2_500_000_000},
}


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real one-second H.264 MP4, as xAI would serve it."""
    path = tmp_path_factory.mktemp("xai") / "clip.mp4"
    frames = (Image.new("RGB", (320, 180), (10 * i, 80, 160)) for i in range(24))
    write_mp4(frames, path, size=(320, 180), fps=24)
    return path.read_bytes()


def _photo(path: Path, size: tuple[int, int], faces: tuple[FaceBox, ...]) -> InputPhoto:
    image = Image.new("RGB", size, (120, 100, 90))
    draw = ImageDraw.Draw(image)
    for face in faces:
        draw.ellipse((face.left, face.top, face.right, face.bottom), fill=(225, 180, 150))
    image.save(path, "JPEG")
    return InputPhoto(path=path, width=size[0], height=size[1], faces=faces)


def _request(
    tmp_path: Path, photos: int = 1, style: KissCamStyle = "stadium", deadline: float = 60
) -> GenerationRequest:
    if photos == 1:
        couple = (FaceBox(600, 300, 800, 520), FaceBox(1100, 320, 1300, 540))
        inputs: tuple[InputPhoto, ...] = (_photo(tmp_path / "couple.jpg", (1920, 1080), couple),)
    else:
        inputs = tuple(
            _photo(tmp_path / f"{n}.jpg", (800, 1000), (FaceBox(300, 300, 500, 550),)) for n in range(photos)
        )
    return GenerationRequest(
        job_id=uuid4(), photos=inputs, style=style, output=tmp_path / "out" / "clip.mp4", deadline_seconds=deadline
    )


@pytest.fixture
async def grok() -> AsyncIterator[GrokProvider]:
    provider = GrokProvider(api_key=KEY, base_url=BASE, model="grok-imagine-video", timing=FAST)
    yield provider
    await provider.aclose()


class Progress:
    def __init__(self) -> None:
        self.seen: list[int | None] = []

    async def __call__(self, percent: int | None) -> None:
        self.seen.append(percent)


def _submitted() -> httpx.Response:
    return httpx.Response(200, json={"request_id": "req-1"})


def _sent(route: respx.Route, call: int = 0) -> dict[str, object]:
    body: dict[str, object] = json.loads(route.calls[call].request.content)
    return body


@respx.mock(assert_all_called=False)
async def test_one_photo_goes_as_the_first_frame_and_the_clip_comes_back(
    respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path, clip_bytes: bytes
) -> None:
    (tmp_path / "out").mkdir()
    submit = respx_mock.post(f"{BASE}/videos/generations").mock(return_value=_submitted())
    poll = respx_mock.get(f"{BASE}/videos/req-1").mock(
        side_effect=[
            httpx.Response(202, json={"status": "pending", "progress": 10}),
            httpx.Response(202, json={"status": "pending", "progress": 10}),
            httpx.Response(202),  # xAI's 202 may come without a body
            httpx.Response(202, json={"status": "pending", "progress": 60}),
            httpx.Response(200, json=DONE),
        ]
    )
    download = respx_mock.get(CLIP_URL).mock(return_value=httpx.Response(200, content=clip_bytes))
    progress = Progress()

    clip = await grok.generate(_request(tmp_path), progress)

    sent = submit.calls[0].request
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = _sent(submit)
    assert {k: body[k] for k in ("model", "duration", "resolution", "aspect_ratio")} == {
        "model": "grok-imagine-video",
        "duration": 5,
        "resolution": "720p",
        "aspect_ratio": "16:9",
    }
    assert "reference_images" not in body  # with `image` it would be a 400
    image = body["image"]
    assert isinstance(image, dict)
    assert image["url"].startswith("data:image/jpeg;base64,")
    first_frame = Image.open(io.BytesIO(base64.b64decode(image["url"].split(",", 1)[1])))
    assert first_frame.size == (1280, 720)  # sent no larger than the model works at
    assert "kiss cam" in str(body["prompt"]).lower()
    assert "<IMAGE_1>" not in str(body["prompt"])
    assert poll.call_count == 5
    assert "authorization" not in download.calls[0].request.headers  # our key stays with xAI's API
    assert progress.seen == [10, None, 60]
    assert clip.path == tmp_path / "out" / "clip.mp4"
    assert clip.path.read_bytes() == clip_bytes
    assert (clip.width, clip.height) == (320, 180)
    assert clip.duration_seconds == pytest.approx(1.0, abs=0.1)
    assert (clip.provider_job_id, clip.cost, clip.cost_currency) == ("req-1", Decimal("0.25"), "USD")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["clip.mp4"]


@pytest.mark.parametrize(
    ("style", "words"), [("stadium", "night game"), ("romantic", "golden hour"), ("cinematic", "anamorphic")]
)
@respx.mock(assert_all_called=False)
async def test_two_photos_go_as_reference_images_with_the_styles_prompt(
    respx_mock: respx.MockRouter,
    grok: GrokProvider,
    tmp_path: Path,
    clip_bytes: bytes,
    style: KissCamStyle,
    words: str,
) -> None:
    submit = respx_mock.post(f"{BASE}/videos/generations").mock(return_value=_submitted())
    respx_mock.get(f"{BASE}/videos/req-1").mock(return_value=httpx.Response(200, json=DONE))
    respx_mock.get(CLIP_URL).mock(return_value=httpx.Response(200, content=clip_bytes))
    (tmp_path / "out").mkdir()

    await grok.generate(_request(tmp_path, photos=2, style=style), Progress())

    body = _sent(submit)
    assert "image" not in body
    references = body["reference_images"]
    assert isinstance(references, list)
    assert len(references) == 2
    assert all(ref["url"].startswith("data:image/jpeg;base64,") for ref in references)
    prompt = str(body["prompt"])
    assert "<IMAGE_1>" in prompt
    assert "<IMAGE_2>" in prompt
    assert words in prompt
    assert body["aspect_ratio"] == "16:9"


@respx.mock(assert_all_called=False)
async def test_a_429_is_tried_again_and_then_succeeds(
    respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path, clip_bytes: bytes
) -> None:
    (tmp_path / "out").mkdir()
    submit = respx_mock.post(f"{BASE}/videos/generations").mock(
        side_effect=[httpx.Response(429, json={"error": "Too many requests"}), _submitted()]
    )
    poll = respx_mock.get(f"{BASE}/videos/req-1").mock(
        side_effect=[httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(200, json=DONE)]
    )
    respx_mock.get(CLIP_URL).mock(return_value=httpx.Response(200, content=clip_bytes))

    clip = await grok.generate(_request(tmp_path), Progress())

    assert submit.call_count == 2
    assert _sent(submit, 0) == _sent(submit, 1)
    assert poll.call_count == 3
    assert clip.path.is_file()


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503, text="upstream unavailable"),
        httpx.Response(429),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("no answer"),
    ],
    ids=["503", "429", "connect-error", "timeout"],
)
@respx.mock(assert_all_called=False)
async def test_three_tries_at_most(
    respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path, answer: httpx.Response | Exception
) -> None:
    submit = respx_mock.post(f"{BASE}/videos/generations").mock(side_effect=[answer] * 5)

    with pytest.raises(GenerationFailed) as failed:
        await grok.generate(_request(tmp_path), Progress())

    assert submit.call_count == 3
    assert (failed.value.reason, failed.value.retryable) == ("provider_failed", True)


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [
        ({"status": "failed", "error": {"code": "internal_error", "message": "Video generation failed"}}, True),
        ({"status": "expired"}, True),
        ({"status": "done", "video": {"url": "", "respect_moderation": True}}, True),
        ({"status": "exploded"}, True),
        ({"status": "done", "video": {"url": "file:///etc/passwd", "respect_moderation": True}}, True),
        ({"status": "done", "video": "https://vidgen.test/x.mp4"}, True),
    ],
    ids=["failed", "expired", "no-url", "unknown-status", "not-https", "odd-video"],
)
@respx.mock(assert_all_called=False)
async def test_a_failed_job_is_a_provider_fault(
    respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path, answer: dict[str, object], retryable: bool
) -> None:
    respx_mock.post(f"{BASE}/videos/generations").mock(return_value=_submitted())
    respx_mock.get(f"{BASE}/videos/req-1").mock(return_value=httpx.Response(200, json=answer))

    with pytest.raises(GenerationFailed) as failed:
        await grok.generate(_request(tmp_path), Progress())

    assert (failed.value.reason, failed.value.retryable) == ("provider_failed", retryable)
    assert not (tmp_path / "out" / "clip.mp4").exists()


@respx.mock(assert_all_called=False)
async def test_a_job_that_never_finishes_gives_up_at_the_deadline(
    respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path
) -> None:
    respx_mock.post(f"{BASE}/videos/generations").mock(return_value=_submitted())
    respx_mock.get(f"{BASE}/videos/req-1").mock(
        return_value=httpx.Response(202, json={"status": "pending", "progress": 42})
    )

    with pytest.raises(GenerationFailed, match="did not finish within 1 s") as failed:
        await grok.generate(_request(tmp_path, deadline=1), Progress())

    assert (failed.value.reason, failed.value.retryable) == ("provider_failed", True)
    assert not (tmp_path / "out" / "clip.mp4").exists()


@pytest.mark.parametrize(
    ("route", "answer"),
    [
        # The clip was made but withheld.
        ("poll", httpx.Response(200, json={**DONE, "video": {"url": CLIP_URL, "respect_moderation": False}})),
        # The generation itself was refused (the shape the Vercel AI SDK's xAI provider met).
        (
            "poll",
            httpx.Response(
                400,
                json={
                    "code": "Client specified an invalid argument",
                    "error": "Generated video rejected by content moderation.",
                    "usage": {"cost_in_usd_ticks": 2_500_000_000},
                },
            ),
        ),
        ("poll", httpx.Response(200, json={"status": "failed", "error": {"message": "blocked by content policy"}})),
        ("submit", httpx.Response(400, json={"code": "invalid", "error": "Image rejected by content moderation."})),
    ],
    ids=["withheld", "rejected-on-poll", "failed-by-policy", "rejected-on-submit"],
)
@respx.mock(assert_all_called=False)
async def test_a_moderation_refusal_is_not_a_fault(
    respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path, route: str, answer: httpx.Response
) -> None:
    submit = respx_mock.post(f"{BASE}/videos/generations").mock(
        return_value=answer if route == "submit" else _submitted()
    )
    respx_mock.get(f"{BASE}/videos/req-1").mock(return_value=answer)
    download = respx_mock.get(CLIP_URL)

    with pytest.raises(GenerationFailed) as failed:
        await grok.generate(_request(tmp_path), Progress())

    assert (failed.value.reason, failed.value.retryable) == ("moderation", False)
    assert submit.call_count == 1
    assert not download.called


@respx.mock(assert_all_called=False)
async def test_a_bad_key_is_not_tried_again(respx_mock: respx.MockRouter, grok: GrokProvider, tmp_path: Path) -> None:
    submit = respx_mock.post(f"{BASE}/videos/generations").mock(
        return_value=httpx.Response(401, json={"error": "Incorrect API key provided"})
    )

    with pytest.raises(GenerationFailed, match="401") as failed:
        await grok.generate(_request(tmp_path), Progress())

    assert (failed.value.reason, failed.value.retryable) == ("provider_failed", False)
    assert submit.call_count == 1


@pytest.mark.parametrize(
    ("answers", "calls", "message"),
    [
        ([httpx.Response(403, text="AccessDenied: the link expired")], 1, "answered 403"),
        ([httpx.Response(500)] * 3, 3, "unreachable after 3 tries"),
        ([httpx.ReadError("reset by peer")] * 3, 3, "unreachable after 3 tries"),
        ([httpx.Response(200, text="<html>not a video</html>")], 1, "does not play"),
        ([httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)], 1, "does not play"),
    ],
    ids=["expired-link", "server-error", "connection-reset", "html", "truncated-mp4"],
)
@respx.mock(assert_all_called=False)
async def test_a_download_that_fails_is_a_provider_fault(
    respx_mock: respx.MockRouter,
    grok: GrokProvider,
    tmp_path: Path,
    answers: list[httpx.Response | Exception],
    calls: int,
    message: str,
) -> None:
    (tmp_path / "out").mkdir()
    respx_mock.post(f"{BASE}/videos/generations").mock(return_value=_submitted())
    respx_mock.get(f"{BASE}/videos/req-1").mock(return_value=httpx.Response(200, json=DONE))
    download = respx_mock.get(CLIP_URL).mock(side_effect=answers)

    with pytest.raises(GenerationFailed, match=message) as failed:
        await grok.generate(_request(tmp_path), Progress())

    assert failed.value.reason == "provider_failed"
    assert download.call_count == calls
    assert list((tmp_path / "out").iterdir()) == []  # no clip and no partial file left behind


def test_without_a_key_there_is_no_grok_provider() -> None:
    assert GrokProvider.from_settings(MediaSettings(xai_api_key=None)) is None
    provider = GrokProvider.from_settings(MediaSettings(xai_api_key="k", xai_video_model="grok-imagine-video-1.5"))
    assert provider is not None
    assert provider.model == "grok-imagine-video-1.5"
