"""Issue 18's threads target alone: 3840x2160 PNG level 1, threads=2 / threads=1.

Interleaved medians (frame64._timing), wall clock, warm-up first; the two
strings are checked to be identical (the bytes do not depend on threads).
Run on an otherwise idle machine: python benchmarks/png_threads.py [--rounds 40]
"""

from __future__ import annotations

import argparse

import frame64
from frame64._sample import camera_frame
from frame64._timing import interleaved_medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    frame = camera_frame(2160, 3840)
    one = frame64.encode(frame, format="png", threads=1)
    assert frame64.encode(frame, format="png", threads=2) == one, "threads changed the bytes"
    medians = interleaved_medians(
        {
            "threads=1": lambda: frame64.encode(frame, format="png", threads=1),
            "threads=2": lambda: frame64.encode(frame, format="png", threads=2),
        },
        rounds,
        warm_up=True,
    )
    for name, seconds in medians.items():
        print(f"{name:10s} {seconds * 1e3:8.2f} ms")
    print(f"threads=2 / threads=1 = {medians['threads=2'] / medians['threads=1']:.3f} (target <= 0.6)")


if __name__ == "__main__":
    main()
