"""Small real media files made in memory: PNG images and MP4 headers with a known size and duration."""

from __future__ import annotations

import random
import struct
import zlib


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 80, 120), *, noisy: bool = False) -> bytes:
    """A real PNG of one colour, or of random pixels (which do not compress) when ``noisy``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    noise = random.Random(width * height)
    rows = b"".join(b"\x00" + (noise.randbytes(3 * width) if noisy else bytes(colour) * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(width: int, height: int, seconds: int) -> bytes:
    """An MP4's boxes as far as a player reads size and duration (not a playable video)."""
    timescale = 1000
    mvhd = b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, timescale, seconds * timescale) + bytes(80)
    tkhd = (
        b"\x00\x00\x00\x03"
        + struct.pack(">IIIII", 0, 0, 1, 0, seconds * timescale)
        + bytes(8)
        + struct.pack(">hhhh", 0, 0, 0, 0)
        + bytes(36)
        + struct.pack(">II", width << 16, height << 16)
    )
    ftyp = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    return ftyp + _box(b"moov", _box(b"mvhd", mvhd) + _box(b"trak", _box(b"tkhd", tkhd))) + _box(b"mdat", bytes(64))
