"""Measure the face detector on the labelled set: ``python -m tests.media.measure_faces``.

Prints what docs/face-detection.md records: precision, recall, photos counted right, time per photo (wall and CPU:
on a shared machine the CPU time is the steadier figure), and which photos went wrong.
"""

from __future__ import annotations

import importlib
import sys
import time

from PIL import Image

from storycam.media.faces import HaarFaceDetector, HaarSettings
from tests.media.photo_set import labelled_set
from tests.media.scoring import Score, score_photo


def measure(settings: HaarSettings) -> Score:
    detector = HaarFaceDetector(settings)
    photos = list(labelled_set())
    total = Score()
    wall = cpu = 0.0
    for photo in photos:
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        found = detector.detect(photo.image)
        wall += time.perf_counter() - wall_start
        cpu += time.process_time() - cpu_start
        score = score_photo(photo.faces, [(b.left, b.top, b.right, b.bottom) for b in found])
        total = total + score
        if score.missed_faces or score.false_faces:
            print(f"  {photo.name}: {score.missed_faces} missed, {score.false_faces} false")
    faces = total.true_faces + total.missed_faces
    print(
        f"{settings}\n  {len(photos)} photos, {faces} faces: precision {total.precision:.3f}, recall {total.recall:.3f}"
        f" ({total.true_faces} found, {total.false_faces} false, {total.missed_faces} missed),"
        f" {total.photos_counted_right}/{total.photos} photos counted right;"
        f" {wall / len(photos) * 1000:.0f} ms wall, {cpu / len(photos) * 1000:.0f} ms CPU per photo"
    )
    return total


def measure_lfw_subset() -> None:
    """A second look, across 100 different people: scikit-image's ``lfw_subset`` (100 faces and 100 non-faces,
    25 x 25 px crops from Labeled Faces in the Wild), each enlarged to 100 px on a grey 200 px canvas.

    Not part of the tests: scikit-image is no dependency of ours and LFW's photos carry no free licence, so none
    is committed. Run with it installed (``uv run --with scikit-image python -m tests.media.measure_faces lfw``).
    """
    crops = importlib.import_module("skimage.data").lfw_subset()
    detector = HaarFaceDetector()
    for label, group in (("faces", crops[:100]), ("non-faces", crops[100:])):
        with_a_face = 0
        for crop in group:
            enlarged = Image.fromarray((crop * 255).astype("uint8")).resize((100, 100), Image.Resampling.BICUBIC)
            canvas = Image.new("L", (200, 200), 128)
            canvas.paste(enlarged, (50, 50))
            with_a_face += bool(detector.detect(canvas.convert("RGB")))
        print(f"lfw_subset {label}: a face found in {with_a_face} of {len(group)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["lfw"]:
        measure_lfw_subset()
    else:
        for side in [int(a) for a in sys.argv[1:]] or [HaarSettings().detection_side]:
            measure(HaarSettings(detection_side=side))
