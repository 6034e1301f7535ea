"""One clip's frames: everything still is drawn once, then each frame pastes the layers and draws what moves."""

from __future__ import annotations

import random
from collections.abc import Iterator

from PIL import Image, ImageDraw, ImageFilter

from storycam.media.render import arena, banner, crowd, mark, screen, timeline
from storycam.media.render.confetti import Confetti
from storycam.media.render.framing import CameraPlan
from storycam.media.render.layout import FRAMES, HEIGHT, SCREEN, WIDTH, Box
from storycam.media.render.stage import Stage
from storycam.media.render.styles import Style

FLASHES = 16  # cameras going off in the crowd, most of them once the couple is in the heart


def _flash_sprite() -> tuple[Image.Image, Image.Image]:
    size = 64
    mask = Image.new("L", (size, size))
    draw = ImageDraw.Draw(mask)
    c = size / 2
    draw.ellipse((c - 5, c - 5, c + 5, c + 5), fill=255)
    draw.line([(c - 30, c), (c + 30, c)], fill=180, width=2)
    draw.line([(c, c - 22), (c, c + 22)], fill=140, width=2)
    glow = mask.filter(ImageFilter.GaussianBlur(5))
    mask = Image.eval(Image.merge("RGB", (mask, glow, glow)).convert("L"), lambda v: min(255, v * 2))
    return Image.new("RGB", (size, size), (255, 255, 255)), mask


class Scene:
    def __init__(self, stage: Stage, plan: CameraPlan, style: Style, seed: int) -> None:
        self.stage, self.plan, self.style = stage, plan, style
        self.backgrounds = banner.lit_backgrounds(arena.background(style, seed), style)
        self.rows = crowd.rows(style, seed)
        self.confetti = Confetti(style, seed, timeline.CONFETTI_START)
        self.texture = screen.texture()
        self.bug = screen.live_bug()
        self.badge = mark.badge(style.letterbox)
        self.flash = _flash_sprite()
        rng = random.Random(seed + 2)  # noqa: S311 - a seeded picture, not a secret
        self.flashes = sorted(
            (
                rng.randrange(0, FRAMES // 3) if rng.random() < 0.25 else rng.randrange(FRAMES // 2, FRAMES - 2),
                rng.uniform(40, WIDTH - 100),
                rng.uniform(300, 560),
            )
            for _ in range(FLASHES)
        )
        self._last_shot: tuple[Box, Image.Image] | None = None
        self._last_heart: tuple[tuple[Box, float, float], Image.Image] | None = None

    def _panel(self, crop: Box) -> Image.Image:
        """The screen's picture for a crop. The camera holds still before and after its zoom, so the last one is
        kept: the same crop needs no second resize."""
        if self._last_shot is None or self._last_shot[0] != crop:
            self._last_shot = (crop, screen.textured(self.stage.shot(crop), self.texture, self.bug))
        return self._last_shot[1]

    def frame(self, index: int) -> Image.Image:
        t = timeline.seconds(index)
        zoom = timeline.ease_in_out(timeline.progress(t, timeline.ZOOM_START, timeline.ZOOM_END))
        closing = timeline.progress(t, timeline.HEART_START, timeline.HEART_END)
        cheering = timeline.progress(t, timeline.CONFETTI_START, timeline.CONFETTI_START + 0.6)
        # The chase lights step five times a second while the camera looks, ten once the crowd cheers.
        phase = int(t * (10 if cheering else 5)) % banner.PHASES
        image = self.backgrounds[phase].copy()

        crop = self.plan.shot(zoom)
        panel = self._panel(crop)
        if closing > 0:
            beat = timeline.heartbeat(t - timeline.HEART_END) if closing >= 1 else 0.0
            heart = (crop, screen.heart_scale(timeline.ease_out_back(closing), beat), min(1.0, closing * 1.5))
            # Between beats the heart rests at its closed size: the same picture as the frame before.
            if self._last_heart is None or self._last_heart[0] != heart:
                panel = panel.copy()
                screen.draw_heart(panel, self.style, self.plan.heart, heart[1], heart[2])
                self._last_heart = (heart, panel)
            panel = self._last_heart[1]
        image.paste(panel, (int(SCREEN.x), int(SCREEN.y)))

        for start, x, y in self.flashes:
            if start <= index < start + 2:
                image.paste(self.flash[0], (round(x), round(y)), self.flash[1])
        for row in self.rows:
            image.paste(row.image, (0, row.offset(t, cheering)), row.mask)
        draw = ImageDraw.Draw(image)
        self.confetti.draw(draw, t)
        if self.style.letterbox:
            draw.rectangle((0, 0, WIDTH, self.style.letterbox - 1), fill=(0, 0, 0))
            draw.rectangle((0, HEIGHT - self.style.letterbox, WIDTH, HEIGHT), fill=(0, 0, 0))
        badge, badge_mask, corner = self.badge
        image.paste(badge, corner, badge_mask)
        return image

    def frames(self) -> Iterator[Image.Image]:
        for index in range(FRAMES):
            yield self.frame(index)
