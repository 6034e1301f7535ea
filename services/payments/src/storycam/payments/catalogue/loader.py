"""Reading the catalogue file (TOML): the shipped default, or the operator's own."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from storycam.payments.catalogue.models import Catalogue

DEFAULT_CATALOGUE = Path(__file__).with_name("default.toml")


class CatalogueError(ValueError):
    """The catalogue file is missing, unreadable or describes something we cannot sell."""


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at ``path`` (``PAYMENTS_CATALOGUE_PATH``), or the default one; raises CatalogueError with
    every problem on its own line, naming where in the file it is."""
    source = path or DEFAULT_CATALOGUE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"{source}: cannot read the catalogue ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{source}: not valid TOML ({exc})") from None
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        problems = "\n".join(
            f"  {'.'.join(str(part) for part in error['loc']) or '(top)'}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise CatalogueError(f"{source}: the catalogue is not valid:\n{problems}") from None
