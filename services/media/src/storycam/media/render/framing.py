"""The camera's plan: the wide shot it starts from, the close shot that frames both faces inside the heart, and
where the heart sits on the screen. All boxes in the photo's own pixels unless they say screen."""

from __future__ import annotations

import math
from dataclasses import dataclass

from storycam.media.render import heart
from storycam.media.render.layout import SCREEN, Box

# Detectors box the face from brows to chin; the heart should hold some hair and the chin too.
FACE_MARGIN = 0.18
# A kiss cam zooms, it does not crawl into pores: past this the photo only gets blurrier.
MAX_ZOOM = 3.0
# When the faces already fill the photo the camera may pull back a little (the screen shows a blurred fill).
MIN_ZOOM = 0.8
# The heart's height on the screen once it has closed, how far its top sits below the screen's top, and how close
# to the screen's edges it may move to follow a couple near the photo's edge.
HEART_HEIGHT = 0.86 * SCREEN.h
HEART_TOP = 0.06 * SCREEN.h
HEART_EDGE = 0.02 * SCREEN.h


class BadFaces(ValueError):
    """Face boxes that cannot be framed (empty, or outside the photo)."""


@dataclass(frozen=True)
class CameraPlan:
    wide: Box  # the opening shot: the whole photo, widened to 16:9
    close: Box  # the closing shot: both faces inside the heart
    heart: Box  # the closed heart's bounding box on the screen, in screen pixels (0,0 = the screen's corner)
    faces_on_screen: tuple[Box, Box]  # where the two faces land on the screen in the close shot

    def shot(self, p: float) -> Box:
        """The crop ``p`` of the way (0..1) from the wide to the close shot. The size moves geometrically, so the
        zoom feels even, and the centre follows the size, so the couple slides steadily to the middle."""
        ratio = self.close.w / self.wide.w
        k = (ratio**p - 1) / (ratio - 1) if abs(ratio - 1) > 1e-6 else p
        w = self.wide.w * ratio**p
        h = w * SCREEN.h / SCREEN.w
        (wx, wy), (cx, cy) = self.wide.centre, self.close.centre
        x, y = wx + (cx - wx) * k, wy + (cy - wy) * k
        return Box(x - w / 2, y - h / 2, w, h)


def _sixteen_nine(around: Box) -> Box:
    """The smallest screen-shaped box around ``around``, centred on it."""
    aspect = SCREEN.w / SCREEN.h
    w = max(around.w, around.h * aspect)
    h = w / aspect
    cx, cy = around.centre
    return Box(cx - w / 2, cy - h / 2, w, h)


def _slide(low: float, high: float, start: float, end: float) -> float:
    """How far to move the span [low, high] to lie within [start, end] (or be centred on it, if wider)."""
    if high - low >= end - start:
        return (start + end) / 2 - (low + high) / 2
    return max(start - low, 0) + min(end - high, 0)


def plan(photo_size: tuple[int, int], faces: tuple[Box, Box]) -> CameraPlan:
    width, height = photo_size
    photo = Box(0, 0, width, height)
    for face in faces:
        if face.w <= 0 or face.h <= 0 or not all(math.isfinite(v) for v in (face.x, face.y, face.w, face.h)):
            raise BadFaces(f"a face box must have a positive size, got {face}")
        if face.right <= 0 or face.bottom <= 0 or face.x >= width or face.y >= height:
            raise BadFaces(f"face box {face} lies outside the {width}x{height} photo")
    wide = _sixteen_nine(photo)
    couple = faces[0].grown(FACE_MARGIN).union(faces[1].grown(FACE_MARGIN))

    heart_box = heart.bounds((SCREEN.w / 2, HEART_TOP + HEART_HEIGHT / 2), HEART_HEIGHT)
    target = heart.inscribed(heart_box, couple.w / couple.h)
    # Screen pixels per photo pixel that put the couple into the heart, within the zoom the camera has.
    scale = min(target.w / couple.w, target.h / couple.h)
    wide_scale = SCREEN.w / wide.w
    scale = min(max(scale, wide_scale * MIN_ZOOM), wide_scale * MAX_ZOOM)
    w, h = SCREEN.w / scale, SCREEN.h / scale
    (ux, uy), (tx, ty) = couple.centre, target.centre
    close = Box(ux - tx / scale, uy - ty / scale, w, h)
    # A couple near the photo's edge would leave the shot reaching past it (onto the blurred fill): slide the shot
    # back over the photo and the heart with the couple, as far as the heart can go and stay on the screen.
    dx = _slide(close.x, close.right, 0, width) * scale
    dy = _slide(close.y, close.bottom, 0, height) * scale
    dx = min(max(-dx, HEART_EDGE - heart_box.x), SCREEN.w - HEART_EDGE - heart_box.right)
    dy = min(max(-dy, HEART_EDGE - heart_box.y), SCREEN.h - HEART_EDGE - heart_box.bottom)
    heart_box = Box(heart_box.x + dx, heart_box.y + dy, heart_box.w, heart_box.h)
    close = Box(close.x - dx / scale, close.y - dy / scale, w, h)

    def on_screen(face: Box) -> Box:
        return Box((face.x - close.x) * scale, (face.y - close.y) * scale, face.w * scale, face.h * scale)

    return CameraPlan(wide, close, heart_box, (on_screen(faces[0]), on_screen(faces[1])))
