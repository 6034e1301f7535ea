"""Two photos of one person each, set side by side into the one frame the renderer films."""

from __future__ import annotations

from PIL import Image

from storycam.media.render.layout import Box

HEIGHT_CAP = 1080  # more is wasted on a 720p clip


def side_by_side(
    left: Image.Image, left_face: Box, right: Image.Image, right_face: Box
) -> tuple[Image.Image, Box, Box]:
    """The two photos at one height, left beside right, and where each face now is.

    Both are scaled so that the two faces come out the same size, which makes a believable couple, then cropped
    to a shared height around the faces' line."""
    # Sit them close, as a couple sits: keep room around each face on the outer side, less between them.
    left, left_face = _around(left, left_face, outer=1.5, inner=0.4, outer_is_left=True)
    right, right_face = _around(right, right_face, outer=1.5, inner=0.4, outer_is_left=False)
    # Scale the right photo so its face matches the left one's, then both down to a sensible height.
    ratio = left_face.h / right_face.h
    right = right.resize((max(1, round(right.width * ratio)), max(1, round(right.height * ratio))))
    right_face = Box(right_face.x * ratio, right_face.y * ratio, right_face.w * ratio, right_face.h * ratio)
    # A shared band of rows that holds both faces: align the faces' centres vertically.
    lc, rc = left_face.centre[1], right_face.centre[1]
    above = min(lc, rc)
    below = min(left.height - lc, right.height - rc)
    left_top, right_top = round(lc - above), round(rc - above)
    height = max(1, round(above + below))
    left = left.crop((0, left_top, left.width, left_top + height))
    right = right.crop((0, right_top, right.width, right_top + height))
    frame = Image.new("RGB", (left.width + right.width, height))
    frame.paste(left.convert("RGB"), (0, 0))
    frame.paste(right.convert("RGB"), (left.width, 0))
    moved_left = Box(left_face.x, left_face.y - left_top, left_face.w, left_face.h)
    moved_right = Box(right_face.x + left.width, right_face.y - right_top, right_face.w, right_face.h)
    if height > HEIGHT_CAP:
        k = HEIGHT_CAP / height
        frame = frame.resize((round(frame.width * k), HEIGHT_CAP), Image.Resampling.LANCZOS, reducing_gap=3.0)
        moved_left = Box(moved_left.x * k, moved_left.y * k, moved_left.w * k, moved_left.h * k)
        moved_right = Box(moved_right.x * k, moved_right.y * k, moved_right.w * k, moved_right.h * k)
    return frame, moved_left, moved_right


def _around(
    photo: Image.Image, face: Box, *, outer: float, inner: float, outer_is_left: bool
) -> tuple[Image.Image, Box]:
    """The photo's columns around the face: ``outer`` face widths on the outer side, ``inner`` on the inner one."""
    before, after = (outer, inner) if outer_is_left else (inner, outer)
    x0 = max(0, round(face.x - before * face.w))
    x1 = min(photo.width, round(face.right + after * face.w))
    return photo.crop((x0, 0, x1, photo.height)), Box(face.x - x0, face.y, face.w, face.h)
