"""Interleaved medians for encode-to-a-budget (issue 14), 3840x2160 -> 1568 longer side, JPEG q90.

    python benchmarks/resize_ratios.py [--rounds 30] [--clock wall|thread]

Contenders take turns in a rotated order each round; medians over the rounds.
Wall clock by default: OpenCV's resize runs on its own thread pool
(cv2.getNumThreads() threads), which a thread-time clock would not count.

Also timed, to show where the time goes: frame64.resize on one thread, and
the JPEG compression + base64 alone at the small size (frame64 and cv2).

Targets:
  * frame64.encode(max_side=1568) >= 3x faster than cv2.resize(INTER_AREA) + cv2.imencode + base64;
  * frame64.encode(max_side=1568) / (cv2.resize(INTER_LINEAR) + cv2.imencode + base64) <= 1.0;
  * frame64.resize alone >= 4x faster than cv2.resize(INTER_AREA).
"""

from __future__ import annotations

import argparse
import base64
import statistics
import time
from typing import Any, Callable

import cv2
import numpy as np

import frame64
from frame64._sample import camera_frame

SIZE = (1568, 882)


def contenders(frame: np.ndarray) -> dict[str, Callable[[], object]]:
    params = [cv2.IMWRITE_JPEG_QUALITY, 90]
    small = frame64.resize(frame, max_side=1568)  # where the time goes: the compression alone, at the small size

    def cv2_path(interpolation: int) -> Callable[[], str]:
        def run() -> str:
            small = cv2.resize(frame, SIZE, interpolation=interpolation)
            return base64.b64encode(cv2.imencode(".jpg", small, params)[1]).decode("ascii")
        return run

    return {
        "frame64.encode(max_side=1568)": lambda: frame64.encode(frame, max_side=1568),
        "cv2 INTER_AREA + imencode + base64": cv2_path(cv2.INTER_AREA),
        "cv2 INTER_LINEAR + imencode + base64": cv2_path(cv2.INTER_LINEAR),
        "frame64.resize(max_side=1568)": lambda: frame64.resize(frame, max_side=1568),
        "cv2.resize INTER_AREA": lambda: cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA),
        "cv2.resize INTER_LINEAR": lambda: cv2.resize(frame, SIZE, interpolation=cv2.INTER_LINEAR),
        "frame64.resize(max_side=1568, threads=1)": lambda: frame64.resize(frame, max_side=1568, threads=1),
        "frame64.encode(1568x882 frame)": lambda: frame64.encode(small),
        "cv2.imencode + base64 (1568x882 frame)":
            lambda: base64.b64encode(cv2.imencode(".jpg", small, params)[1]).decode("ascii"),
    }


def interleaved(runs: dict[str, Callable[[], object]], rounds: int, clock: Callable[[], int]) -> dict[str, float]:
    times: dict[str, list[float]] = {label: [] for label in runs}
    labels = list(runs)
    for round_ in range(rounds):
        shift = round_ % len(labels)
        for label in labels[shift:] + labels[:shift]:
            start = clock()
            runs[label]()
            times[label].append((clock() - start) / 1e6)
    return {label: statistics.median(values) for label, values in times.items()}


def check(frame: np.ndarray) -> None:
    """Every contender gives a correct answer before it is timed."""
    ours = frame64.decode(frame64.encode(frame, max_side=1568))
    assert ours.shape == (882, 1568, 3)
    reference = cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA)
    assert int(np.abs(frame64.resize(frame, max_side=1568).astype(np.int16) - reference).max()) <= 1


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--clock", choices=["thread", "wall"], default="wall")
    args = parser.parse_args(argv)
    clock = time.thread_time_ns if args.clock == "thread" else time.perf_counter_ns
    frame = camera_frame(2160, 3840)
    check(frame)
    medians = interleaved(contenders(frame), args.rounds, clock)
    print(f"frame64 backend={frame64.backend} cv2={cv2.__version__} cv2 threads={cv2.getNumThreads()} "
          f"clock={args.clock}, {args.rounds} interleaved rounds, median ms")
    for label, value in medians.items():
        print(f"  {label:42s} {value:8.2f} ms")
    ours = medians["frame64.encode(max_side=1568)"]
    area = medians["cv2 INTER_AREA + imencode + base64"] / ours
    linear = ours / medians["cv2 INTER_LINEAR + imencode + base64"]
    resize = medians["cv2.resize INTER_AREA"] / medians["frame64.resize(max_side=1568)"]
    print(f"  INTER_AREA path / frame64 = {area:.2f}x (target >= 3)")
    print(f"  frame64 / INTER_LINEAR path = {linear:.2f} (target <= 1.0)")
    print(f"  cv2.resize INTER_AREA / frame64.resize = {resize:.2f}x (target >= 4)")


if __name__ == "__main__":
    main()
