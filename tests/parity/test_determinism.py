"""Determinism: the same input gives the same string everywhere.

Across processes (fresh interpreters with different hash seeds), across the
threads that run it, across the base64 kernels, across single and batch
calls, and across the two backends.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np
import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame

REQUESTS: list[tuple[str, tuple[int, int, int], dict[str, Any]]] = [
    ("camera-420", (48, 64, 3), {}),
    ("camera-444-q100", (33, 47, 3), {"subsampling": "444", "quality": 100}),
    ("camera-progressive", (40, 40, 3), {"progressive": True, "data_uri": True}),
    ("camera-fast-dct", (17, 90, 3), {"fast_dct": True, "quality": 60}),
    ("gray", (31, 29, 1), {"pixel_format": "GRAY"}),
    ("bgra-422", (24, 56, 4), {"pixel_format": "BGRA", "subsampling": "422"}),
    # Split into strips with restart markers: the bytes depend on threads by
    # design (see frame64.Encoder), but are the same for the same threads.
    ("camera-threads-2", (600, 800, 3), {"threads": 2}),
    ("camera-threads-3-444", (480, 704, 3), {"threads": 3, "subsampling": "444"}),
    ("png", (45, 61, 3), {"format": "png"}),
    ("png-level-9-bgra", (20, 30, 4), {"format": "png", "compression": 9, "pixel_format": "BGRA"}),
]
# PNG bytes are identical across backends only at compression 0 (another deflate).
SAME_ON_BOTH_BACKENDS = [name for name, _, options in REQUESTS if options.get("format") != "png"]


def frame_for(shape: tuple[int, int, int]) -> Any:
    height, width, channels = shape
    return camera_frame(height, width, channels)


def encode_all() -> dict[str, str]:
    return {name: frame64.encode(frame_for(shape), **options) for name, shape, options in REQUESTS}


def digests(strings: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256(text.encode()).hexdigest() for name, text in strings.items()}


def with_fallback(call: Callable[[], Any]) -> Any:
    with _backend.use(_fallback):
        return call()


CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
import test_determinism as t
print(json.dumps(t.digests(t.encode_all())))
"""


@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_same_strings_in_fresh_processes(backend: str) -> None:
    if backend == "cpp":
        pytest.importorskip("frame64._core")
    expected = digests(encode_all() if backend == frame64.backend else with_fallback(encode_all))
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    for seed in ("1", "2"):
        env = dict(os.environ, FRAME64_BACKEND=backend, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", CHILD, tests_dir], capture_output=True, text=True, env=env,
                              check=True)
        assert json.loads(done.stdout) == expected, f"a fresh {backend} process (hash seed {seed}) differs"


def test_both_backends_give_the_same_strings() -> None:
    pytest.importorskip("frame64._core")
    cpp, python = encode_all(), with_fallback(encode_all)
    assert {n: cpp[n] for n in SAME_ON_BOTH_BACKENDS} == {n: python[n] for n in SAME_ON_BOTH_BACKENDS}
    for name in set(cpp) - set(SAME_ON_BOTH_BACKENDS):  # PNG: other bytes, the same pixels
        assert np.array_equal(frame64.decode(cpp[name], pixel_format="RGBA"),
                              frame64.decode(python[name], pixel_format="RGBA"))


@pytest.mark.parametrize("backend", ["cpp", "python"])
@pytest.mark.parametrize("threads", [1, 2, 8])
def test_batches_equal_single_calls_for_any_thread_count(backend: str, threads: int) -> None:
    if backend == "cpp":
        pytest.importorskip("frame64._core")
    frames = [frame_for(shape) for _, shape, _ in REQUESTS[:2]] + [camera_frame(600, 800), camera_frame(9, 7)]

    def run() -> tuple[list[str], list[str], list[str]]:
        encoder = frame64.Encoder(quality=85, threads=threads)
        single = [frame64.encode(frame, quality=85) for frame in frames]
        return single, encoder.encode_batch(frames), list(encoder.imap(iter(frames)))

    single, batch, streamed = run() if backend == frame64.backend else with_fallback(run)
    assert batch == single
    assert streamed == single


@pytest.mark.parametrize("threads", [2, 3, 8])
def test_split_frames_decode_to_the_single_thread_pixels(threads: int) -> None:
    frame = camera_frame(600, 800)
    one = frame64.decode(frame64.encode(frame))
    assert np.array_equal(frame64.decode(frame64.encode(frame, threads=threads)), one)
    assert frame64.encode(frame, threads=threads) == frame64.Encoder(threads=threads, split_frames=True).encode(frame)


@pytest.mark.parametrize("workers", [1, 2, 8])
def test_same_strings_from_any_number_of_threads(workers: int) -> None:
    expected = encode_all()
    jobs = [(name, shape, options) for name, shape, options in REQUESTS] * 4
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda job: (job[0], frame64.encode(frame_for(job[1]), **job[2])), jobs))
    assert results == [(name, expected[name]) for name, _, _ in jobs]


def test_same_strings_with_every_base64_kernel() -> None:
    core = pytest.importorskip("frame64._core")
    try:
        kernels = list(core.supported_simd())
    except TypeError:  # the skeleton's binding could not convert the list (no pybind11/stl.h)
        kernels = [core.simd()]
    reference = encode_all()
    try:
        for kernel in kernels:
            core.set_simd(kernel)
            assert encode_all() == reference, f"kernel {kernel} changed a string"
    finally:
        core.set_simd("auto")
