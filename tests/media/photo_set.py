"""The labelled photo set the face detector is measured on (docs/face-detection.md).

Real photographs only: the files in ``photos/`` come from scikit-image and matplotlib (public domain or CC0, see
``photos/labels.json``), each face boxed by hand. Those packages ship only three photographs of people, and none of
a couple, so photos of two, three and five people are composed from them side by side, mirrored, turned a little,
dimmed or scaled; the boxes follow each change. Nothing is generated that a camera did not take.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from math import cos, radians, sin
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

PHOTOS = Path(__file__).parent / "photos"

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class LabelledPhoto:
    name: str
    image: Image.Image
    faces: tuple[Box, ...]


@cache
def _labels() -> dict[str, tuple[Box, ...]]:
    data = json.loads((PHOTOS / "labels.json").read_text())
    return {p["file"].removesuffix(".jpg"): tuple(tuple(b) for b in p["faces"]) for p in data["photos"]}


def original(name: str) -> LabelledPhoto:
    with Image.open(PHOTOS / f"{name}.jpg") as im:
        image = im.convert("RGB")
    return LabelledPhoto(name, image, _labels()[name])


def mirrored(photo: LabelledPhoto) -> LabelledPhoto:
    w = photo.image.width
    faces = tuple((w - r, t, w - left, b) for left, t, r, b in photo.faces)
    return LabelledPhoto(f"{photo.name}-mirrored", ImageOps.mirror(photo.image), faces)


def turned(photo: LabelledPhoto, degrees: float) -> LabelledPhoto:
    """Turned about its centre (a tilted phone); a face's box becomes the box around its turned corners."""
    image = photo.image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
    cx, cy = photo.image.width / 2, photo.image.height / 2
    nx, ny = image.width / 2, image.height / 2
    a = radians(degrees)

    def turn(x: float, y: float) -> tuple[float, float]:
        # PIL turns counter-clockwise on screen, where y points down.
        dx, dy = x - cx, y - cy
        return nx + dx * cos(a) + dy * sin(a), ny - dx * sin(a) + dy * cos(a)

    faces = []
    for left, t, r, b in photo.faces:
        corners = [turn(x, y) for x in (left, r) for y in (t, b)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        faces.append((min(xs), min(ys), max(xs), max(ys)))
    return LabelledPhoto(f"{photo.name}-turned{degrees:+.0f}", image, tuple(faces))


def dimmed(photo: LabelledPhoto, factor: float) -> LabelledPhoto:
    image = ImageEnhance.Brightness(photo.image).enhance(factor)
    return LabelledPhoto(f"{photo.name}-dimmed{factor}", image, photo.faces)


def scaled(photo: LabelledPhoto, factor: float) -> LabelledPhoto:
    size = (round(photo.image.width * factor), round(photo.image.height * factor))
    image = photo.image.resize(size, Image.Resampling.LANCZOS)
    faces = tuple((left * factor, t * factor, r * factor, b * factor) for left, t, r, b in photo.faces)
    return LabelledPhoto(f"{photo.name}-x{factor}", image, faces)


def side_by_side(photos: Sequence[LabelledPhoto], height: int, gap: int = 16) -> LabelledPhoto:
    """Photos in a row at one height, as a collage app would put them."""
    tiles = [scaled(p, height / p.image.height) for p in photos]
    width = sum(t.image.width for t in tiles) + gap * (len(tiles) - 1)
    canvas = Image.new("RGB", (width, height), (40, 40, 40))
    faces: list[Box] = []
    x = 0
    for tile in tiles:
        canvas.paste(tile.image, (x, 0))
        faces.extend((left + x, t, r + x, b) for left, t, r, b in tile.faces)
        x += tile.image.width + gap
    name = "+".join(p.name for p in photos) + f"@{height}"
    return LabelledPhoto(name, canvas, tuple(faces))


NO_FACE = ("chelsea", "coffee", "rocket", "hubble", "brick", "coins", "gravel", "immunohistochemistry", "retina")


def labelled_set() -> Iterator[LabelledPhoto]:
    """Every photo of the set, in a fixed order."""
    astronaut, hopper, camera = original("astronaut"), original("grace_hopper"), original("camera")
    for person in (astronaut, hopper, camera):
        yield person
        yield mirrored(person)
        yield dimmed(person, 0.45)
    for person in (astronaut, hopper):
        yield turned(person, 12)
        yield turned(person, -12)
    yield scaled(astronaut, 2.5)
    yield side_by_side([astronaut, hopper], 600)
    yield side_by_side([hopper, camera], 600)
    yield side_by_side([astronaut, camera], 600)
    yield side_by_side([mirrored(astronaut), mirrored(hopper)], 600)
    yield side_by_side([astronaut, hopper], 360)
    yield side_by_side([hopper, camera], 360)
    yield side_by_side([astronaut, hopper, camera], 500)
    yield side_by_side([astronaut, hopper, camera, mirrored(astronaut), mirrored(hopper)], 400)
    for name in NO_FACE:
        yield original(name)
