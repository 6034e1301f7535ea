"""Is a file an MP4 with a video a player can decode? Checked on every clip a provider hands back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av


class NotAPlayableClip(ValueError):
    """Not an MP4 container, no video stream, or no picture that decodes."""


@dataclass(frozen=True)
class ClipInfo:
    duration_seconds: float
    width: int
    height: int
    codec: str


def probe_mp4(path: Path) -> ClipInfo:
    """Opens ``path`` with FFmpeg and decodes its first picture; NotAPlayableClip when anything is wrong."""
    try:
        with av.open(str(path)) as container:
            if "mp4" not in container.format.name.split(","):
                raise NotAPlayableClip(f"not an MP4 container: {container.format.name}")
            if not container.streams.video:
                raise NotAPlayableClip("no video stream")
            stream = container.streams.video[0]
            for _ in container.decode(stream):
                break
            else:
                raise NotAPlayableClip("no picture decodes")
            if container.duration is not None:
                seconds = container.duration / av.time_base
            elif stream.duration is not None and stream.time_base is not None:
                seconds = float(stream.duration * stream.time_base)
            else:
                seconds = 0.0
            return ClipInfo(seconds, stream.codec_context.width, stream.codec_context.height, stream.codec_context.name)
    except av.FFmpegError as error:
        raise NotAPlayableClip(str(error)) from None
