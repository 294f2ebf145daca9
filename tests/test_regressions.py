"""Regression tests for bugs found by the hardening work (fuzzing, stress runs).

Each test names how the bug was found and where it was fixed.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import frame64
from frame64 import _fallback
from frame64._sample import camera_frame

FLAT = np.full((16, 16, 3), 128, np.uint8)
NOISY = np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)


def _on_fresh_thread(call):  # type: ignore[no-untyped-def]
    result = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    thread.join()
    return result[0]


def _fallback_encode(image: np.ndarray, **options: object) -> str:
    saved = frame64._impl
    frame64._impl = _fallback
    try:
        return frame64.encode(image, **options)
    finally:
        frame64._impl = saved


@pytest.mark.parametrize("previous", [FLAT, camera_frame(40, 48)], ids=["after-flat", "after-camera"])
@pytest.mark.parametrize("subsampling", ["420", "444"])
def test_baseline_after_progressive_on_the_same_thread(previous: np.ndarray, subsampling: str) -> None:
    """Found by tests/test_concurrency.py; fixed in cpp/jpeg/jpeg_encoder.cpp
    (TurboCompressor::compress). A progressive compression left its optimised
    Huffman tables in the thread's TurboJPEG handle and the next baseline JPEG
    reused them: a different string, and a corrupt JPEG when the new image had
    symbols the previous one lacked."""
    fresh = _on_fresh_thread(lambda: frame64.encode(NOISY, subsampling=subsampling))

    def sequence() -> str:
        frame64.encode(previous, progressive=True, subsampling=subsampling)
        return frame64.encode(NOISY, subsampling=subsampling)

    assert _on_fresh_thread(sequence) == fresh
    assert fresh == _fallback_encode(NOISY, subsampling=subsampling)


def test_progressive_after_baseline_and_gray_after_color() -> None:
    """The same handle cycles through every mode and still matches fresh calls."""
    requests = [
        (NOISY, {"progressive": True}),
        (FLAT, {}),
        (NOISY[:, :, 0], {"pixel_format": "GRAY", "progressive": True}),
        (NOISY, {"subsampling": "444", "fast_dct": True}),
        (FLAT, {"progressive": True, "quality": 100}),
        (NOISY, {"subsampling": "411"}),
    ]
    expected = [_on_fresh_thread(lambda i=i, o=o: frame64.encode(i, **o)) for i, o in requests]
    assert _on_fresh_thread(lambda: [frame64.encode(i, **o) for i, o in requests * 2]) == expected * 2
