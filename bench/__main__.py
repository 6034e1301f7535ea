"""``make bench``: every benchmark, each beside its baseline, figures appended to docs/benchmarks.md.

``python -m bench`` runs them all; ``python -m bench ingress`` runs one.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("ingress", "story", "kisscam", "taps", "payments")


def main(argv: list[str]) -> None:
    chosen = argv or list(BENCHMARKS)
    for name in chosen:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        print(f"== bench {name} ==", flush=True)
        importlib.import_module(f"bench.{name}.run").main()


if __name__ == "__main__":
    main(sys.argv[1:])
