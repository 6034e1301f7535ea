"""Faces for Kiss Cam: find them with a detector that ships inside a package, and judge whether a couple is there."""

from storycam.media.faces.boxes import FaceBox
from storycam.media.faces.couple import CoupleCheck, CoupleOutcome, CoupleRules, check_couple
from storycam.media.faces.detector import FaceDetector, HaarFaceDetector, HaarSettings

__all__ = [
    "CoupleCheck",
    "CoupleOutcome",
    "CoupleRules",
    "FaceBox",
    "FaceDetector",
    "HaarFaceDetector",
    "HaarSettings",
    "check_couple",
]
