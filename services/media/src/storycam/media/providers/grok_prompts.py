"""What Grok is asked for, per style, in its two modes.

With one photo of the couple the photo is the first frame, so the prompt tells what happens next and how the
camera and light move; with two photos the model builds the scene itself and the prompt places ``<IMAGE_1>`` and
``<IMAGE_2>`` (xAI's names for the reference images, in order) in it. The kiss is brief and gentle in every style:
the users confirmed the people agreed to a kiss, not to anything more.
"""

from __future__ import annotations

from storycam.contracts.media import KissCamStyle

_KISS = "they turn to each other, smile, and share a brief, gentle kiss"
_FACES = "Keep both faces exactly as they are in the reference, photorealistic, natural skin, no text on screen."

_FIRST_FRAME: dict[KissCamStyle, str] = {
    "stadium": (
        "The couple in this photo is caught by the kiss cam at a packed night game: the shot becomes the arena's "
        "giant screen, a glowing heart frames them, the crowd around them cheers and points; {kiss}; confetti "
        "falls and the crowd erupts. Handheld broadcast camera, stadium floodlights."
    ),
    "romantic": (
        "The couple in this photo, in warm golden-hour light with soft bokeh and drifting petals; the camera "
        "slowly pushes in as {kiss}; a tender, quiet moment."
    ),
    "cinematic": (
        "A cinematic scene built from this photo: anamorphic widescreen look, teal and amber grade, shallow depth "
        "of field; a slow dolly-in on the couple as {kiss}; film grain, soft lens flare."
    ),
}

_REFERENCES: dict[KissCamStyle, str] = {
    "stadium": (
        "At a packed night game, the person from <IMAGE_1> and the person from <IMAGE_2> sit side by side in the "
        "stands when the kiss cam finds them: they appear on the arena's giant screen inside a glowing heart, the "
        "crowd cheers; {kiss}; confetti falls. Handheld broadcast camera, stadium floodlights."
    ),
    "romantic": (
        "The person from <IMAGE_1> and the person from <IMAGE_2> stand close together at golden hour, warm light, "
        "soft bokeh, drifting petals; the camera slowly pushes in as {kiss}; a tender, quiet moment."
    ),
    "cinematic": (
        "A cinematic scene: the person from <IMAGE_1> and the person from <IMAGE_2> meet on a rain-lit city street "
        "at night, anamorphic widescreen look, teal and amber grade, shallow depth of field; a slow dolly-in as "
        "{kiss}; film grain, soft lens flare."
    ),
}


def first_frame_prompt(style: KissCamStyle) -> str:
    return f"{_FIRST_FRAME[style].format(kiss=_KISS)} {_FACES}"


def reference_prompt(style: KissCamStyle) -> str:
    return f"{_REFERENCES[style].format(kiss=_KISS)} {_FACES}"
