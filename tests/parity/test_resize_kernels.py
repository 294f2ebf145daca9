"""The area filter: every compiled resize kernel, forced one by one, equals the
numpy fallback exactly and stays within one level of cv2.INTER_AREA."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frame64._fallback import resize as fallback_resize

from ..conftest import forced

cv2 = pytest.importorskip("cv2")
core = pytest.importorskip("frame64._core")

KERNELS = core.supported_resize_kernels()


@pytest.fixture(params=KERNELS, ids=[f"kernel={name}" for name in KERNELS])
def kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    with forced(core.resize_kernel, core.set_resize_kernel, request.param) as name:
        yield name


def image(height: int, width: int, channels: int, seed: int, smooth: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
    if smooth:  # a photo-like mix of gradients and noise
        ramp = (np.add.outer(np.arange(height), np.arange(width)) * 255 // max(1, height + width)).astype(np.uint8)
        pixels = (pixels // 4 + ramp[:, :, None] // 4 * 3).astype(np.uint8)
    return pixels


def check(pixels: np.ndarray, width: int, height: int) -> None:
    channels = pixels.shape[2]
    ours = core.resize(pixels, channels, width, height)
    assert ours.shape == (height, width, channels)
    np.testing.assert_array_equal(ours, fallback_resize(pixels, channels, width, height))
    reference = cv2.resize(pixels, (width, height), interpolation=cv2.INTER_AREA).reshape(ours.shape)
    assert int(np.abs(ours.astype(np.int16) - reference).max()) <= 1, (pixels.shape, width, height)


SIZES = [(1, 1), (2, 3), (3, 2), (17, 33), (33, 17), (64, 64), (100, 37), (1080, 1920)]


@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("height,width", SIZES)
def test_sizes_and_factors(kernel: str, height: int, width: int, channels: int) -> None:
    pixels = image(height, width, channels, height * width + channels, smooth=height > 50)
    targets = {(width, height), (max(1, width // 2), max(1, height // 2)), (max(1, width // 3), max(1, height // 3)),
               (max(1, width * 2 // 5), max(1, height * 3 // 7)), (1, 1), (max(1, width - 1), height)}
    for w, h in sorted(targets):
        check(pixels, w, h)


@settings(deadline=None, max_examples=150)
@given(height=st.integers(1, 90), width=st.integers(1, 90), channels=st.sampled_from([1, 3, 4]),
       fx=st.floats(0.01, 1.0), fy=st.floats(0.01, 1.0), seed=st.integers(0, 2**32 - 1), smooth=st.booleans())
def test_random_sizes(height: int, width: int, channels: int, fx: float, fy: float, seed: int, smooth: bool) -> None:
    pixels = image(height, width, channels, seed, smooth)
    w, h = max(1, round(width * fx)), max(1, round(height * fy))
    for name in KERNELS:
        with forced(core.resize_kernel, core.set_resize_kernel, name):
            check(pixels, w, h)


def test_4k_to_1568(kernel: str) -> None:
    pixels = image(2160, 3840, 3, 4, smooth=True)
    check(pixels, 1568, 882)


@pytest.mark.parametrize("pattern", ["stripes", "checker", "noise"])
def test_large_factors_on_hostile_patterns(kernel: str, pattern: str) -> None:
    """Beyond the proven 30x: high-contrast patterns, where the weights' rounding errors could add up."""
    n = 1000
    if pattern == "stripes":
        pixels = np.zeros((n, n, 3), np.uint8)
        pixels[:, ::2] = 255
    elif pattern == "checker":
        pixels = ((np.indices((n, n)).sum(0) % 2) * 255).astype(np.uint8)[:, :, None].repeat(3, 2)
    else:
        pixels = image(n, n, 3, 9, smooth=False)
    for side in (1, 2, 3, 7, 13, 31, 58):
        check(pixels, side, side)


