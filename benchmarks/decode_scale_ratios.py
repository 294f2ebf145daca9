"""Issue 13's decode-at-scale targets as interleaved ratios: Decoder threads and scaled decode.

    python benchmarks/decode_scale_ratios.py [--rounds 15] [--frames 64] [--part batch|scale|both]

batch: ``Decoder(threads=2).decode_batch`` of N 1080p base64 JPEGs against
``threads=1`` (target: at least 1.8x the frames/s), and against PyTurboJPEG
and ``cv2.imdecode`` (each after ``base64.b64decode``) in a
``ThreadPoolExecutor(2)``; wall clock, since the work runs on two threads.

scale: ``frame64.decode(scale=1/2)`` of a 1080p frame against the full
decode (target: at most 0.75x) and against PyTurboJPEG's
``b64decode`` + ``decode(scaling_factor=(1, 2))`` (target: no slower);
the calling thread's CPU time. Also printed: PyTurboJPEG's own scaled /
full ratio, what libjpeg-turbo itself gives for the first target.

Every round times each contender once in a rotating order (frame64._timing);
the figures are medians. Every contender's arrays are checked equal to
frame64.decode's before timing.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
from typing import Any, Callable

import cv2
import numpy as np
from turbojpeg import TJFLAG_ACCURATEDCT, TurboJPEG

import frame64
from frame64 import _timing
from frame64._sample import camera_frame


def batch_contenders(texts: list[str]) -> dict[str, Callable[[], Any]]:
    one = frame64.Decoder(threads=1)
    two = frame64.Decoder(threads=2)
    out = np.empty((len(texts), 1080, 1920, 3), np.uint8)
    turbo = TurboJPEG()
    pool = concurrent.futures.ThreadPoolExecutor(2)

    def turbo_decode(text: str) -> np.ndarray:
        return turbo.decode(base64.b64decode(text), flags=TJFLAG_ACCURATEDCT)

    def cv2_decode(text: str) -> np.ndarray:
        return cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_COLOR)

    return {
        "Decoder(threads=1).decode_batch": lambda: one.decode_batch(texts),
        "Decoder(threads=1).decode_batch(out=)": lambda: one.decode_batch(texts, out=out),
        "Decoder(threads=2).decode_batch": lambda: two.decode_batch(texts),
        "Decoder(threads=2).decode_batch(out=)": lambda: two.decode_batch(texts, out=out),
        "PyTurboJPEG in ThreadPoolExecutor(2)": lambda: list(pool.map(turbo_decode, texts)),
        "cv2.imdecode in ThreadPoolExecutor(2)": lambda: list(pool.map(cv2_decode, texts)),
    }


def scale_contenders(text: str) -> dict[str, Callable[[], Any]]:
    turbo = TurboJPEG()
    return {
        "frame64.decode (full)": lambda: frame64.decode(text),
        "frame64.decode(scale=1/2)": lambda: frame64.decode(text, scale=0.5),
        "PyTurboJPEG b64decode+decode(1/2)": lambda: turbo.decode(
            base64.b64decode(text), scaling_factor=(1, 2), flags=TJFLAG_ACCURATEDCT
        ),
        "PyTurboJPEG b64decode+decode (full)": lambda: turbo.decode(base64.b64decode(text), flags=TJFLAG_ACCURATEDCT),
    }


def check(runs: dict[str, Callable[[], Any]], expected: Any, expected_full: Any = None) -> None:
    """Every contender's arrays equal frame64's: `expected` (a batch, or the
    scaled decode), and `expected_full` for the contenders labelled "full"."""
    for label, run in runs.items():
        got = run()
        if isinstance(expected, list):
            assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True)), label
        else:
            assert np.array_equal(got, expected_full if "full" in label else expected), label


def report(title: str, medians: dict[str, float], unit: str, scale: float) -> None:
    print(f"\n{title}")
    for label, value in medians.items():
        print(f"  {label:42s} {value * scale:9.2f} {unit}")


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--frames", type=int, default=64)
    parser.add_argument("--part", choices=["batch", "scale", "both"], default="both")
    args = parser.parse_args(argv)
    print(f"frame64 backend={frame64.backend} simd={frame64.simd}")
    if args.part in ("batch", "both"):
        texts = [frame64.encode(camera_frame(1080, 1920, seed=i % 8)) for i in range(args.frames)]
        runs = batch_contenders(texts)
        check(runs, [frame64.decode(t) for t in texts])
        medians = _timing.interleaved_medians(runs, args.rounds, _timing.WALL)
        report(f"{args.frames} x 1920x1080 JPEG q90 4:2:0, {args.rounds} interleaved rounds, median wall ms per batch",
               medians, "ms", 1e3)
        two, one = medians["Decoder(threads=2).decode_batch"], medians["Decoder(threads=1).decode_batch"]
        print(f"  frames/s threads=2 / threads=1 = {one / two:.3f} (target >= 1.8)")
        one_out = medians["Decoder(threads=1).decode_batch(out=)"]
        print(f"  with out=: threads=2 / threads=1 = {one_out / medians['Decoder(threads=2).decode_batch(out=)']:.3f}")
        for peer in ("PyTurboJPEG in ThreadPoolExecutor(2)", "cv2.imdecode in ThreadPoolExecutor(2)"):
            print(f"  {peer} / Decoder(threads=2) = {medians[peer] / two:.3f} (target > 1)")
    if args.part in ("scale", "both"):
        text = frame64.encode(camera_frame(1080, 1920, seed=3))
        runs = scale_contenders(text)
        check(runs, frame64.decode(text, scale=0.5), frame64.decode(text))
        medians = _timing.interleaved_medians(runs, args.rounds * 4, _timing.THREAD_CPU)
        report(f"1920x1080 JPEG q90 4:2:0, {args.rounds * 4} interleaved rounds, median thread-CPU ms", medians, "ms", 1e3)
        half = medians["frame64.decode(scale=1/2)"]
        print(f"  scale=1/2 / full = {half / medians['frame64.decode (full)']:.3f} (target <= 0.75)")
        turbo_half = medians["PyTurboJPEG b64decode+decode(1/2)"]
        print(f"  scale=1/2 / PyTurboJPEG 1/2 = {half / turbo_half:.3f} (target <= 1)")
        print(f"  PyTurboJPEG 1/2 / its full decode = {turbo_half / medians['PyTurboJPEG b64decode+decode (full)']:.3f} "
              "(libjpeg-turbo's own ratio: the same Huffman decoding at every scale)")


if __name__ == "__main__":
    main()
