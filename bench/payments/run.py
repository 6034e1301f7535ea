"""``python -m bench payments``: each payments benchmark present in this package, in turn."""

from __future__ import annotations

import importlib

PARTS = ("notifications", "holds")


def main() -> None:
    for part in PARTS:
        try:
            module = importlib.import_module(f"bench.payments.{part}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.payments.{part}":
                continue  # not written yet
            raise
        module.main()
