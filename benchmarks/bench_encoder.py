"""Video-pipeline throughput and latency of frame64.Encoder (issue 6).

Every contender does the whole job: BGR frame -> base64 JPEG str, quality 90,
4:2:0, accurate DCT. Peers are PyTurboJPEG and OpenCV, each spread over a
ThreadPoolExecutor(2) for throughput, as users do today.

Figures:
    python -m pytest benchmarks/bench_encoder.py --benchmark-only \
        --benchmark-group-by=group --benchmark-columns=median,iqr,ops
and, for the head-to-head ratios, benchmarks/encoder_throughput.py.
"""

from __future__ import annotations

import base64
import concurrent.futures
from collections.abc import Callable, Iterator
from typing import Any

import cv2
import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

turbojpeg = pytest.importorskip("turbojpeg")

QUALITY = 90
BATCH = 64
DISTINCT = 8  # distinct frames, repeated to make the batch (each is far larger than any cache)


@pytest.fixture(scope="module")
def batch() -> list[np.ndarray]:
    frames = [camera_frame(1080, 1920, seed=i) for i in range(DISTINCT)]
    return [frames[i % DISTINCT] for i in range(BATCH)]


@pytest.fixture(scope="module")
def turbo() -> Any:
    return turbojpeg.TurboJPEG()


@pytest.fixture(scope="module")
def pool2() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        yield pool


def pyturbojpeg_str(turbo: Any) -> Callable[[np.ndarray], str]:
    def encode(frame: np.ndarray) -> str:
        jpeg = turbo.encode(
            frame, quality=QUALITY, jpeg_subsample=turbojpeg.TJSAMP_420, flags=turbojpeg.TJFLAG_ACCURATEDCT
        )
        return base64.b64encode(jpeg).decode("ascii")

    return encode


def cv2_str(frame: np.ndarray) -> str:
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    assert ok
    return base64.b64encode(jpeg).decode("ascii")


def check_batch(texts: list[str], frames: list[np.ndarray]) -> None:
    assert len(texts) == len(frames)
    for k in sorted({0, min(DISTINCT, len(frames)) - 1, len(frames) - 1}):
        decoded = cv2.imdecode(np.frombuffer(base64.b64decode(texts[k]), np.uint8), cv2.IMREAD_COLOR)
        assert decoded.shape == frames[k].shape
        assert np.abs(decoded.astype(np.int16) - frames[k]).mean() < 3.0


# --- throughput: a batch of 64 frames at 1920x1080 ---------------------------


@pytest.mark.benchmark(group="encoder-batch-64x1080p")
@pytest.mark.parametrize("threads", [1, 2])
def test_frame64_encode_batch(benchmark: Any, batch: list[np.ndarray], threads: int) -> None:
    encoder = frame64.Encoder(quality=QUALITY, threads=threads)
    texts = benchmark(encoder.encode_batch, batch)
    check_batch(texts, batch)
    assert texts[:DISTINCT] == [frame64.encode(f, quality=QUALITY) for f in batch[:DISTINCT]]


@pytest.mark.benchmark(group="encoder-batch-64x1080p")
def test_frame64_imap(benchmark: Any, batch: list[np.ndarray]) -> None:
    encoder = frame64.Encoder(quality=QUALITY, threads=2)
    texts = benchmark(lambda: list(encoder.imap(batch)))
    check_batch(texts, batch)


@pytest.mark.benchmark(group="encoder-batch-64x1080p")
def test_pyturbojpeg_threadpool2(
    benchmark: Any, batch: list[np.ndarray], turbo: Any, pool2: concurrent.futures.ThreadPoolExecutor
) -> None:
    texts = benchmark(lambda: list(pool2.map(pyturbojpeg_str(turbo), batch)))
    check_batch(texts, batch)


@pytest.mark.benchmark(group="encoder-batch-64x1080p")
def test_cv2_threadpool2(benchmark: Any, batch: list[np.ndarray], pool2: concurrent.futures.ThreadPoolExecutor) -> None:
    texts = benchmark(lambda: list(pool2.map(cv2_str, batch)))
    check_batch(texts, batch)


# --- latency: one frame, split across threads ----------------------------------


@pytest.fixture(scope="module", params=[(1080, 1920), (2160, 3840)], ids=["1080p", "4k"])
def one_frame(request: pytest.FixtureRequest) -> np.ndarray:
    return camera_frame(*request.param, seed=1)


@pytest.mark.benchmark(group="encoder-latency")
@pytest.mark.parametrize("threads", [1, 2])
def test_frame64_encode_latency(benchmark: Any, one_frame: np.ndarray, threads: int) -> None:
    text = benchmark(frame64.encode, one_frame, quality=QUALITY, threads=threads)
    check_batch([text], [one_frame])
    jpeg = base64.b64decode(text)
    assert (b"\xff\xdd" in jpeg[:700]) == (threads > 1)  # DRI only in the split frame


@pytest.mark.benchmark(group="encoder-latency")
def test_pyturbojpeg_latency(benchmark: Any, one_frame: np.ndarray, turbo: Any) -> None:
    text = benchmark(pyturbojpeg_str(turbo), one_frame)
    assert text == frame64.encode(one_frame, quality=QUALITY)  # same bytes as the single-thread path


def test_restart_marker_overhead_is_small(one_frame: np.ndarray) -> None:
    """Not timed: the split JPEG costs a DRI segment plus one RST per strip, a few bytes."""
    single = len(base64.b64decode(frame64.encode(one_frame, quality=QUALITY)))
    split = len(base64.b64decode(frame64.encode(one_frame, quality=QUALITY, threads=2)))
    assert abs(split - single) < 64
