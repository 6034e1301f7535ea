"""Why a photo is refused: one code per cause, each something the user can fix by sending another photo.

The gateway words each code for the user (Russian and English); the codes travel in job events as strings.
"""

from __future__ import annotations

from enum import StrEnum


class PhotoRejection(StrEnum):
    NOT_AN_IMAGE = "not_an_image"  # a document, text or anything that is no picture at all
    UNSUPPORTED_FORMAT = "unsupported_format"  # a picture, but not JPEG, PNG or WebP (GIF, HEIC, TIFF...)
    TOO_LARGE = "too_large"  # more bytes than we accept
    TOO_MANY_PIXELS = "too_many_pixels"  # declares more pixels than we decode (decompression bombs land here)
    TOO_SMALL = "too_small"  # too few pixels to find a face in
    ANIMATED = "animated"  # more than one frame: an animation, not a photo
    CORRUPT = "corrupt"  # starts like a picture but does not decode (truncated, damaged)


class PhotoRejected(Exception):
    """A photo that intake refuses; ``reason`` is for the user, ``detail`` for the log (never the user's data)."""

    def __init__(self, reason: PhotoRejection, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
