"""Precision and recall of a face detector on the labelled set: a found box is a true face when each box holds
the other's centre (box conventions differ between detectors and hand labels; centres do not)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tests.media.photo_set import Box


def _holds(box: Box, other: Box) -> bool:
    cx, cy = (other[0] + other[2]) / 2, (other[1] + other[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


@dataclass(frozen=True)
class Score:
    true_faces: int = 0
    false_faces: int = 0
    missed_faces: int = 0
    photos: int = 0
    photos_counted_right: int = 0

    @property
    def precision(self) -> float:
        found = self.true_faces + self.false_faces
        return self.true_faces / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_faces + self.missed_faces
        return self.true_faces / labelled if labelled else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int, int]:
        return (self.true_faces, self.false_faces, self.missed_faces, self.photos, self.photos_counted_right)


def score_photo(labelled: Sequence[Box], found: Iterable[Box]) -> Score:
    unmatched = list(labelled)
    true = false = 0
    for box in found:
        match = next((label for label in unmatched if _holds(label, box) and _holds(box, label)), None)
        if match is None:
            false += 1
        else:
            unmatched.remove(match)
            true += 1
    right = int(true + false == len(labelled))
    return Score(true, false, len(unmatched), 1, right)
