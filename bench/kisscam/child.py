"""One measured job in a process of its own, so that its peak memory is its own: ``render`` a clip, ``dump`` its
frames as raw RGB, ``encode`` dumped frames with the renderer's encoder and nothing else (the floor), or ``mark`` a
rendered clip as the worker does before storing it (MP4 tags by remux, then a C2PA manifest).

Prints one JSON line: the seconds the job itself took, wall and CPU."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from bench.kisscam.photo import FACES
from storycam.media.marking import mark_clip
from storycam.media.provenance import unverified_credentials
from storycam.media.render import render_classic
from storycam.media.render.encoder import write_mp4
from storycam.media.render.framing import plan
from storycam.media.render.layout import FPS, HEIGHT, WIDTH
from storycam.media.render.scene import Scene
from storycam.media.render.stage import Stage
from storycam.media.render.styles import style_named


def _raw_frames(path: Path) -> Iterator[Image.Image]:
    """The dumped frames, read one at a time (a memory map would count the whole file as resident)."""
    size = WIDTH * HEIGHT * 3
    with path.open("rb") as raw:
        while chunk := raw.read(size):
            yield Image.frombuffer("RGB", (WIDTH, HEIGHT), chunk, "raw", "RGB", 0, 1)


def main(mode: str, path: Path, style: str, photo: Path) -> None:
    # Decoded from a PNG, as a job would load the user's photo; generating it here would weigh on the peak.
    image = Image.open(photo).convert("RGB")
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "render":
        render_classic(image, FACES, path, style=style)
    elif mode == "dump":
        camera = plan(image.size, FACES)
        look = style_named(style)
        with path.open("wb") as out:
            for frame in Scene(Stage(image, camera, look), camera, look, 0).frames():
                out.write(frame.tobytes())
    elif mode == "mark":
        marked = path.with_name(f"marked-{path.name}")
        shutil.copyfile(path, marked)
        unverified_credentials()  # made once per worker process, not per clip
        started, cpu = time.perf_counter(), time.process_time()
        mark_clip(marked)
    elif mode == "encode":
        # Read the frames once before the clock starts (into the page cache, a chunk at a time): the floor is the
        # encoder, not the disk.
        with path.open("rb") as raw:
            while raw.read(1 << 22):
                pass
        started, cpu = time.perf_counter(), time.process_time()
        write_mp4(_raw_frames(path), path.with_suffix(".mp4"), size=(WIDTH, HEIGHT), fps=FPS)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
