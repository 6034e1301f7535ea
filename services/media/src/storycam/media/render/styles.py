"""The looks a classic clip can take: one palette and a few switches per style, chosen by name."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


class UnknownStyle(ValueError):
    """A style name the classic renderer does not know; the message lists the ones it does."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown Kiss Cam style {name!r}; choose one of: {', '.join(STYLES)}")


@dataclass(frozen=True)
class Style:
    name: str
    sky_top: RGB  # the arena's roof, behind the jumbotron
    sky_bottom: RGB  # the far stands, lit by the floor
    floodlight: RGB  # the light banks and the beams they throw
    stand_colours: tuple[RGB, ...]  # the far crowd's shirts and phone lights, seen out of focus
    bezel: RGB  # the jumbotron's metal
    banner_text: str
    banner_led: RGB  # the LED letters of the marquee
    banner_bulbs: RGB  # the chase lights around it
    heart: RGB  # the heart's line and the tint outside it
    heart_tint: int  # 0-255: how strongly the screen outside the heart is tinted once it has closed
    confetti: tuple[RGB, ...]
    confetti_hearts: bool  # heart-shaped confetti instead of paper strips
    grade: tuple[float, float, float]  # per-channel gain applied to the photo on the screen
    saturation: float  # 1 keeps the photo's colours, less fades them
    letterbox: int  # height of the black bars at the top and bottom of the frame, 0 for none
    anamorphic: bool  # long horizontal flares from the floodlights, as a cinema lens draws them
    crowd_rim: RGB  # the light the screen throws on the heads in front of it


STYLES: dict[str, Style] = {
    style.name: style
    for style in (
        Style(
            name="stadium",
            sky_top=(4, 6, 18),
            sky_bottom=(18, 26, 58),
            floodlight=(235, 242, 255),
            stand_colours=((230, 40, 50), (40, 90, 230), (250, 250, 250), (250, 200, 40), (120, 200, 255)),
            bezel=(38, 42, 52),
            banner_text="KISS CAM",
            banner_led=(255, 40, 70),
            banner_bulbs=(255, 214, 90),
            heart=(255, 40, 85),
            heart_tint=110,
            confetti=((255, 60, 80), (255, 210, 60), (70, 160, 255), (255, 255, 255), (80, 220, 140)),
            confetti_hearts=False,
            grade=(1.0, 1.0, 1.0),
            saturation=1.05,
            letterbox=0,
            anamorphic=False,
            crowd_rim=(90, 120, 200),
        ),
        Style(
            name="romantic",
            sky_top=(20, 4, 22),
            sky_bottom=(70, 16, 52),
            floodlight=(255, 214, 190),
            stand_colours=((255, 120, 170), (255, 80, 120), (255, 220, 200), (200, 110, 255), (255, 170, 90)),
            bezel=(60, 36, 50),
            banner_text="KISS CAM",
            banner_led=(255, 110, 170),
            banner_bulbs=(255, 230, 200),
            heart=(255, 95, 160),
            heart_tint=125,
            confetti=((255, 90, 150), (255, 40, 80), (255, 210, 225), (255, 255, 255), (255, 170, 190)),
            confetti_hearts=True,
            grade=(1.06, 0.97, 1.0),
            saturation=1.0,
            letterbox=0,
            anamorphic=False,
            crowd_rim=(200, 90, 150),
        ),
        Style(
            name="cinematic",
            sky_top=(2, 8, 12),
            sky_bottom=(10, 34, 44),
            floodlight=(200, 235, 255),
            stand_colours=((60, 170, 200), (230, 150, 70), (200, 220, 230), (40, 110, 140), (250, 190, 110)),
            bezel=(24, 28, 30),
            banner_text="KISS CAM",
            banner_led=(255, 236, 200),
            banner_bulbs=(255, 170, 80),
            heart=(255, 200, 120),
            heart_tint=95,
            confetti=((255, 205, 120), (255, 245, 225), (230, 160, 70), (120, 200, 220)),
            confetti_hearts=False,
            grade=(1.08, 0.98, 0.88),
            saturation=0.8,
            letterbox=34,
            anamorphic=True,
            crowd_rim=(60, 150, 170),
        ),
    )
}

DEFAULT_STYLE = "stadium"


def style_named(name: str) -> Style:
    try:
        return STYLES[name]
    except KeyError:
        raise UnknownStyle(name) from None
