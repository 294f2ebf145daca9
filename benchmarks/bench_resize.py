"""pytest-benchmark groups for issue 14: 4K -> 1568 longer side (run once as checks under --benchmark-disable)."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

cv2 = pytest.importorskip("cv2")
SIZE = (1568, 882)


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    return camera_frame(2160, 3840)


@pytest.mark.benchmark(group="resize-4k-1568")
@pytest.mark.parametrize("contender", ["frame64", "cv2-area", "cv2-linear"])
def test_resize(benchmark: Any, frame: np.ndarray, contender: str) -> None:
    run = {
        "frame64": lambda: frame64.resize(frame, max_side=1568),
        "cv2-area": lambda: cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA),
        "cv2-linear": lambda: cv2.resize(frame, SIZE, interpolation=cv2.INTER_LINEAR),
    }[contender]
    result = benchmark(run)
    assert result.shape == (882, 1568, 3)
    if contender == "frame64":
        reference = cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA)
        assert int(np.abs(result.astype(np.int16) - reference).max()) <= 1


@pytest.mark.benchmark(group="resize-4k-1568-threads")
@pytest.mark.parametrize("threads", [1, 2, None])
def test_resize_threads(benchmark: Any, frame: np.ndarray, threads: int | None) -> None:
    result = benchmark(lambda: frame64.resize(frame, max_side=1568, threads=threads))
    np.testing.assert_array_equal(result, frame64.resize(frame, max_side=1568, threads=1))


@pytest.mark.benchmark(group="encode-4k-1568-q90")
@pytest.mark.parametrize("contender", ["frame64", "cv2-area", "cv2-linear"])
def test_encode_to_1568(benchmark: Any, frame: np.ndarray, contender: str) -> None:
    def cv2_path(interpolation: int) -> str:
        small = cv2.resize(frame, SIZE, interpolation=interpolation)
        return base64.b64encode(cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 90])[1]).decode("ascii")

    run = {
        "frame64": lambda: frame64.encode(frame, max_side=1568, quality=90),
        "cv2-area": lambda: cv2_path(cv2.INTER_AREA),
        "cv2-linear": lambda: cv2_path(cv2.INTER_LINEAR),
    }[contender]
    text = benchmark(run)
    assert frame64.decode(text).shape == (882, 1568, 3)
