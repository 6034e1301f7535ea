"""The validating step: the job's photos out of storage, through intake and the couple check, onto local disk as
the provider receives them; or the reason the user is told, before anything is charged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from storycam.contracts.media import FailureReason
from storycam.kit.storage import Storage, StoredObjectMissing
from storycam.media.faces import CoupleOutcome, FaceDetector, check_couple
from storycam.media.photos import AcceptedPhoto, PhotoRejected, PhotoRejection, accept_photo
from storycam.media.providers.base import InputPhoto

_PHOTO_REASONS: Final[dict[PhotoRejection, FailureReason]] = {
    PhotoRejection.NOT_AN_IMAGE: "not_an_image",
    PhotoRejection.UNSUPPORTED_FORMAT: "not_an_image",
    PhotoRejection.CORRUPT: "not_an_image",
    PhotoRejection.TOO_LARGE: "too_large",
    PhotoRejection.TOO_MANY_PIXELS: "too_many_pixels",
    PhotoRejection.TOO_SMALL: "too_small",
    PhotoRejection.ANIMATED: "animated",
}
_COUPLE_REASONS: Final[dict[CoupleOutcome, FailureReason]] = {
    CoupleOutcome.NO_FACE: "no_face",
    CoupleOutcome.ONE_FACE: "one_face",
    CoupleOutcome.TOO_MANY_FACES: "too_many_faces",
    CoupleOutcome.FACE_TOO_SMALL: "faces_too_small",
    CoupleOutcome.TOO_DARK: "too_dark",
}


@dataclass(frozen=True)
class Refused:
    reason: FailureReason
    detail: str


async def fetch_photos(storage: Storage, keys: list[str]) -> list[bytes] | Refused:
    photos = []
    for key in keys:
        try:
            photos.append(await storage.get(key))
        except StoredObjectMissing:
            return Refused("internal", "a photo of the job is no longer in storage")
    return photos


def validate(photos: list[bytes], detector: FaceDetector, folder: Path) -> tuple[InputPhoto, ...] | Refused:
    """CPU-bound (decoding and detection): call in a worker thread."""
    accepted: list[AcceptedPhoto] = []
    for data in photos:
        try:
            accepted.append(accept_photo(data))
        except PhotoRejected as refusal:
            return Refused(_PHOTO_REASONS[refusal.reason], refusal.detail)
    couple = check_couple(accepted, detector)
    if not couple.ok:
        return Refused(_COUPLE_REASONS[couple.outcome], f"couple check: {couple.outcome}")
    inputs = []
    for index, (photo, faces) in enumerate(zip(accepted, couple.faces, strict=True)):
        path = folder / f"{index + 1}.jpg"
        path.write_bytes(photo.to_jpeg())
        inputs.append(InputPhoto(path, photo.size[0], photo.size[1], faces))
    return tuple(inputs)
