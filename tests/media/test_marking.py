"""Marking: every clip carries "AI-generated" in its MP4 tags and in a signed C2PA manifest that reads back,
without its pictures or sound being re-encoded, and a change to the file after signing shows."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from pydantic import ValidationError

from storycam.media.marking import NOTICE, TITLE, mark_clip
from storycam.media.provenance import (
    TRAINED_ALGORITHMIC_MEDIA,
    SigningCredentials,
    read_manifest,
    unverified_credentials,
)
from storycam.media.providers.probe import probe_mp4
from storycam.media.settings import MediaSettings


def _clip(path: Path) -> Path:
    """One second of H.264 video and AAC sound, as xAI's clips come (the classic ones have no sound)."""
    with av.open(str(path), "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=24)
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(24):
            picture = np.full((180, 320, 3), (10 * i, 90, 160), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            container.mux(video.encode(frame.reformat(format="yuv420p")))
        container.mux(video.encode(None))
        tone = (np.sin(np.arange(48000) * 2 * np.pi * 440 / 48000) * 0.2).astype(np.float32)
        for start in range(0, 48000, 1024):
            samples = np.tile(tone[start : start + 1024], (2, 1))
            sound = av.AudioFrame.from_ndarray(samples, format="fltp", layout="stereo")
            sound.sample_rate, sound.pts, sound.time_base = 48000, start, Fraction(1, 48000)
            container.mux(audio.encode(sound))
        container.mux(audio.encode(None))
    return path


def _packets(path: Path) -> dict[str, list[bytes]]:
    with av.open(str(path)) as container:
        found: dict[str, list[bytes]] = {"video": [], "audio": []}
        for packet in container.demux():
            if packet.dts is not None and packet.stream.type in found:
                found[packet.stream.type].append(bytes(packet))
        return found


def _top_boxes(path: Path) -> list[bytes]:
    data, boxes, at = path.read_bytes(), [], 0
    while at < len(data):
        size = struct.unpack(">I", data[at : at + 4])[0]
        boxes.append(data[at + 4 : at + 8])
        at += size
    return boxes


def _source_types(manifest: dict[str, object]) -> list[str]:
    assertions = manifest["assertions"]
    assert isinstance(assertions, list)
    return [
        action.get("digitalSourceType")
        for assertion in assertions
        if str(assertion["label"]).startswith("c2pa.actions")
        for action in assertion["data"]["actions"]
    ]


def test_a_marked_clip_says_so_in_its_tags_and_its_manifest(tmp_path: Path) -> None:
    clip = _clip(tmp_path / "clip.mp4")
    before = _packets(clip)
    assert read_manifest(clip) is None

    mark_clip(clip)

    assert _packets(clip) == before  # copied, not re-encoded: the same pictures and sound, byte for byte
    with av.open(str(clip)) as container:
        assert container.metadata["title"] == TITLE
        assert container.metadata["comment"] == NOTICE
    boxes = _top_boxes(clip)
    assert boxes.index(b"moov") < boxes.index(b"mdat")  # still streams from the first byte
    info = probe_mp4(clip)
    assert (info.codec, info.width, info.height) == ("h264", 320, 180)
    read = read_manifest(clip)
    assert read is not None
    manifest, state = read
    assert state == "Valid"  # intact and well signed; "Trusted" would need a CA on the C2PA trust list
    assert TRAINED_ALGORITHMIC_MEDIA in _source_types(manifest)
    assert [tmp_path / "clip.mp4"] == list(tmp_path.iterdir())  # no temporary file left


def test_a_change_after_signing_shows(tmp_path: Path) -> None:
    clip = _clip(tmp_path / "clip.mp4")
    mark_clip(clip)
    data = bytearray(clip.read_bytes())
    data[data.index(b"mdat") + 200] ^= 0xFF  # one byte of the pictures
    clip.write_bytes(bytes(data))

    read = read_manifest(clip)

    assert read is not None
    assert read[1] == "Invalid"


def test_marking_again_and_with_the_operators_certificate(tmp_path: Path) -> None:
    own = unverified_credentials.__wrapped__()  # another CA and signer than the process's
    (tmp_path / "chain.pem").write_bytes(own.certificate_chain)
    (tmp_path / "key.pem").write_bytes(own.private_key)
    credentials = SigningCredentials.from_files(tmp_path / "chain.pem", tmp_path / "key.pem")
    clip = _clip(tmp_path / "clip.mp4")

    mark_clip(clip)
    mark_clip(clip, credentials)

    read = read_manifest(clip)
    assert read is not None
    manifest, state = read
    assert state == "Valid"
    assert _source_types(manifest) == [TRAINED_ALGORITHMIC_MEDIA]  # one manifest, not one inside another
    assert credentials != unverified_credentials()


def test_a_file_that_is_not_a_clip_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "clip.mp4"
    bogus.write_bytes(b"<html>an error page</html>")
    with pytest.raises(av.InvalidDataError):
        mark_clip(bogus)
    assert bogus.read_bytes() == b"<html>an error page</html>"


def test_the_operators_certificate_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = unverified_credentials()
    (tmp_path / "chain.pem").write_bytes(own.certificate_chain)
    (tmp_path / "key.pem").write_bytes(own.private_key)
    monkeypatch.setenv("C2PA_SIGNING_CERT_FILE", "")
    monkeypatch.setenv("C2PA_SIGNING_KEY_FILE", "")
    assert SigningCredentials.from_settings(MediaSettings()) is None
    monkeypatch.setenv("C2PA_SIGNING_CERT_FILE", str(tmp_path / "chain.pem"))
    with pytest.raises(ValidationError, match="both C2PA_SIGNING_CERT_FILE and C2PA_SIGNING_KEY_FILE"):
        MediaSettings()
    monkeypatch.setenv("C2PA_SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    assert SigningCredentials.from_settings(MediaSettings()) == own
