"""frame64.decode against the usual ways to turn a base64 JPEG back into a frame.

One group per frame size (camera_frame JPEGs, quality 90, 4:2:0), contenders
side by side:

- frame64 (C++, new array / out=) and frame64 (fallback);
- cv2.imdecode(np.frombuffer(base64.b64decode(s), np.uint8), cv2.IMREAD_COLOR);
- PyTurboJPEG.decode(base64.b64decode(s));
- simplejpeg.decode_jpeg(pybase64.b64decode(s)), with its accurate-DCT and
  smooth-upsampling settings so that it returns the same pixels;
- the bare decompression of the raw JPEG, without base64: frame64's own
  (decode_image_bytes into a preallocated array, the ideal frame64.decode
  approaches), PyTurboJPEG's into a preallocated dst, and simplejpeg's into a
  preallocated buffer (it bundles its own libjpeg-turbo 3.x).

Every benchmark checks its array against OpenCV's decode. Run for figures:

    python -m pytest benchmarks/bench_decode.py --benchmark-only \\
        --benchmark-group-by=group --benchmark-columns=median,iqr,ops

and with --benchmark-disable as a plain correctness pass.
"""

from __future__ import annotations

import base64
from typing import Any, Callable

import cv2
import numpy as np
import pybase64
import pytest
import simplejpeg
from turbojpeg import TurboJPEG

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame

SIZES = {"640x480": (480, 640), "1920x1080": (1080, 1920), "3840x2160": (2160, 3840)}
NO_LIMIT = 1 << 32
TJPF_BGR = 1


@pytest.fixture(scope="module", params=list(SIZES))
def case(request: pytest.FixtureRequest) -> dict[str, Any]:
    height, width = SIZES[request.param]
    text = frame64.encode(camera_frame(height, width), quality=90, subsampling="420")
    jpeg = base64.b64decode(text)
    expected = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    return {"name": request.param, "text": text, "jpeg": jpeg, "expected": expected}


@pytest.fixture(scope="module")
def turbo() -> Any:
    return TurboJPEG()


def _run(benchmark: Any, case: dict[str, Any], function: Callable[[], np.ndarray]) -> None:
    benchmark.group = f"decode {case['name']}"
    result = benchmark(function)
    np.testing.assert_array_equal(result, case["expected"])


def test_frame64_cpp(benchmark: Any, case: dict[str, Any]) -> None:
    core = pytest.importorskip("frame64._core")
    text = case["text"]
    _run(benchmark, case, lambda: core.decode_image(text, 0, TJPF_BGR, None, frame64.MAX_PIXELS_DEFAULT, 1, True))


def test_frame64_cpp_decode_api(benchmark: Any, case: dict[str, Any]) -> None:
    """The public frame64.decode, argument checks included."""
    core = pytest.importorskip("frame64._core")
    text = case["text"]
    with _backend.use(core):
        _run(benchmark, case, lambda: frame64.decode(text))


def test_frame64_cpp_out(benchmark: Any, case: dict[str, Any]) -> None:
    core = pytest.importorskip("frame64._core")
    text = case["text"]
    out = np.empty_like(case["expected"])
    with _backend.use(core):
        _run(benchmark, case, lambda: frame64.decode(text, out=out))


def test_frame64_fallback(benchmark: Any, case: dict[str, Any]) -> None:
    text = case["text"]
    with _backend.use(_fallback):
        _run(benchmark, case, lambda: frame64.decode(text))


def test_opencv_b64decode_imdecode(benchmark: Any, case: dict[str, Any]) -> None:
    text = case["text"]
    _run(benchmark, case, lambda: cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_COLOR))


def test_pyturbojpeg_b64decode(benchmark: Any, case: dict[str, Any], turbo: Any) -> None:
    text = case["text"]
    _run(benchmark, case, lambda: turbo.decode(base64.b64decode(text)))


def test_simplejpeg_pybase64(benchmark: Any, case: dict[str, Any]) -> None:
    text = case["text"]
    _run(
        benchmark,
        case,
        lambda: simplejpeg.decode_jpeg(pybase64.b64decode(text), colorspace="BGR", fastdct=False, fastupsample=False),
    )


def test_bare_frame64_decompress(benchmark: Any, case: dict[str, Any]) -> None:
    """frame64's TurboJPEG path on the raw JPEG: what frame64.decode costs minus base64."""
    core = pytest.importorskip("frame64._core")
    jpeg = case["jpeg"]
    out = np.empty_like(case["expected"])
    _run(benchmark, case, lambda: core.decode_image_bytes(jpeg, TJPF_BGR, out, NO_LIMIT, 1, True))


def test_bare_pyturbojpeg_decompress(benchmark: Any, case: dict[str, Any], turbo: Any) -> None:
    jpeg = case["jpeg"]
    dst = np.empty_like(case["expected"])
    _run(benchmark, case, lambda: turbo.decode(jpeg, dst=dst))


def test_bare_simplejpeg_decompress(benchmark: Any, case: dict[str, Any]) -> None:
    """simplejpeg's bundled libjpeg-turbo 3.x on the raw JPEG, into a preallocated buffer."""
    jpeg = case["jpeg"]
    dst = np.empty_like(case["expected"])
    _run(
        benchmark,
        case,
        lambda: simplejpeg.decode_jpeg(jpeg, colorspace="BGR", fastdct=False, fastupsample=False, buffer=dst),
    )
