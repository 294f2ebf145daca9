"""pytest-benchmark: one JPEG decoded across threads in bands (issue 13).

A camera_frame written by frame64.encode(threads=2), decoded with threads=1
and threads=2; every benchmark checks its array against the one-thread
decode and cv2.imdecode. Run for figures:

    python -m pytest benchmarks/bench_decode_bands.py --benchmark-only \\
        --benchmark-group-by=group --benchmark-columns=median,iqr,ops

and with --benchmark-disable as a plain correctness pass. The ratios of the
issue's targets, interleaved: benchmarks/decode_bands.py.
"""

from __future__ import annotations

import base64
from typing import Any

import cv2
import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

SIZES = {"1920x1080": (1080, 1920), "3840x2160": (2160, 3840)}


@pytest.fixture(scope="module", params=list(SIZES))
def case(request: pytest.FixtureRequest) -> dict[str, Any]:
    height, width = SIZES[request.param]
    text = frame64.encode(camera_frame(height, width), threads=2)
    expected = cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_COLOR)
    return {"name": request.param, "text": text, "expected": expected}


@pytest.mark.parametrize("threads", [1, 2])
def test_decode_threads(benchmark: Any, case: dict[str, Any], threads: int) -> None:
    benchmark.group = f"decode {case['name']} written with threads=2"
    text = case["text"]
    result = benchmark(lambda: frame64.decode(text, threads=threads))
    assert np.array_equal(result, case["expected"])
