"""``make bench``: every benchmark, each beside its baseline, figures appended to docs/benchmarks.md.

``python -m bench`` runs them all; ``python -m bench ingress`` runs one.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "ingress": "bench.ingress.run",
    "story": "bench.story.run",
    "kisscam": "bench.kisscam.run",
    "kisscam-jobs": "bench.kisscam.jobs",
    "taps": "bench.taps.run",
    "payments": "bench.payments.run",
}


def main(argv: list[str]) -> None:
    chosen = argv or list(BENCHMARKS)
    for name in chosen:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        print(f"== bench {name} ==", flush=True)
        importlib.import_module(BENCHMARKS[name]).main()


if __name__ == "__main__":
    main(sys.argv[1:])
