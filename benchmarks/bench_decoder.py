"""pytest-benchmark: frame64.Decoder batches and scaled decode (issue 13), against peers.

Every benchmark checks its arrays against frame64.decode's. Run for figures:

    python -m pytest benchmarks/bench_decoder.py --benchmark-only \\
        --benchmark-group-by=group --benchmark-columns=median,iqr,ops

and with --benchmark-disable as a plain correctness pass. The ratios of the
issue's targets, interleaved: benchmarks/decode_scale_ratios.py.
"""

from __future__ import annotations

import base64
import concurrent.futures
from typing import Any, Callable

import cv2
import numpy as np
import pytest
from turbojpeg import TJFLAG_ACCURATEDCT, TurboJPEG

import frame64
from frame64._sample import camera_frame

FRAMES = 16


@pytest.fixture(scope="module")
def batch() -> dict[str, Any]:
    texts = [frame64.encode(camera_frame(1080, 1920, seed=i % 4)) for i in range(FRAMES)]
    return {"texts": texts, "expected": [frame64.decode(t) for t in texts]}


def _run_batch(benchmark: Any, batch: dict[str, Any], function: Callable[[], list[np.ndarray]]) -> None:
    benchmark.group = f"decode {FRAMES} x 1920x1080"
    result = benchmark(function)
    assert all(np.array_equal(a, b) for a, b in zip(result, batch["expected"], strict=True))


@pytest.mark.parametrize("threads", [1, 2])
def test_decoder_batch(benchmark: Any, batch: dict[str, Any], threads: int) -> None:
    decoder = frame64.Decoder(threads=threads)
    _run_batch(benchmark, batch, lambda: decoder.decode_batch(batch["texts"]))


def test_decoder_batch_into_out(benchmark: Any, batch: dict[str, Any]) -> None:
    decoder = frame64.Decoder(threads=2)
    out = np.empty((FRAMES, 1080, 1920, 3), np.uint8)
    _run_batch(benchmark, batch, lambda: list(decoder.decode_batch(batch["texts"], out=out)))


def test_pyturbojpeg_thread_pool(benchmark: Any, batch: dict[str, Any]) -> None:
    turbo = TurboJPEG()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        run = lambda t: turbo.decode(base64.b64decode(t), flags=TJFLAG_ACCURATEDCT)  # noqa: E731
        _run_batch(benchmark, batch, lambda: list(pool.map(run, batch["texts"])))


def test_cv2_imdecode_thread_pool(benchmark: Any, batch: dict[str, Any]) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        run = lambda t: cv2.imdecode(np.frombuffer(base64.b64decode(t), np.uint8), cv2.IMREAD_COLOR)  # noqa: E731
        _run_batch(benchmark, batch, lambda: list(pool.map(run, batch["texts"])))


@pytest.fixture(scope="module")
def frame_text() -> str:
    return frame64.encode(camera_frame(1080, 1920, seed=3))


@pytest.mark.parametrize("scale", [1, 0.5, 0.25, 0.125])
def test_frame64_scaled_decode(benchmark: Any, frame_text: str, scale: float) -> None:
    benchmark.group = "scaled decode 1920x1080"
    result = benchmark(lambda: frame64.decode(frame_text, scale=scale))
    factor = None if scale == 1 else (1, round(1 / scale))
    oracle = TurboJPEG().decode(base64.b64decode(frame_text), scaling_factor=factor, flags=TJFLAG_ACCURATEDCT)
    assert np.array_equal(result, oracle)


def test_pyturbojpeg_scaled_decode(benchmark: Any, frame_text: str) -> None:
    benchmark.group = "scaled decode 1920x1080"
    turbo = TurboJPEG()
    result = benchmark(lambda: turbo.decode(base64.b64decode(frame_text), scaling_factor=(1, 2), flags=TJFLAG_ACCURATEDCT))
    assert np.array_equal(result, frame64.decode(frame_text, scale=0.5))
