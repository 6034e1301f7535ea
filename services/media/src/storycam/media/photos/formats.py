"""Which picture format a file holds, from its first bytes, before Pillow sees it.

Pillow can open dozens of formats, some through outside programs (EPS through Ghostscript); a user's file is
handed only to the decoder of a format we accept, never to Pillow's guess.
"""

from __future__ import annotations

from enum import StrEnum

from storycam.media.photos.rejection import PhotoRejected, PhotoRejection


class PhotoFormat(StrEnum):
    JPEG = "JPEG"
    PNG = "PNG"
    WEBP = "WEBP"
    GIF = "GIF"  # recognised only to say why it is refused (animated, or a format we do not take)


# Pictures we recognise but refuse: telling "unsupported" from "not an image" helps the user.
_OTHER_PICTURES = (b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00", b"8BPS", b"\xff\x0a", b"%!PS")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")


def sniff_format(head: bytes) -> PhotoFormat:
    if head.startswith(b"\xff\xd8\xff"):
        return PhotoFormat.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PhotoFormat.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return PhotoFormat.WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return PhotoFormat.GIF
    if head.startswith(_OTHER_PICTURES) or (head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS):
        raise PhotoRejected(PhotoRejection.UNSUPPORTED_FORMAT, "a picture format other than JPEG, PNG or WebP")
    raise PhotoRejected(PhotoRejection.NOT_AN_IMAGE, "not a picture format we know")
