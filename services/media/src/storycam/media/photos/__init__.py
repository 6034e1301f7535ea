"""Photo intake for Kiss Cam: validate a user's file and turn it into a clean working photo."""

from storycam.media.photos.formats import PhotoFormat
from storycam.media.photos.intake import DEFAULT_LIMITS, AcceptedPhoto, PhotoLimits, accept_photo
from storycam.media.photos.rejection import PhotoRejected, PhotoRejection

__all__ = [
    "DEFAULT_LIMITS",
    "AcceptedPhoto",
    "PhotoFormat",
    "PhotoLimits",
    "PhotoRejected",
    "PhotoRejection",
    "accept_photo",
]
