"""The ``classic`` Kiss Cam provider's renderer: a stadium kiss-cam clip drawn locally.

``render_classic(photo, faces, output, style=...)`` films one photo with two people (or two photos joined by
``side_by_side``) as the crowd sees it on the arena's jumbotron: the camera zooms onto the two faces, a heart
closes around them, confetti flies, and the clip is written as a 5 s 1280x720 H.264 MP4.
"""

from __future__ import annotations

from storycam.media.render.clip import ClassicClip, FaceBox, render_classic
from storycam.media.render.framing import BadFaces
from storycam.media.render.pair import side_by_side
from storycam.media.render.styles import DEFAULT_STYLE, STYLES, UnknownStyle

__all__ = [
    "DEFAULT_STYLE",
    "STYLES",
    "BadFaces",
    "ClassicClip",
    "FaceBox",
    "UnknownStyle",
    "render_classic",
    "side_by_side",
]
