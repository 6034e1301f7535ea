"""The classic renderer: a real H.264 MP4 that players stream, a camera that ends on the couple inside the heart,
clear refusals, and the same file for the same input."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from storycam.media.render import (
    STYLES,
    BadFaces,
    ClassicClip,
    FaceBox,
    UnknownStyle,
    render_classic,
    side_by_side,
)
from storycam.media.render import heart as heart_shape
from storycam.media.render.framing import plan
from storycam.media.render.layout import SCREEN
from storycam.media.render.mark import badge
from storycam.media.render.scene import Scene
from storycam.media.render.stage import Stage
from storycam.media.render.styles import style_named

GREEN, BLUE = (0, 230, 0), (0, 60, 255)
# Two faces near the middle of a wide photo, small enough that the camera has to zoom in to frame them.
FACES = (FaceBox(720, 400, 110, 110), FaceBox(1060, 420, 110, 110))


def _photo() -> np.ndarray:
    """A 1920x1080 'photo': a warm, noisy room with two faces as flat squares of colours nothing else has."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:1080, 0:1920]
    room = np.stack([90 + x / 30, 70 + y / 25, 60 + x / 60], axis=2) + rng.normal(0, 6, (1080, 1920, 3))
    image = Image.fromarray(np.clip(room, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for face, colour in zip(FACES, (GREEN, BLUE), strict=True):
        draw.rectangle(face.as_ints(), fill=colour)
    return np.asarray(image)


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return _photo()


@pytest.fixture(scope="module")
def clip(photo: np.ndarray, tmp_path_factory: pytest.TempPathFactory) -> ClassicClip:
    return render_classic(photo, FACES, tmp_path_factory.mktemp("clip") / "kiss.mp4")


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (ISO BMFF: 32-bit size, 4-char type, 64-bit size if 1)."""
    data = path.read_bytes()
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        boxes.append(kind.decode("ascii"))
        offset += size
    return boxes


def test_the_clip_is_a_five_second_720p_h264_mp4_that_starts_playing_before_it_is_downloaded(
    clip: ClassicClip,
) -> None:
    with av.open(str(clip.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (1280, 720)
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert container.duration is not None
        assert abs(container.duration / av.time_base - 5.0) <= 0.2
        assert "AI-generated" in container.metadata.get("comment", "")
        decoded = sum(1 for _ in container.decode(video=0))
    assert decoded == clip.frames == 150
    assert abs(clip.seconds - 5.0) <= 0.2
    boxes = _top_level_boxes(clip.path)
    assert "moov" in boxes
    assert "mdat" in boxes
    assert boxes.index("moov") < boxes.index("mdat"), f"moov must precede mdat for streaming: {boxes}"


def _pixels_of(frame: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Where the jumbotron's screen shows the face's colour (after compression, the LED texture and the heart's
    glow); the arena around it has colours of its own."""
    x0, y0, x1, y1 = SCREEN.as_ints()
    on_screen = np.zeros(frame.shape[:2], dtype=bool)
    on_screen[y0:y1, x0:x1] = True
    rgb = frame.astype(np.int32)
    channel = int(np.argmax(colour))
    others = [c for c in range(3) if c != channel]
    strongest_other = np.maximum(rgb[:, :, others[0]], rgb[:, :, others[1]])
    return on_screen & (rgb[:, :, channel] > 110) & (rgb[:, :, channel] > 1.8 * strongest_other)


def test_the_camera_ends_on_both_faces_inside_the_closed_heart(clip: ClassicClip, photo: np.ndarray) -> None:
    frames = _frames(clip.path)
    first, last = frames[0], frames[-1]
    camera = plan((photo.shape[1], photo.shape[0]), FACES)
    # The heart in frame pixels, a little bigger than closed since it may be mid-beat in the last frame.
    inside = Image.new("1", (1280, 720), 0)
    centre = (SCREEN.x + camera.heart.centre[0], SCREEN.y + camera.heart.centre[1])
    ImageDraw.Draw(inside).polygon(heart_shape.outline(centre, camera.heart.h * 1.05), fill=1)
    heart_region = np.asarray(inside)
    for colour, face in zip((GREEN, BLUE), camera.faces_on_screen, strict=True):
        seen = _pixels_of(last, colour)
        # Outside the heart the screen is tinted, so a face that ended outside would mostly not be seen at all.
        assert seen.sum() >= 0.7 * face.w * face.h, f"face {colour} is not on the screen as planned"
        assert heart_region[seen].mean() >= 0.97, f"face {colour} is not inside the heart"
        # The camera zoomed in: the face covers more of the frame than in the wide opening shot.
        assert seen.sum() >= 2 * _pixels_of(first, colour).sum()


def test_every_frame_carries_the_visible_ai_generated_mark(clip: ClassicClip) -> None:
    image, _, (x, y) = badge(0)
    for frame in _frames(clip.path)[::30]:
        region = frame[y : y + image.height, x : x + image.width].astype(np.int32)
        white = (region.min(axis=2) > 200).sum()
        assert white > 150, "the AI-generated mark's white letters are missing"


def test_an_unknown_style_is_refused_before_anything_is_written(photo: np.ndarray, tmp_path: Path) -> None:
    output = tmp_path / "never.mp4"
    with pytest.raises(UnknownStyle, match=r"unknown Kiss Cam style 'disco'; choose one of: stadium, romantic"):
        render_classic(photo, FACES, output, style="disco")
    assert not output.exists()


@pytest.mark.parametrize(
    "faces",
    [
        (FaceBox(100, 100, 0, 50), FACES[1]),
        (FACES[0], FaceBox(5000, 100, 50, 50)),
        (FACES[0], FaceBox(float("nan"), 100, 50, 50)),
    ],
    ids=["empty box", "outside the photo", "not a number"],
)
def test_face_boxes_that_cannot_be_framed_are_refused(
    photo: np.ndarray, faces: tuple[FaceBox, FaceBox], tmp_path: Path
) -> None:
    output = tmp_path / "never.mp4"
    with pytest.raises(BadFaces):
        render_classic(photo, faces, output)
    assert not output.exists()


def test_the_same_input_renders_the_same_file(clip: ClassicClip, photo: np.ndarray, tmp_path: Path) -> None:
    again = render_classic(Image.fromarray(photo), FACES, tmp_path / "again.mp4")
    assert hashlib.sha256(again.path.read_bytes()).digest() == hashlib.sha256(clip.path.read_bytes()).digest()


def _scene(photo: np.ndarray, style: str, seed: int) -> Scene:
    image = Image.fromarray(photo)
    camera = plan(image.size, FACES)
    look = style_named(style)
    return Scene(Stage(image, camera, look), camera, look, seed)


def test_the_same_seed_draws_the_same_frame_and_another_seed_another(photo: np.ndarray) -> None:
    celebrating = 120  # four seconds in: confetti everywhere
    one, same, other = (_scene(photo, "stadium", seed).frame(celebrating) for seed in (0, 0, 1))
    assert np.array_equal(np.asarray(one), np.asarray(same))
    assert not np.array_equal(np.asarray(one), np.asarray(other))


def test_each_style_has_its_own_look(photo: np.ndarray) -> None:
    looks = {name: np.asarray(_scene(photo, name, 0).frame(100), dtype=np.float32) for name in STYLES}
    assert set(looks) >= {"stadium", "romantic", "cinematic"}
    names = list(looks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert np.abs(looks[a] - looks[b]).mean() > 8, f"{a} and {b} look the same"


def test_two_single_photos_are_joined_with_the_faces_where_the_boxes_say(tmp_path: Path) -> None:
    left = Image.new("RGB", (800, 1000), (120, 100, 90))
    ImageDraw.Draw(left).rectangle((300, 250, 499, 449), fill=GREEN)
    right = Image.new("RGB", (600, 600), (90, 100, 120))
    ImageDraw.Draw(right).rectangle((200, 100, 299, 199), fill=BLUE)
    frame, left_face, right_face = side_by_side(left, FaceBox(300, 250, 200, 200), right, FaceBox(200, 100, 100, 100))
    assert left_face.h == pytest.approx(right_face.h)  # one couple, faces of one size
    assert left_face.right <= right_face.x
    pixels = frame.load()
    assert pixels is not None
    for face, colour in ((left_face, GREEN), (right_face, BLUE)):
        cx, cy = face.centre
        assert pixels[int(cx), int(cy)] == colour
        assert pixels[int(face.x + 3), int(face.y + 3)] == colour
    clip = render_classic(frame, (left_face, right_face), tmp_path / "pair.mp4", style="romantic")
    assert clip.frames == 150
