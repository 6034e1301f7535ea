"""The renderer's entry point: photo, two faces and a style in, an MP4 file out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from storycam.media.render import framing
from storycam.media.render.encoder import write_mp4
from storycam.media.render.layout import FPS, HEIGHT, WIDTH, Box
from storycam.media.render.scene import Scene
from storycam.media.render.stage import Stage
from storycam.media.render.styles import DEFAULT_STYLE, style_named

FaceBox = Box  # x, y, width, height in the photo's pixels, as the face detector reports them


@dataclass(frozen=True)
class ClassicClip:
    path: Path
    width: int
    height: int
    fps: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


def render_classic(
    photo: Image.Image | np.ndarray,
    faces: tuple[FaceBox, FaceBox],
    output: Path,
    *,
    style: str = DEFAULT_STYLE,
    seed: int = 0,
) -> ClassicClip:
    """Renders the clip into ``output`` (an .mp4 path). CPU-bound and synchronous: run it in a worker thread or
    process. The same photo, faces, style and seed give the same file, byte for byte.

    Raises ``UnknownStyle`` for a style it does not know and ``BadFaces`` for face boxes it cannot frame, both
    before any work."""
    look = style_named(style)
    image = photo if isinstance(photo, Image.Image) else Image.fromarray(np.asarray(photo, dtype=np.uint8))
    image = image.convert("RGB")
    plan = framing.plan(image.size, faces)
    scene = Scene(Stage(image, plan, look), plan, look, seed)
    frames = write_mp4(scene.frames(), output, size=(WIDTH, HEIGHT), fps=FPS)
    return ClassicClip(output, WIDTH, HEIGHT, FPS, frames)
