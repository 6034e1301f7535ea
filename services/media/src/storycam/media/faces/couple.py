"""Is there a couple to film? Exactly two faces: one photo with two, or two photos with one each.

Otherwise the outcome says what the user should change; the renderer gets the boxes to zoom onto.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from PIL import Image

from storycam.media.faces.boxes import FaceBox
from storycam.media.faces.detector import FaceDetector
from storycam.media.photos import AcceptedPhoto


class CoupleOutcome(StrEnum):
    OK = "ok"
    NO_FACE = "no_face"  # a photo where no face was found
    ONE_FACE = "one_face"  # one photo, one person: the other is missing
    TOO_MANY_FACES = "too_many_faces"  # more people than the couple
    FACE_TOO_SMALL = "face_too_small"  # two faces, but one is too small to film
    TOO_DARK = "too_dark"  # faces (or, when none was found, the whole photo) too dark


@dataclass(frozen=True)
class CoupleRules:
    min_face_side: int = 64  # px in the working photo: below it a 720p close-up is a blur
    # Mean luma (0-255, ITU-R 601) of a face box, and of a whole photo in which too few faces were found.
    # A face at 60 is dim but still filmable; a photo at 40 is a night shot where missing faces are likely hidden.
    min_face_luminance: float = 60.0
    min_photo_luminance: float = 40.0


@dataclass(frozen=True)
class CoupleCheck:
    outcome: CoupleOutcome
    # Per photo, in the same order as given: every face found, largest first, in that photo's working pixels.
    faces: tuple[tuple[FaceBox, ...], ...]

    @property
    def ok(self) -> bool:
        return self.outcome is CoupleOutcome.OK

    @property
    def couple(self) -> tuple[tuple[int, FaceBox], ...]:
        """The two faces to film when ``ok``, each with the index of its photo; empty otherwise."""
        if not self.ok:
            return ()
        return tuple((index, box) for index, boxes in enumerate(self.faces) for box in boxes)


def check_couple(
    photos: Sequence[AcceptedPhoto],
    detector: FaceDetector,
    rules: CoupleRules = CoupleRules(),
) -> CoupleCheck:
    if len(photos) not in (1, 2):
        raise ValueError(f"a Kiss Cam job takes one or two photos, not {len(photos)}")
    faces = tuple(detector.detect(photo.image) for photo in photos)
    return CoupleCheck(_outcome(photos, faces, rules), faces)


def _outcome(
    photos: Sequence[AcceptedPhoto], faces: tuple[tuple[FaceBox, ...], ...], rules: CoupleRules
) -> CoupleOutcome:
    faces_per_photo = 2 if len(photos) == 1 else 1
    for photo, boxes in zip(photos, faces, strict=True):
        if len(boxes) > faces_per_photo:
            return CoupleOutcome.TOO_MANY_FACES
        if len(boxes) < faces_per_photo:
            # Too few faces in a dark photo: most likely they are there and we cannot see them.
            if _luminance(photo.image) < rules.min_photo_luminance:
                return CoupleOutcome.TOO_DARK
            return CoupleOutcome.ONE_FACE if boxes else CoupleOutcome.NO_FACE
    if any(min(box.width, box.height) < rules.min_face_side for boxes in faces for box in boxes):
        return CoupleOutcome.FACE_TOO_SMALL
    for photo, boxes in zip(photos, faces, strict=True):
        if any(_luminance(photo.image, box) < rules.min_face_luminance for box in boxes):
            return CoupleOutcome.TOO_DARK
    return CoupleOutcome.OK


def _luminance(image: Image.Image, box: FaceBox | None = None) -> float:
    region = image.crop((box.left, box.top, box.right, box.bottom)) if box else image
    return float(np.asarray(region.convert("L"), dtype=np.float32).mean())
