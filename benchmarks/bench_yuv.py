"""pytest-benchmark groups for issue 15: YUV input at 1080p q90 (run once as checks under --benchmark-disable)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import frame64

cv2 = pytest.importorskip("cv2")
from yuv_ratios import frames  # noqa: E402  (pytest puts benchmarks/ on sys.path, as for _encoders)


@pytest.fixture(scope="module")
def f() -> dict[str, np.ndarray]:
    return frames()


@pytest.mark.benchmark(group="yuv-1080p-q90-420")
@pytest.mark.parametrize("contender", ["BGR", "I420", "I420-full", "NV12", "cv2-I420"])
def test_encode_420(benchmark: Any, f: dict[str, np.ndarray], contender: str) -> None:
    run = {
        "BGR": lambda: frame64.encode(f["bgr"]),
        "I420": lambda: frame64.encode(f["i420"], pixel_format="I420"),
        "I420-full": lambda: frame64.encode(f["i420"], pixel_format="I420", yuv_range="full"),
        "NV12": lambda: frame64.encode(f["nv12"], pixel_format="NV12"),
        "cv2-I420": lambda: frame64.b64encode_str(
            cv2.imencode(".jpg", cv2.cvtColor(f["i420"], cv2.COLOR_YUV2BGR_I420), [cv2.IMWRITE_JPEG_QUALITY, 90])[1]),
    }[contender]
    text = benchmark(run)
    decoded = frame64.decode(text).astype(int)
    assert decoded.shape == (1080, 1920, 3)
    if contender == "I420-full":  # the limited-range planes read as full range: washed out, on purpose
        assert text == frame64.encode(tuple(np.split(f["i420"].reshape(-1), [1920 * 1080, 1920 * 1080 * 5 // 4])[i]
                                            .reshape(s) for i, s in enumerate([(1080, 1920), (540, 960), (540, 960)])),
                                      pixel_format="I420", yuv_range="full")
        return
    reference = cv2.cvtColor(f["i420"], cv2.COLOR_YUV2BGR_I420).astype(int)
    assert np.abs(decoded - reference).mean() < 3  # JPEG q90 of the same picture


@pytest.mark.benchmark(group="yuv-1080p-q90-422")
@pytest.mark.parametrize("contender", ["BGR-422", "YUYV"])
def test_encode_422(benchmark: Any, f: dict[str, np.ndarray], contender: str) -> None:
    run = {
        "BGR-422": lambda: frame64.encode(f["bgr"], subsampling="422"),
        "YUYV": lambda: frame64.encode(f["yuyv"], pixel_format="YUYV"),
    }[contender]
    text = benchmark(run)
    reference = cv2.cvtColor(f["yuyv"], cv2.COLOR_YUV2BGR_YUYV).astype(int)
    assert np.abs(frame64.decode(text).astype(int) - reference).mean() < 3


@pytest.mark.benchmark(group="yuv-1080p-q90-encoder-batch-8")
@pytest.mark.parametrize("contender", ["BGR", "I420", "NV12", "YUYV"])
def test_encoder_batch(benchmark: Any, f: dict[str, np.ndarray], contender: str) -> None:
    """Encoder(threads=2).encode_batch of 8 frames: YUV frames straight from their planes, as frame64.encode."""
    layout = {"BGR": "BGR", "I420": "I420", "NV12": "NV12", "YUYV": "YUYV"}[contender]
    frame = f[contender.lower()]
    encoder = frame64.Encoder(pixel_format=layout, threads=2)
    texts = benchmark(encoder.encode_batch, [frame] * 8)
    assert texts == [frame64.encode(frame, pixel_format=layout)] * 8
