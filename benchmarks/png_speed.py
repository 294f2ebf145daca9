"""Issue 18's PNG targets, from interleaved medians (contenders take turns in every round).

    python benchmarks/png_speed.py --baseline DIR [--rounds 15]

DIR holds the baseline build, frame64 as it was before issue 18 (main's
code), installed beside this one rather than kept callable inside it:

    git archive <baseline-ref> | tar -x -C /tmp/f64-base
    pip install --no-deps --no-build-isolation --target DIR /tmp/f64-base

Its ``_core`` extension is loaded under another module name, so both run in
one process on the same frames. Every output is decoded by OpenCV and must
equal the frame before anything is timed.

Targets (issue 18): at 1920x1080 (camera-like frame, sensor noise) frame64's
levels 1 and 2 take at most 0.5x the baseline's time at no more than 1.05x
its size; at 3840x2160, level 1 with threads=2 takes at most 0.6x the time
of threads=1. OpenCV (IMWRITE_PNG_COMPRESSION 1) and imagecodecs
``png_encode(level=1)`` run alongside; every contender includes the base64
step (frame64 writes base64 itself; the others use ``base64.b64encode``).
"""

from __future__ import annotations

import argparse
import base64
import glob
import importlib.machinery
import importlib.util
import os
import platform
import statistics
import sys
import time
from types import ModuleType
from typing import Callable

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from png_report import medians  # noqa: E402  (the interleaved medians of the PNG scripts)

from frame64 import _core  # noqa: E402
from frame64._sample import camera_frame  # noqa: E402

BGR = 1  # TJPF code of BGR


def load_baseline(directory: str) -> ModuleType:
    """The baseline build's compiled module, under the name frame64_baseline._core."""
    paths = glob.glob(os.path.join(directory, "frame64", "_core*.so")) + glob.glob(
        os.path.join(directory, "frame64", "_core*.pyd")
    )
    if not paths:
        raise SystemExit(f"--baseline: no frame64/_core extension under {directory}")
    loader = importlib.machinery.ExtensionFileLoader("frame64_baseline._core", paths[0])
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def contenders(image: np.ndarray, baseline: ModuleType | None, threads: tuple[int, ...]) -> dict[str, Callable[[], str]]:
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    def opencv() -> str:
        ok, png = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        assert ok
        return b64(png.tobytes())

    runs: dict[str, Callable[[], str]] = {}
    for level in (1, 2):
        if baseline is not None:
            runs[f"baseline c{level}"] = lambda level=level: baseline.encode_png(image, BGR, level, False)
        for count in threads:
            runs[f"frame64 c{level} threads={count}"] = lambda level=level, count=count: _core.encode_png(
                image, BGR, level, False, threads=count
            )
    runs["cv2 c1 + base64"] = opencv
    try:
        import imagecodecs

        rgb = np.ascontiguousarray(image[..., ::-1])  # imagecodecs writes the channels as given
        runs["imagecodecs c1 + base64"] = lambda: b64(imagecodecs.png_encode(rgb, level=1))
    except ImportError:
        print("(imagecodecs is not installed: its row is left out)")
    return runs


def check(image: np.ndarray, runs: dict[str, Callable[[], str]]) -> dict[str, int]:
    sizes = {}
    for name, run in runs.items():
        png = base64.b64decode(run())
        decoded = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
        assert np.array_equal(decoded, image), name
        sizes[name] = len(png)
    return sizes


def caller_cpu(runs: dict[str, Callable[[], str]], rounds: int) -> dict[str, float]:
    """Median CPU seconds of the calling thread per call, interleaved like medians().

    On a loaded machine this is the cost of the work itself (wall time adds
    the waits for a core); for threads=2 it is what the calling thread kept
    (about half, plus the serial join and base64).
    """
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.thread_time()
            run()
            cpu[name].append(time.thread_time() - start)
    return {name: statistics.median(values) for name, values in cpu.items()}


def table(label: str, image: np.ndarray, runs: dict[str, Callable[[], str]], rounds: int) -> dict[str, float]:
    sizes = check(image, runs)
    timed = medians(runs, rounds)
    cpu = caller_cpu(runs, rounds)
    print(f"\n### {label}\n")
    print("| contender | median ms | MP/s | PNG bytes | time vs baseline | size vs baseline | calling thread's CPU ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    megapixels = image.shape[0] * image.shape[1] / 1e6
    for name, seconds in timed.items():
        level = "c2" if " c2" in name else "c1"
        base = f"baseline {level}"
        ratio_t = f"{seconds / timed[base]:.3f}" if base in timed else ""
        ratio_s = f"{sizes[name] / sizes[base]:.4f}" if base in sizes else ""
        print(
            f"| {name} | {seconds * 1e3:.1f} | {megapixels / seconds:.0f} | {sizes[name]:,} | {ratio_t} | {ratio_s} "
            f"| {cpu[name] * 1e3:.1f} |"
        )
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="directory of the baseline build (see the module docstring)")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    baseline = load_baseline(args.baseline) if args.baseline else None
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, load average "
        f"{os.getloadavg()[0]:.1f}, PNG kernel {_core.png_simd()}, {args.rounds} rounds"
    )
    hd = camera_frame(1080, 1920)
    timed = table("1920x1080 camera frame", hd, contenders(hd, baseline, (1,)), args.rounds)
    uhd = camera_frame(2160, 3840)
    runs = contenders(uhd, baseline, (1, 2))
    runs = {k: v for k, v in runs.items() if " c2" not in k}
    timed4k = table("3840x2160 camera frame", uhd, runs, args.rounds)
    print("\n### targets\n")
    print("| figure | value | target | met |")
    print("|---|---:|---:|---|")
    if baseline is not None:
        for level in (1, 2):
            ratio = timed[f"frame64 c{level} threads=1"] / timed[f"baseline c{level}"]
            print(f"| 1080p c{level} time vs baseline | {ratio:.3f} | <= 0.5 | {'yes' if ratio <= 0.5 else 'no'} |")
    ratio = timed4k["frame64 c1 threads=2"] / timed4k["frame64 c1 threads=1"]
    print(f"| 4K c1 threads=2 vs threads=1 | {ratio:.3f} | <= 0.6 | {'yes' if ratio <= 0.6 else 'no'} |")
    print(
        "\nThe last column is not a target: on a loaded machine wall time says how many cores were free,"
        "\nCPU time how much work each contender did (threads=2: what the calling thread kept of it)."
    )


if __name__ == "__main__":
    main()
