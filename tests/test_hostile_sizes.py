"""Hostile sizes: refused before any allocation.

JPEG stores each side in 16 bits (ITU T.81 B.2.2), and libjpeg-turbo refuses
sides over JPEG_MAX_DIMENSION = 65500, so frame64 refuses those as bad input
(a ValueError) rather than failing inside the compressor. The frames here are np.broadcast_to views of one pixel: their shape
is huge but they own a few bytes, so the tests themselves allocate nothing
big, and tracemalloc (which numpy reports to) proves frame64 did not either.
"""

from __future__ import annotations

import tracemalloc
from typing import Callable

import numpy as np
import pytest

import frame64

PIXEL = np.zeros((1, 1, 4), np.uint8)
# Refusing must cost at most a few small Python objects (the exception, its message).
MAX_ALLOCATED_BYTES = 64 * 1024

HUGE_SHAPES = [(65501, 1), (1, 65535), (65536, 1), (70000, 70000), (2**31, 8), (8, 2**40)]


def view(height: int, width: int, channels: int) -> np.ndarray:
    return np.broadcast_to(PIXEL[:, :, :channels], (height, width, channels))


def peak_allocation(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        with pytest.raises(ValueError, match="65500"):
            call()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", HUGE_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("pixel_format,channels", [("BGR", 3), ("BGRA", 4), ("GRAY", 1)])
def test_encode_refuses_a_side_over_65500_before_allocating(shape: tuple[int, int], pixel_format: str,
                                                             channels: int) -> None:
    frame = view(*shape, channels)
    assert not frame.flags.owndata and frame.nbytes > 65500  # a view that owns nothing
    assert peak_allocation(lambda: frame64.encode(frame, pixel_format=pixel_format)) < MAX_ALLOCATED_BYTES


@pytest.mark.parametrize("shape", HUGE_SHAPES[:4], ids=lambda s: "x".join(map(str, s)))
def test_core_refuses_a_side_over_65500_itself(shape: tuple[int, int]) -> None:
    """The C++ core's own guard, for callers that skip the Python checks."""
    core = pytest.importorskip("frame64._core")
    frame = view(*shape, 3)
    assert peak_allocation(lambda: core.encode_jpeg(frame, 1, 90, 2, False, False, False)) < MAX_ALLOCATED_BYTES


@pytest.mark.parametrize("shape", [(65500, 2), (2, 65500)])
def test_a_side_of_exactly_65500_still_encodes(shape: tuple[int, int]) -> None:
    frame = np.full(shape + (3,), 77, np.uint8)
    text = frame64.encode(frame, quality=50)
    assert text.startswith("/9j/")
