"""The photo prepared for the camera: sized for the closest shot, graded for the style, and set on a blurred
fill of itself so that shots reaching past its edges (a portrait photo on a 16:9 screen) show no black bars."""

from __future__ import annotations

import math

from PIL import Image, ImageEnhance, ImageFilter

from storycam.media.render.framing import CameraPlan
from storycam.media.render.layout import SCREEN, Box
from storycam.media.render.styles import Style


class Stage:
    def __init__(self, photo: Image.Image, plan: CameraPlan, style: Style) -> None:
        extent = Box(0, 0, photo.width, photo.height).union(plan.wide).union(plan.close)
        # The close shot needs about one photo pixel per screen pixel; more is wasted work on every frame.
        self.scale = min(1.0, SCREEN.w / plan.close.w)
        self.origin = (extent.x, extent.y)
        size = (math.ceil(extent.w * self.scale), math.ceil(extent.h * self.scale))
        small = (
            photo
            if self.scale == 1.0
            else photo.resize(
                (max(1, round(photo.width * self.scale)), max(1, round(photo.height * self.scale))),
                Image.Resampling.LANCZOS,
                reducing_gap=3.0,
            )
        )
        small = _graded(small, style)
        fill = _blurred_fill(small, size)
        fill.paste(small, (round(-extent.x * self.scale), round(-extent.y * self.scale)))
        self.image = fill

    def shot(self, crop: Box) -> Image.Image:
        """What the camera sees through ``crop`` (photo pixels), at the screen's size."""
        ox, oy = self.origin
        s = self.scale
        box = ((crop.x - ox) * s, (crop.y - oy) * s, (crop.right - ox) * s, (crop.bottom - oy) * s)
        return self.image.resize((int(SCREEN.w), int(SCREEN.h)), Image.Resampling.BILINEAR, box=box, reducing_gap=2.0)


def _graded(photo: Image.Image, style: Style) -> Image.Image:
    if style.saturation != 1.0:
        photo = ImageEnhance.Color(photo).enhance(style.saturation)
    if style.grade != (1.0, 1.0, 1.0):
        bands = [
            band.point([min(255, round(v * gain)) for v in range(256)])
            for band, gain in zip(photo.split(), style.grade, strict=True)
        ]
        photo = Image.merge("RGB", bands)
    return photo


def _blurred_fill(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The photo stretched over ``size``, blurred and darkened: what broadcasters put behind a narrow picture."""
    thumb = photo.resize((max(1, size[0] // 16), max(1, size[1] // 16)), Image.Resampling.BOX, reducing_gap=2.0)
    thumb = thumb.filter(ImageFilter.GaussianBlur(3)).point(lambda v: v * 55 // 100)
    return thumb.resize(size, Image.Resampling.BILINEAR)
