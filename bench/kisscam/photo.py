"""The bench's input: a 1920x1080 photo-like image (smooth light, sensor noise, a few shapes) with two faces.

Synthetic so that the bench needs no photograph in the repository; the noise makes it harder to encode than most
phone photos, so the figures err on the slow side."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from storycam.media.render import FaceBox

FACES = (FaceBox(760, 380, 150, 170), FaceBox(1040, 400, 150, 170))


def photo() -> Image.Image:
    rng = np.random.default_rng(11)
    y, x = np.mgrid[0:1080, 0:1920].astype(np.float32)
    light = 60 + 120 * np.exp(-((x - 900) ** 2 + (y - 300) ** 2) / 6e5)
    room = np.stack([light + x / 40, light * 0.9 + y / 30, light * 0.8], axis=2)
    room += rng.normal(0, 5, room.shape).astype(np.float32)
    image = Image.fromarray(np.clip(room, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = rng.uniform(0, 1920), rng.uniform(0, 1080)
        draw.ellipse(
            (x0, y0, x0 + rng.uniform(20, 200), y0 + rng.uniform(20, 200)),
            fill=tuple(rng.integers(30, 220, 3).tolist()),
        )
    for face in FACES:
        draw.ellipse(face.as_ints(), fill=(224, 182, 150))
        draw.ellipse(face.grown(0.15).as_ints(), outline=(60, 40, 30), width=12)
    return image
