"""Every compiled YUV split kernel (NV12 chroma, YUYV/UYVY rows) gives the scalar twin's
and the fallback's bytes: each one forced in turn, at widths that cover every
vector body and tail length."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import frame64
from frame64 import _backend

core = pytest.importorskip("frame64._core")
KERNELS = core.supported_yuv_kernels()
WIDTHS = [2, 30, 62, 64, 66, 94, 126, 128, 130, 190, 256]


@pytest.fixture(params=KERNELS)
def kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    core.set_yuv_kernel(request.param)
    try:
        assert core.yuv_kernel() == request.param
        yield request.param
    finally:
        core.set_yuv_kernel("auto")


def test_scalar_is_always_there() -> None:
    assert KERNELS[-1] == "scalar"


@pytest.mark.parametrize("width", WIDTHS + [w + 1 for w in WIDTHS])
def test_nv12_kernel_equals_fallback(kernel: str, width: int) -> None:
    rng = np.random.default_rng(width)
    y = rng.integers(0, 256, (6, width), np.uint8)
    uv = rng.integers(0, 256, (3, 2 * ((width + 1) // 2)), np.uint8)
    for yuv_range in ("full", "limited"):
        got = frame64.encode((y, uv), pixel_format="NV12", yuv_range=yuv_range)
        with _backend.use("python"):
            assert got == frame64.encode((y, uv), pixel_format="NV12", yuv_range=yuv_range)


@pytest.mark.parametrize("order", ["YUYV", "UYVY"])
@pytest.mark.parametrize("width", WIDTHS)
def test_packed_kernel_equals_fallback(kernel: str, order: str, width: int) -> None:
    image = np.random.default_rng(width).integers(0, 256, (5, width, 2), np.uint8)
    for yuv_range in ("full", "limited"):
        for matrix in ("bt601", "bt709"):
            options = {"pixel_format": order, "yuv_range": yuv_range, "yuv_matrix": matrix}
            got = frame64.encode(image, **options)
            with _backend.use("python"):
                assert got == frame64.encode(image, **options)


@pytest.mark.parametrize("pixel_format", ["I420", "NV12", "YUYV"])
def test_no_luma_correction_after_bt709_on_the_same_thread(kernel: str, pixel_format: str) -> None:
    """BT.709 leaves luma corrections in the thread's scratch rows; limited-range
    BT.601 has none and does not rewrite them, so the next frame must start from
    zero. Width 66 sends the last samples of each row through the scalar tail,
    which reads the corrections."""
    rng = np.random.default_rng(66)
    frames = {
        "I420": rng.integers(0, 256, (12, 66), np.uint8),
        "NV12": rng.integers(0, 256, (12, 66), np.uint8),
        "YUYV": rng.integers(0, 256, (8, 66, 2), np.uint8),
    }
    image = frames[pixel_format]
    frame64.encode(np.full_like(image, 255), pixel_format=pixel_format, yuv_matrix="bt709")
    got = frame64.encode(image, pixel_format=pixel_format, yuv_matrix="bt601")
    with _backend.use("python"):
        assert got == frame64.encode(image, pixel_format=pixel_format, yuv_matrix="bt601")


def test_unknown_kernel_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown YUV kernel 'sse9'"):
        core.set_yuv_kernel("sse9")
    assert core.yuv_kernel() == KERNELS[0]


@pytest.mark.parametrize("yuv_range,yuv_matrix", [("full", "bt709"), ("limited", "bt709"), ("limited", "bt601")])
def test_conversion_extremes_equal_fallback(kernel: str, yuv_range: str, yuv_matrix: str) -> None:
    """Samples at 0, 1, 127, 128, 254 and 255 only: every clamp and sign of the fixed-point rule."""
    rng = np.random.default_rng(len(yuv_range) + len(yuv_matrix))
    values = np.array([0, 1, 127, 128, 254, 255], np.uint8)
    y, u, v = (values[rng.integers(0, 6, shape)] for shape in ((9, 70), (5, 35), (5, 35)))
    options = {"pixel_format": "I420", "yuv_range": yuv_range, "yuv_matrix": yuv_matrix}
    got = frame64.encode((y, u, v), **options)
    with _backend.use("python"):
        assert got == frame64.encode((y, u, v), **options)
