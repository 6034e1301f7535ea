"""Just enough of image and MP4 headers to tell a photo's size and a video's size and duration."""

from __future__ import annotations

import struct
from dataclasses import dataclass

MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image; None when it is none of those."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


@dataclass(frozen=True)
class VideoInfo:
    width: int = 0
    height: int = 0
    duration: int = 0


def video_info(data: bytes) -> VideoInfo:
    """Width, height and whole seconds of an MP4 (zeros for what cannot be read)."""
    width = height = duration = 0
    for kind, body in _mp4_boxes(data, 0, len(data)):
        if kind == b"mvhd":
            duration = _mvhd_seconds(body)
        elif kind == b"tkhd" and not width:
            width, height = _tkhd_size(body)
    return VideoInfo(width, height, duration)


def _mp4_boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, bytes]]:
    boxes: list[tuple[bytes, bytes]] = []
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if size == 1 and position + 16 <= end:
            (size,) = struct.unpack(">Q", data[position + 8 : position + 16])
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            break
        if kind in MP4_CONTAINERS:
            boxes += _mp4_boxes(data, position + header, position + size)
        else:
            boxes.append((kind, data[position + header : position + size]))
        position += size
    return boxes


def _mvhd_seconds(body: bytes) -> int:
    if body[:1] == b"\x01" and len(body) >= 32:
        timescale, length = struct.unpack(">IQ", body[20:32])
    elif len(body) >= 20:
        timescale, length = struct.unpack(">II", body[12:20])
    else:
        return 0
    return round(length / timescale) if timescale else 0


def _tkhd_size(body: bytes) -> tuple[int, int]:
    offset = 88 if body[:1] == b"\x01" else 76
    if len(body) < offset + 8:
        return 0, 0
    width, height = struct.unpack(">II", body[offset : offset + 8])
    return width >> 16, height >> 16
