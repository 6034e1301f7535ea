"""A local face detector: OpenCV's Haar cascades, which ship inside ``opencv-python-headless`` (nothing is
downloaded at run time).

A frontal cascade finds faces turned less than about 30 degrees; the profile cascade, run on the photo and on its
mirror image, finds faces turned further, as in a couple's photo where each looks at the other. Measured on the
labelled set (docs/face-detection.md) this beats dlib's HOG detector, which missed every three-quarter view and
took a mission patch for a face.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
from PIL import Image

from storycam.media.faces.boxes import FaceBox


class FaceDetector(Protocol):
    def detect(self, image: Image.Image) -> tuple[FaceBox, ...]: ...


@dataclass(frozen=True)
class HaarSettings:
    # The photo is searched at this longest side: the search costs grow with the pixels, and faces the renderer
    # can use are well above ``min_face`` here.
    detection_side: int = 800
    min_face: int = 24  # pixels at the detection size (48 px in a 1600 px working photo)
    scale_factor: float = 1.1  # each pass looks for faces 10% larger than the last
    # Neighbouring hits a face needs: 5 keeps the coins' profile heads and textures out at no recall cost on the set.
    min_neighbors: int = 5


_FRONTAL = "haarcascade_frontalface_alt2.xml"  # no false faces on the set, where the default cascade had nine
_PROFILE = "haarcascade_profileface.xml"  # trained on faces looking to one side; the mirror finds the other


class HaarFaceDetector:
    """Not thread-safe: OpenCV's classifiers keep per-call state; use one detector per worker thread."""

    def __init__(self, settings: HaarSettings = HaarSettings()) -> None:
        self.settings = settings
        self._frontal = _cascade(_FRONTAL)
        self._profile = _cascade(_PROFILE)

    def detect(self, image: Image.Image) -> tuple[FaceBox, ...]:
        """Faces in ``image``, largest first, in its own pixel coordinates."""
        scale = min(1.0, self.settings.detection_side / max(image.size))
        grey = image.convert("L")
        if scale < 1.0:
            grey = grey.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
        pixels = np.asarray(grey)
        width = pixels.shape[1]
        found = self._search(self._frontal, pixels) + self._search(self._profile, pixels)
        mirrored = np.ascontiguousarray(pixels[:, ::-1])
        found += [(width - r, t, width - left, b) for left, t, r, b in self._search(self._profile, mirrored)]
        boxes = [
            FaceBox(round(left / scale), round(t / scale), round(r / scale), round(b / scale))
            for left, t, r, b in found
        ]
        return _one_per_face(boxes)

    def _search(self, cascade: cv2.CascadeClassifier, pixels: np.ndarray) -> list[tuple[int, int, int, int]]:
        s = self.settings
        hits = cascade.detectMultiScale(
            pixels, scaleFactor=s.scale_factor, minNeighbors=s.min_neighbors, minSize=(s.min_face, s.min_face)
        )
        return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in hits]


def _cascade(name: str) -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)  # type: ignore[attr-defined]
    if cascade.empty():
        raise RuntimeError(f"OpenCV's {name} did not load: is opencv-python-headless 4.x installed?")
    return cascade


def _one_per_face(boxes: list[FaceBox]) -> tuple[FaceBox, ...]:
    """One box per face: the frontal and profile cascades often both find a face turned halfway."""
    kept: list[FaceBox] = []
    for box in sorted(boxes, key=lambda b: b.width * b.height, reverse=True):
        if not any(other.holds(box.centre) for other in kept):
            kept.append(box)
    return tuple(kept)
