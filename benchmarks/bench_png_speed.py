"""Issue 18's PNG contenders as pytest-benchmark groups (each result checked).

    python -m pytest benchmarks/bench_png_speed.py --benchmark-only --benchmark-group-by=group

Groups: 1920x1080 camera frame, frame64 levels 1-2 against OpenCV and
imagecodecs level 1; 3840x2160, frame64 level 1 with threads=1 and 2. The
ratios against the pre-issue baseline come from benchmarks/png_speed.py,
which loads that build beside this one.
"""

from __future__ import annotations

import base64
import os
import sys
from typing import Any

import cv2
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

pytest.importorskip("frame64._core", reason="the compiled backend frame64._core is not built")

from png_speed import contenders  # noqa: E402

from frame64._sample import camera_frame  # noqa: E402

HD = camera_frame(1080, 1920)
UHD = camera_frame(2160, 3840)
HD_RUNS = contenders(HD, None, (1,))
UHD_RUNS = {name: run for name, run in contenders(UHD, None, (1, 2)).items() if name.startswith("frame64 c1")}


def check(run: Any, image: np.ndarray) -> str:
    text: str = run()
    decoded = cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(decoded, image)
    return text


def test_the_issue_contenders_are_all_here() -> None:
    assert {"frame64 c1 threads=1", "frame64 c2 threads=1", "cv2 c1 + base64", "imagecodecs c1 + base64"} <= set(HD_RUNS)
    assert set(UHD_RUNS) == {"frame64 c1 threads=1", "frame64 c1 threads=2"}


@pytest.mark.parametrize("name", list(HD_RUNS))
def test_png_encode_1080p(benchmark: Any, name: str) -> None:
    benchmark.group = "png-issue18-1920x1080"
    text = check(HD_RUNS[name], HD)
    assert benchmark(HD_RUNS[name]) == text


@pytest.mark.parametrize("name", list(UHD_RUNS))
def test_png_encode_4k_threads(benchmark: Any, name: str) -> None:
    benchmark.group = "png-issue18-3840x2160-threads"
    text = check(UHD_RUNS[name], UHD)
    assert text == UHD_RUNS["frame64 c1 threads=1"]()  # the same bytes for every thread count
    assert benchmark(UHD_RUNS[name]) == text
