"""Per-thread JPEG output buffers: kept up to 64 MiB, released after a larger frame (issue 16).

Each thread compresses into a buffer of the frame's worst-case JPEG size
(tjBufSize: 6 bytes a pixel at 4:4:4) and keeps it for its next frame, so
a video loop allocates nothing; a buffer over
JpegCompressor::kKeepBufferBytes (64 MiB, cpp/jpeg/jpeg_encoder.hpp) is freed
once its JPEG has been copied out. What a buffer costs in RSS is the pages
libjpeg wrote, about the JPEG's size, so uniform noise at quality 100 makes
that large enough to measure. Each case runs in a fresh process; the
strings are over glibc's 32 MiB mmap ceiling, so freeing them returns their
pages, and what stays resident after the call is the buffer. YUV input
compresses on the same per-thread compressor (cpp/jpeg/yuv_encoder.cpp), so
the same rule holds for it, at its 4:2:0 worst case.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHILD = r"""
import gc, json, sys
import numpy as np
import frame64
from frame64 import _backend

side, backend, via = int(sys.argv[1]), sys.argv[2], sys.argv[3]
frame = np.random.default_rng(0).integers(0, 256, (side, side, 3), np.uint8)
_backend.use(backend).__enter__()  # for the rest of this process
core = _backend.current()
pool = core.BatchEncoder(2)
TJPF, TJSAMP = core.TJPF, core.TJSAMP
def planes(image):  # noise I420 planes (YUV input shares the compressor and its buffer)
    return (image[:, :, 0], image[::2, ::2, 1], image[::2, ::2, 2])
def yuv_frame(image):
    return frame64._yuv.prepare_yuv(planes(image), "I420", "full", None, 1 << 40)
encode = {
    "encode": lambda image: frame64.encode(image, quality=100, subsampling="444"),
    "worker": lambda image: pool.encode(image, TJPF["BGR"], 100, TJSAMP["444"], False, False, False, 0),
    "yuv": lambda image: frame64.encode(planes(image), pixel_format="I420", yuv_range="full", quality=100),
    "yuv-worker": lambda image: pool.encode_yuv(yuv_frame(image), 100, False, False, False, 0),
}[via]
worst = side * side * (3 if via.startswith("yuv") else 6) + 2048  # tjBufSize at 4:2:0 or 4:4:4
encode(frame[:64, :64])  # thread state and imports before the measurement
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
gc.collect()
before = rss()
text = encode(frame)
jpeg_bytes = len(text) * 3 // 4
# What the encoder kept besides the str it returned, measured with that str
# still alive: its freed pages are not always given back at once (the
# free-threaded build's mimalloc keeps them), and they are not the encoder's.
print(json.dumps({"jpeg": jpeg_bytes, "kept": rss() - before - len(text), "worst": worst}))
"""

KEEP_BYTES = 64 << 20
RELEASED_SIDE = 3400  # worst case 3400 * 3400 * 6 + 2048 = 69.4 MB, over 64 MiB (67.1 MB)
KEPT_SIDE = 3300  # 65.3 MB, under it
# YUV input (4:2:0, 3 bytes a pixel worst case): 4800 -> 69.1 MB, over; 4700 -> 66.3 MB, under.
SIDES = {"encode": (RELEASED_SIDE, KEPT_SIDE), "worker": (RELEASED_SIDE, KEPT_SIDE), "yuv": (4800, 4700),
         "yuv-worker": (4800, 4700)}


def measure(side: int, backend: str, via: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(side), backend, via], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("via", list(SIDES))
@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_a_buffer_over_64_mib_is_released_after_its_frame(backend: str, via: str) -> None:
    if backend == "cpp":
        pytest.importorskip("frame64._core")
    result = measure(SIDES[via][0], backend, via)
    assert result["worst"] > KEEP_BYTES
    assert result["jpeg"] > 30 << 20  # big enough that a kept buffer shows
    assert result["kept"] < result["jpeg"] // 8, result


@pytest.mark.parametrize("via", list(SIDES))
def test_a_buffer_under_64_mib_is_kept_for_the_next_frame(via: str) -> None:
    pytest.importorskip("frame64._core")
    result = measure(SIDES[via][1], "cpp", via)
    assert result["worst"] < KEEP_BYTES
    assert result["kept"] > result["jpeg"] // 2, result
