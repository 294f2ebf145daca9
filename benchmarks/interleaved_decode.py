"""Head-to-head decode timings, interleaved: every round times each contender
once, in a rotating order, so that CPU frequency drift and noisy neighbours hit
all of them alike; the table shows per-contender medians and ratios.

    python benchmarks/interleaved_decode.py [--rounds 60] [--sizes 1920x1080 ...] [--clock thread|wall]

The default clock is the calling thread's CPU time (every contender decodes
on the calling thread), which leaves out the time the OS gives to other
processes on a busy machine; --clock wall measures elapsed time.

Contenders are the ones of bench_decode.py; each result is checked against
OpenCV's decode once before timing.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import base64
from typing import Any, Callable

import cv2
import numpy as np
import pybase64
import simplejpeg
from turbojpeg import TurboJPEG

import frame64
from frame64 import _backend, _core, _fallback, _timing
from frame64._formats import TJFLAG_ACCURATEDCT, TJFLAG_LIMITSCANS
from frame64._sample import camera_frame

SIZES = {"640x480": (480, 640), "1920x1080": (1080, 1920), "3840x2160": (2160, 3840)}


def bare_tj_decompress(jpeg: bytes, shape: tuple[int, ...]) -> Callable[[], np.ndarray]:
    """tjDecompress2 of the system libturbojpeg through ctypes into a preallocated array: the bare
    decompress frame64.decode did before it read libjpeg's warning codes (same flags: accurate
    IDCT, smooth upsampling, the scan limit), with nothing else around it."""
    lib = ctypes.CDLL(ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0")
    lib.tjInitDecompress.restype = ctypes.c_void_p
    lib.tjDecompress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p] + [ctypes.c_int] * 5
    handle = lib.tjInitDecompress()
    dst = np.empty(shape, np.uint8)
    height, width = shape[:2]
    pointer = dst.ctypes.data
    flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS

    def run() -> np.ndarray:
        if lib.tjDecompress2(handle, jpeg, len(jpeg), pointer, width, 0, height, 1, flags) != 0:
            raise RuntimeError("tjDecompress2 failed")
        return dst

    return run


def contenders(text: str, jpeg: bytes, shape: tuple[int, ...]) -> dict[str, Callable[[], np.ndarray]]:
    turbo = TurboJPEG()
    out = np.empty(shape, np.uint8)
    bare_out = np.empty(shape, np.uint8)
    turbo_dst = np.empty(shape, np.uint8)
    simple_dst = np.empty(shape, np.uint8)

    def fallback() -> np.ndarray:
        with _backend.use(_fallback):
            return frame64.decode(text)

    return {
        "frame64 C++": lambda: frame64.decode(text),
        "frame64 C++ out=": lambda: frame64.decode(text, out=out),
        "frame64 fallback": fallback,
        "cv2 b64decode+imdecode": lambda: cv2.imdecode(
            np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_COLOR
        ),
        "PyTurboJPEG b64decode+decode": lambda: turbo.decode(base64.b64decode(text)),
        "simplejpeg pybase64+decode": lambda: simplejpeg.decode_jpeg(
            pybase64.b64decode(text), colorspace="BGR", fastdct=False, fastupsample=False
        ),
        "bare frame64 decompress": lambda: _core.decode_image_bytes(jpeg, 1, bare_out, 1 << 32, 1, True),
        "bare tjDecompress2": bare_tj_decompress(jpeg, shape),
        "bare PyTurboJPEG decompress": lambda: turbo.decode(jpeg, dst=turbo_dst),
        "bare simplejpeg decompress": lambda: simplejpeg.decode_jpeg(
            jpeg, colorspace="BGR", fastdct=False, fastupsample=False, buffer=simple_dst
        ),
    }


def measure(name: str, rounds: int, clock: _timing.Clock) -> dict[str, float]:
    height, width = SIZES[name]
    text = frame64.encode(camera_frame(height, width), quality=90, subsampling="420")
    jpeg = base64.b64decode(text)
    expected = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    runs = contenders(text, jpeg, expected.shape)
    for label, run in runs.items():
        result = run()
        assert np.array_equal(np.asarray(result).reshape(expected.shape), expected), label
    return {label: seconds * 1e3 for label, seconds in _timing.interleaved_medians(runs, rounds, clock).items()}


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--sizes", nargs="*", default=list(SIZES))
    parser.add_argument("--clock", choices=["thread", "wall"], default="thread")
    args = parser.parse_args(argv)
    clock = _timing.THREAD_CPU if args.clock == "thread" else _timing.WALL
    print(
        f"frame64 backend={frame64.backend} simd={frame64.simd} libturbojpeg={_core.turbojpeg_version} "
        f"clock={args.clock}"
    )
    for name in args.sizes:
        medians = measure(name, args.rounds, clock)
        ours = medians["frame64 C++"]
        bare = medians["bare frame64 decompress"]
        print(f"\n{name} ({args.rounds} interleaved rounds), median ms; ratio = contender / frame64 C++")
        for label, value in medians.items():
            print(f"  {label:32s} {value:8.3f} ms   x{value / ours:5.2f}")
        print(f"  frame64 C++ / bare frame64 decompress = {ours / bare:.3f}")
        print(f"  frame64 C++ out= / bare frame64 decompress = {medians['frame64 C++ out='] / bare:.3f}")
        tj = medians["bare tjDecompress2"]
        print(f"  bare frame64 decompress / bare tjDecompress2 = {bare / tj:.3f}")
        print(f"  frame64 C++ out= / bare tjDecompress2 = {medians['frame64 C++ out='] / tj:.3f}")
        print(f"  frame64 C++ / bare tjDecompress2 = {ours / tj:.3f}")


if __name__ == "__main__":
    main()
