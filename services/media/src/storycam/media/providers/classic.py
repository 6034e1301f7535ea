"""The ``classic`` provider: the stadium kiss-cam clip, rendered here on the CPU (no key, no network).

The render is CPU-bound and synchronous; it runs in a worker thread so that the worker's event loop keeps
heart-beating (and the service keeps answering) meanwhile. x264 and the pixel work release the GIL for most of it.
"""

from __future__ import annotations

import asyncio

from PIL import Image

from storycam.contracts.media import KissCamProvider
from storycam.media.faces import FaceBox
from storycam.media.providers.base import GeneratedClip, GenerationFailed, GenerationRequest, Progress
from storycam.media.render import BadFaces, UnknownStyle, render_classic, side_by_side
from storycam.media.render.layout import Box


def render_box(face: FaceBox) -> Box:
    """The detector's box (left, top, right, bottom; right and bottom exclusive) as the renderer's (x, y, w, h)."""
    return Box(face.left, face.top, face.width, face.height)


class ClassicProvider:
    name: KissCamProvider = "classic"

    async def generate(self, request: GenerationRequest, progress: Progress) -> GeneratedClip:
        await progress(None)
        clip = await asyncio.to_thread(self._render, request)
        await progress(100)
        return clip

    def _render(self, request: GenerationRequest) -> GeneratedClip:
        photos = request.photos
        try:
            if len(photos) == 1 and len(photos[0].faces) == 2:
                with Image.open(photos[0].path) as opened:
                    image = opened.convert("RGB")
                first, second = sorted(photos[0].faces)  # left to right: the couple as they sit
                faces = (render_box(first), render_box(second))
            elif len(photos) == 2 and all(len(photo.faces) == 1 for photo in photos):
                with Image.open(photos[0].path) as left, Image.open(photos[1].path) as right:
                    image, left_face, right_face = side_by_side(
                        left.convert("RGB"),
                        render_box(photos[0].faces[0]),
                        right.convert("RGB"),
                        render_box(photos[1].faces[0]),
                    )
                faces = (left_face, right_face)
            else:
                raise GenerationFailed("internal", f"the classic renderer cannot film {len(photos)} photo(s) so")
            clip = render_classic(image, faces, request.output, style=request.style, seed=request.seed)
        except (BadFaces, UnknownStyle) as error:
            raise GenerationFailed("internal", str(error)) from error
        return GeneratedClip(clip.path, clip.seconds, clip.width, clip.height)

    async def aclose(self) -> None:
        return None
