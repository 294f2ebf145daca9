"""The compiled encode_yuv's own guard: planes that bypass frame64._yuv cannot make it read out of bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

core = pytest.importorskip("frame64._core")
Y, C = np.zeros((4, 4), np.uint8), np.zeros((2, 2), np.uint8)


def call(planes: Any, layout: int = 0, width: int = 4, height: int = 4, subsampling: int = 2) -> str:
    return core.encode_yuv(planes, layout, width, height, 0, 0, 90, subsampling, False, False, False)  # type: ignore[no-any-return]


@pytest.mark.parametrize("planes,layout,width,height,subsampling,error,message", [
    ((Y, C), 0, 4, 4, 2, ValueError, "expected 3 plane(s), got 2"),
    ((Y, C[:1], C), 0, 4, 4, 2, ValueError, "image plane 1: expected shape (2, 2)"),
    ((Y[::-1], C, C), 0, 4, 4, 2, ValueError, "rows must be at a positive pitch"),
    ((Y[:, ::2], C, C), 0, 2, 4, 2, ValueError, "each row must be contiguous"),
    ((Y.astype(np.uint16), C, C), 0, 4, 4, 2, TypeError, "expected uint8 samples"),
    ((Y, C, C), 0, 4, 4, 1, ValueError, "subsampling: this YUV layout compresses to TJSAMP 2"),
    ((Y, C, C), 0, 5, 4, 2, ValueError, "image plane 0: expected shape (4, 5)"),
    ((np.zeros((4, 6), np.uint8),), 2, 3, 4, 1, ValueError, "packed 4:2:2 rows need an even width"),
    ((Y, C, C), 9, 4, 4, 2, ValueError, "unknown YUV layout 9"),
    ((Y, C, C), 0, 0, 4, 2, ValueError, "outside 1..65500"),
    ((Y, "not a buffer", C), 0, 4, 4, 2, TypeError, "image plane 1: expected a buffer"),
])
def test_guard(planes: Any, layout: int, width: int, height: int, subsampling: int, error: type,
               message: str) -> None:
    with pytest.raises(error) as info:
        call(planes, layout, width, height, subsampling)
    assert message in str(info.value)


def test_guard_passes_good_planes() -> None:
    assert call((Y, C, C)).startswith("/9j/")
