"""Kiss Cam classic render benchmark: one 5 s 720p clip, beside the encoder alone on the same frames.

Each measurement runs in a process of its own (``bench.kisscam.child``), so that the peak resident memory the
kernel reports for it (``wait4``'s ``ru_maxrss``) is that job's alone, interpreter and libraries included. The
floor encodes the very frames the renderer draws, dumped beforehand as raw RGB, through the same encoder settings
(libx264 veryfast, crf 23, one thread, BT.709 yuv420p, faststart): what the clip costs with no drawing at all.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import av

from bench.infra import ROOT, cpu_model
from bench.kisscam.photo import photo
from bench.report import write_section
from storycam.media.render import STYLES
from storycam.media.render.encoder import CRF, PRESET, THREADS

RUNS = 3


def _measure(mode: str, path: Path, style: str, photo: Path) -> dict[str, float]:
    """Runs one child and returns its own timings plus its process's CPU time and peak memory."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.kisscam.child", mode, str(path), style, str(photo)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"bench child {mode} failed with {process.returncode}")
    result: dict[str, float] = json.loads(output)
    result["process_cpu"] = usage.ru_utime + usage.ru_stime
    result["peak_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def _median(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def main() -> None:
    load_before = os.getloadavg()[0]
    rows, marking = [], []
    with tempfile.TemporaryDirectory(prefix="storycam-bench-kisscam-") as tmp:
        image = Path(tmp) / "photo.png"
        photo().save(image)
        for style in STYLES:
            clip, raw = Path(tmp) / f"{style}.mp4", Path(tmp) / f"{style}.rgb"
            _measure("dump", raw, style, image)
            renders, floors, marks = [], [], []
            for _ in range(RUNS):  # alternated, so that a busy moment on the machine spoils both alike
                renders.append(_measure("render", clip, style, image))
                floors.append(_measure("encode", raw, style, image))
                marks.append(_measure("mark", clip, style, image))
            with av.open(str(clip)) as container:
                seconds = (container.duration or 0) / av.time_base
            rows.append((style, renders, floors, seconds, clip.stat().st_size))
            marking.append(marks)
    lines = []
    for style, renders, floors, seconds, size in rows:
        render_wall, floor_wall = _median(renders, "wall"), _median(floors, "wall")
        render_cpu, floor_cpu = _median(renders, "cpu"), _median(floors, "cpu")
        lines.append(
            f"| {style} | {render_wall:.2f} | {_median(renders, 'cpu'):.2f} | {_median(renders, 'peak_mb'):.0f} | "
            f"{floor_wall:.2f} | {_median(floors, 'cpu'):.2f} | {_median(floors, 'peak_mb'):.0f} | "
            f"{render_cpu - floor_cpu:.2f} | {seconds / render_wall:.2f}x | {seconds / render_cpu:.2f}x | "
            f"{size / 1024:.0f} |"
        )
    worst_wall = max(_median(r, "wall") for _, r, _, _, _ in rows)
    worst_cpu = max(_median(r, "cpu") for _, r, _, _, _ in rows)
    worst_peak = max(max(x["peak_mb"] for x in r) for _, r, _, _, _ in rows)
    met = worst_wall < 5 and worst_peak < 300
    met_on_a_core = worst_cpu < 5 and worst_peak < 300
    mark_wall = statistics.median(m["wall"] for marks in marking for m in marks) * 1000
    mark_cpu = statistics.median(m["cpu"] for marks in marking for m in marks) * 1000
    mark_peak = max(m["peak_mb"] for marks in marking for m in marks)
    table = "\n".join(lines)
    ffmpeg = ".".join(map(str, av.library_versions["libavcodec"]))
    verdict = "meets" if met else "misses"
    core_verdict = "meets" if met_on_a_core else "misses"
    header = (
        "| style | render wall s | render CPU s | render peak MB | floor wall s | floor CPU s | floor peak MB "
        "| drawing CPU s (render - floor) | real time / wall | real time / CPU | MP4 KB |"
    )
    body = f"""
Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {cpu_model()}, {os.cpu_count()} cores; Linux {platform.release()};
Python {platform.python_version()}; PyAV {av.__version__} (FFmpeg libavcodec {ffmpeg})
(load average {load_before:.1f} when it began; other work shared the machine). One clip: 5 s, 1280x720, 30 fps,
H.264 ({PRESET}, crf {CRF}, {THREADS} encoder thread), yuv420p, faststart, from a 1920x1080 photo-like image with
two faces (`bench/kisscam/photo.py`). Each figure is the median of {RUNS} runs, each in a fresh process: wall and
CPU seconds of the job itself (photo in memory to MP4 on disk; imports and process start-up excluded), and the
process's peak resident memory (interpreter, NumPy, Pillow and FFmpeg included). The floor encodes the same frames,
dumped beforehand as raw RGB, with the same encoder and nothing else.

{header}
|---|---|---|---|---|---|---|---|---|---|---|
{table}

Targets: under 5 s of wall time for the 5 s clip on one core, under 300 MB peak. This run **{verdict}** them in
wall time, and **{core_verdict}** them in CPU time (what one idle core takes): the slowest style took
{worst_wall:.2f} s of wall time and {worst_cpu:.2f} s of CPU, and the largest peak was {worst_peak:.0f} MB.
Everything runs on one thread (x264 `threads=1`, swscale one thread), so the CPU time is what one idle core would
take; on a shared machine the wall time is that plus the time the job waited for a core (compare the load
average). `real time / CPU` above 1 means faster than the clip plays, on one core.

Marking the clip afterwards (`storycam.media.marking.mark_clip`: MP4 tags by a remux without re-encoding, then a
signed C2PA manifest) took {mark_wall:.0f} ms of wall time and {mark_cpu:.0f} ms of CPU (median over all runs),
{mark_peak:.0f} MB peak in its own process.
"""
    print(body)
    write_section("Kiss Cam classic render", body)


if __name__ == "__main__":
    main()
