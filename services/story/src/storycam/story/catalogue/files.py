"""Stories as files: a directory with one ink per language (``en.ink``, ``ru.ink``, or any name for a story in
one language), each maybe compiled beside it (``en.ink.json``), a ``media/`` directory and a ``story.toml``
manifest. Also a single ``.ink`` or compiled ``.json`` file, its manifest beside it named after it
(``lighthouse.toml``).

The compiled JSON is what ships and plays; the ``.ink`` is compiled only when its JSON is missing or when asked.
"""

from __future__ import annotations

import mimetypes
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from storycam.contracts.stories import LANGUAGES, MEDIA_NAME_PATTERN, StoryManifest
from storycam.story.catalogue.package import MediaFile, ScriptDraft, StoryPackage, assemble, read_script
from storycam.story.errors import StoryRejected
from storycam.story.ink.compiler import InkCompiler

COMPILED_SUFFIX = ".ink.json"
MEDIA_DIR = "media"
MANIFEST = "story.toml"


@dataclass(frozen=True)
class ScriptFiles:
    """One script's files: its source, its compiled JSON, or both."""

    source: Path | None
    compiled: Path | None

    @property
    def name(self) -> str:
        path = self.source or self.compiled
        assert path is not None
        return path.name

    @property
    def language_hint(self) -> str | None:
        stem = self.name.split(".", 1)[0]
        return stem if stem in LANGUAGES else None


def script_files(path: Path) -> list[ScriptFiles]:
    if path.is_file():
        if path.name.endswith(".ink"):
            compiled = path.with_name(path.name + ".json")
            return [ScriptFiles(path, compiled if compiled.exists() else None)]
        return [ScriptFiles(None, path)]
    found = []
    for source in sorted(path.glob("*.ink")):
        compiled = source.with_name(source.name + ".json")
        found.append(ScriptFiles(source, compiled if compiled.exists() else None))
    known = {f.compiled for f in found}
    found += [ScriptFiles(None, c) for c in sorted(path.glob(f"*{COMPILED_SUFFIX}")) if c not in known]
    if not found:
        raise StoryRejected(f"{path} holds no .ink or {COMPILED_SUFFIX} file")
    return found


def compiled_text(files: ScriptFiles, compiler: InkCompiler | None, *, recompile: bool = False) -> str:
    """The script's compiled JSON: from its file, or compiled from source when asked or when there is none."""
    if files.compiled is not None and (not recompile or files.source is None):
        return files.compiled.read_text(encoding="utf-8-sig")
    if files.source is None or compiler is None:
        raise StoryRejected(f"{files.name}: no compiled JSON beside it, and no compiler to make one")
    return compiler.compile(files.source.read_text(encoding="utf-8-sig"))


def read_scripts(path: Path, compiler: InkCompiler | None = None, *, recompile: bool = False) -> list[ScriptDraft]:
    scripts = []
    for files in script_files(path):
        source = files.source.read_text(encoding="utf-8-sig") if files.source else None
        compiled = compiled_text(files, compiler, recompile=recompile)
        scripts.append(read_script(compiled, source=source, language=files.language_hint))
    return scripts


def read_media(path: Path) -> list[MediaFile]:

    directory = (path if path.is_dir() else path.parent) / MEDIA_DIR
    if not directory.is_dir():
        return []
    media = []
    for file in sorted(p for p in directory.iterdir() if p.is_file()):
        if not re.match(MEDIA_NAME_PATTERN, file.name):
            raise StoryRejected(f"media file name {file.name!r} is not allowed: letters, digits, dots, dashes")
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if not content_type.startswith(("image/", "audio/", "video/")):
            raise StoryRejected(f"media file {file.name!r} is not an image, a sound or a video")
        media.append(MediaFile(file.name, content_type, file.read_bytes()))
    return media


def story_name(path: Path) -> str:
    """The name a story's defaults come from: its directory's, or its file's (``en.ink`` says only a language)."""
    if path.is_dir():
        return path.resolve().name
    stem = path.name.split(".", 1)[0]
    return path.resolve().parent.name if stem in LANGUAGES else stem


def manifest_path(path: Path) -> Path:
    if path.is_dir():
        return path / MANIFEST
    return path.with_name(path.name.split(".", 1)[0] + ".toml")


def read_manifest(path: Path, options: StoryManifest | None = None) -> StoryManifest | None:
    """The story's manifest file, if it has one, with ``options`` (the import command's) over it."""
    file = manifest_path(path)
    given: dict[str, object] = {}
    if file.is_file():
        try:
            given = tomllib.loads(file.read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            raise StoryRejected(f"{file.name} is not TOML: {exc}") from None
    if options is not None:
        given.update(options.model_dump(exclude_none=True))
    if not given:
        return None
    try:
        return StoryManifest.model_validate(given)
    except ValidationError as exc:
        problems = "\n".join(
            f"- {'.'.join(str(part) for part in error['loc']) or 'manifest'}: {error['msg']}" for error in exc.errors()
        )
        raise StoryRejected(f"{file.name} (or the options) cannot be used:\n{problems}") from None


def read_story(
    path: Path,
    compiler: InkCompiler | None = None,
    *,
    recompile: bool = False,
    options: StoryManifest | None = None,
) -> StoryPackage:
    return assemble(
        read_scripts(path, compiler, recompile=recompile),
        read_media(path),
        manifest=read_manifest(path, options),
        name=story_name(path),
    )
