"""Runs every part of the payments benchmark, in the order of ``bench.payments.PARTS``."""

from __future__ import annotations

import importlib

from bench.payments import PARTS


def main() -> None:
    for part in PARTS:
        print(f"-- payments {part} --", flush=True)
        importlib.import_module(f"bench.payments.{part}").main()


if __name__ == "__main__":
    main()
