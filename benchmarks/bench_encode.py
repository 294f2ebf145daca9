"""frame64.encode against the usual ways to get a base64 JPEG from a camera frame.

One group per frame size (640x480, 1920x1080, 3840x2160), BGR, quality 90,
4:2:0. Every benchmark checks its output: contenders with exactly frame64's
flags must return frame64's string; the others must decode (stdlib base64,
then OpenCV) to the frame within JPEG loss. The "bare" rows compress without
base64: the floor frame64's C++ path is measured against.

Figures: pytest benchmarks/bench_encode.py --benchmark-only
         --benchmark-group-by=group --benchmark-columns=median,iqr,ops
Correctness only: pytest benchmarks --benchmark-disable
"""

from __future__ import annotations

import base64
from typing import Any, Callable, Iterator

import numpy as np
import pytest

import _encoders as enc
from frame64 import _fallback
from frame64._sample import camera_frame

SIZES = [(480, 640), (1080, 1920), (2160, 3840)]


def _size_param(size: tuple[int, int]) -> Any:
    height, width = size
    name = f"{width}x{height}"
    return pytest.param(size, id=name, marks=pytest.mark.benchmark(group=f"encode {name} BGR q90 420"))


class Case:
    """A frame and the strings frame64 makes of it (the references)."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.frame = camera_frame(*size)
        self.accurate = enc.frame64_fallback(self.frame)  # == the C++ string (tests/api/test_encode.py)
        self.fast_dct = enc.frame64_on(_fallback, self.frame, fast_dct=True)


@pytest.fixture(scope="module", params=[_size_param(size) for size in SIZES])
def case(request: pytest.FixtureRequest) -> Case:
    return Case(request.param)


@pytest.fixture(scope="module")
def core() -> Any:
    try:
        from frame64 import _core
    except ImportError as exc:  # not built, or libturbojpeg missing
        pytest.skip(f"the compiled backend frame64._core is not available: {exc}")
    return _core


@pytest.fixture(scope="module")
def bare() -> Iterator[enc.BareTurboJpeg]:
    compressor = enc.BareTurboJpeg()
    yield compressor
    compressor.close()


def assert_decodes_to(text: str, frame: np.ndarray) -> None:
    import cv2

    pixels = cv2.imdecode(np.frombuffer(base64.b64decode(text, validate=True), np.uint8), cv2.IMREAD_COLOR)
    assert pixels is not None and pixels.shape == frame.shape
    assert float(np.abs(pixels.astype(np.int16) - frame).mean()) < 4.0  # q90 4:2:0 on a camera frame: ~2.6


def run(benchmark: Any, function: Callable[[np.ndarray], Any], frame: np.ndarray) -> Any:
    return benchmark(function, frame)


def test_frame64_cpp(benchmark: Any, case: Case, core: Any) -> None:
    assert run(benchmark, enc.frame64_cpp, case.frame) == case.accurate


def test_frame64_cpp_fast_dct(benchmark: Any, case: Case, core: Any) -> None:
    assert run(benchmark, enc.frame64_cpp_fast_dct, case.frame) == case.fast_dct


def test_frame64_fallback(benchmark: Any, case: Case) -> None:
    assert run(benchmark, enc.frame64_fallback, case.frame) == case.accurate


def test_pyturbojpeg_base64(benchmark: Any, case: Case) -> None:
    assert run(benchmark, enc.pyturbojpeg_base64, case.frame) == case.accurate  # same flags, same library


def test_opencv_base64(benchmark: Any, case: Case) -> None:
    assert_decodes_to(run(benchmark, enc.opencv_base64, case.frame), case.frame)


def test_pil_base64(benchmark: Any, case: Case) -> None:
    assert_decodes_to(run(benchmark, enc.pil_base64, case.frame), case.frame)


def test_simplejpeg_pybase64(benchmark: Any, case: Case) -> None:
    text = run(benchmark, enc.simplejpeg_pybase64, case.frame)
    assert_decodes_to(text, case.frame)
    # Its fastdct=False is TurboJPEG's fast DCT below q96 (see _encoders.py): if this fails, simplejpeg
    # changed its DCT default and the note in _encoders.py and the ratio table need updating.
    assert text == case.fast_dct


def test_bare_compress_system_libturbojpeg(benchmark: Any, case: Case, bare: enc.BareTurboJpeg) -> None:
    size = run(benchmark, bare.compress, case.frame)
    assert base64.b64encode(bare.jpeg(size)).decode() == case.accurate


def test_bare_compress_simplejpeg(benchmark: Any, case: Case) -> None:
    jpeg = run(benchmark, enc.simplejpeg_bytes, case.frame)
    assert base64.b64encode(jpeg).decode() == case.fast_dct
