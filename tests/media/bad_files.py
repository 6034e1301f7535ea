"""Files a user may send instead of a photo, built in memory (no fixtures on disk beyond the real photos)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import Image

from tests.media.photo_set import PHOTOS


def real_jpeg(name: str = "astronaut") -> bytes:
    return (PHOTOS / f"{name}.jpg").read_bytes()


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def text_named_jpg() -> bytes:
    """What arrives when someone renames notes.txt to photo.jpg: the name is a lie, the bytes are text."""
    return "Список покупок: молоко, хлеб.\nShopping list: milk, bread.\n".encode() * 20


def truncated_jpeg() -> bytes:
    """A real photo cut off mid-download: the header is whole, the picture is not."""
    data = real_jpeg()
    return data[: len(data) // 2]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 20_000) -> bytes:
    """A valid black ``side`` x ``side`` PNG (1-bit grey): about 50 kB on disk, ``side``² pixels once decoded
    (400 million for 20,000: Pillow would take 400 MB to hold it)."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte, then the row's bits
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def thirty_megabytes() -> bytes:
    """A real JPEG padded to 30 MB (JPEG decoders ignore what follows the end marker): too big to take at all."""
    data = real_jpeg()
    return data + b"\x00" * (30 * 1024 * 1024 - len(data))


def frames(count: int = 3) -> list[Image.Image]:
    with Image.open(PHOTOS / "astronaut.jpg") as photo:
        base = photo.convert("RGB").resize((256, 256))
    return [base.rotate(10 * i) for i in range(count)]


def animated(fmt: str) -> bytes:
    first, *rest = frames()
    return encoded(first, fmt, save_all=True, append_images=rest, duration=100, loop=0)