def test_integer_factor_is_a_rounded_box_mean(kernel: str) -> None:
    pixels = image(48, 64, 3, 5, smooth=False)
    for factor in (2, 4, 8, 16):
        boxes = pixels.reshape(48 // factor, factor, 64 // factor, factor, 3).astype(np.int64).sum(axis=(1, 3))
        area = factor * factor
        expected = ((boxes + area // 2) // area).astype(np.uint8)
        np.testing.assert_array_equal(core.resize(pixels, 3, 64 // factor, 48 // factor), expected)


def test_views_read_as_they_are(kernel: str) -> None:
    pixels = image(200, 300, 4, 6, smooth=True)
    crop = pixels[13:170, 7:290]
    np.testing.assert_array_equal(core.resize(crop, 4, 100, 55), core.resize(np.ascontiguousarray(crop), 4, 100, 55))


def test_unknown_kernel_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="resize kernel"):
        core.set_resize_kernel("sse9")


@pytest.mark.parametrize("height,width,channels,size", [
    (2160, 3840, 3, (1568, 882)), (2160, 3840, 4, (1280, 720)), (1080, 1920, 3, (1568, 882)),
    (1080, 1920, 1, (640, 360)), (1081, 1917, 3, (1000, 563)), (1081, 1917, 4, (1917, 7)), (999, 1001, 3, (13, 998)),
])
def test_threads_equal_the_fallback(kernel: str, height: int, width: int, channels: int,
                                    size: tuple[int, int]) -> None:
    """Bands of output rows on 1..4 threads: the pixels of one thread, and of numpy."""
    pixels = image(height, width, channels, height + width + channels, smooth=True)
    expected = fallback_resize(pixels, channels, *size)
    for threads in (1, 2, 3, 4):
        np.testing.assert_array_equal(core.resize(pixels, channels, *size, threads), expected, err_msg=f"{threads=}")


@pytest.mark.parametrize("channels,pixel_format,subsampling,progressive,size", [
    (3, 0, 2, False, (1000, 563)), (3, 1, 0, True, (1001, 17)), (4, 7, 1, False, (999, 1079)),
    (1, 6, 3, False, (641, 361)), (3, 1, 2, False, (1920, 1079)),
])
def test_threads_do_not_change_encoded_bytes(kernel: str, channels: int, pixel_format: int, subsampling: int,
                                             progressive: bool, size: tuple[int, int]) -> None:
    """encode's resize on any number of threads (streamed into libjpeg as rows are done): the same JPEG and
    PNG text, and the JPEG of the fallback's resized pixels."""
    pixels = image(1080, 1920, channels, 8 + channels, smooth=True)
    pixels = pixels[:, :, 0] if channels == 1 else pixels
    jpeg = {core.encode_jpeg(pixels, pixel_format, 90, subsampling, False, progressive, False, *size, n)
            for n in (1, 2, 3, 4)}
    small = fallback_resize(pixels.reshape(1080, 1920, channels), channels, *size).reshape(
        (size[1], size[0]) + pixels.shape[2:])
    assert jpeg == {core.encode_jpeg(small, pixel_format, 90, subsampling, False, progressive, False)}
    png = {core.encode_png(pixels, pixel_format, 1, False, *size, 1, n) for n in (1, 2, 3, 4)}
    assert len(png) == 1


def test_thread_counts_below_one_are_value_errors() -> None:
    pixels = image(8, 8, 3, 1, smooth=False)
    with pytest.raises(ValueError, match="threads must be >= 1, got 0"):
        core.resize(pixels, 3, 4, 4, 0)
    with pytest.raises(ValueError, match="resize_threads must be >= 1, got 0"):
        core.encode_jpeg(pixels, 1, 90, 2, False, False, False, 4, 4, 0)
    with pytest.raises(ValueError, match="resize_threads must be >= 1, got -1"):
        core.encode_png(pixels, 1, 1, False, 4, 4, 1, -1)
