"""Hostile sizes: refused before any allocation.

Encode: sides over the format's limit. Decode: a header that claims more
than max_pixels (a decompression bomb: a few hundred bytes claiming gigabytes).

JPEG stores each side in 16 bits (ITU T.81 B.2.2), and libjpeg-turbo refuses
sides over JPEG_MAX_DIMENSION = 65500, so frame64 refuses those as bad input
(a ValueError) rather than failing inside the compressor. The frames here are np.broadcast_to views of one pixel: their shape
is huge but they own a few bytes, so the tests themselves allocate nothing
big, and tracemalloc (which numpy reports to) proves frame64 did not either.
"""

from __future__ import annotations

import tracemalloc
from typing import Callable

import numpy as np
import pytest

import frame64

PIXEL = np.zeros((1, 1, 4), np.uint8)
# Refusing must cost at most a few small Python objects (the exception, its message).
MAX_ALLOCATED_BYTES = 64 * 1024

HUGE_SHAPES = [(65501, 1), (1, 65535), (65536, 1), (70000, 70000), (2**31, 8), (8, 2**40)]


def view(height: int, width: int, channels: int) -> np.ndarray:
    return np.broadcast_to(PIXEL[:, :, :channels], (height, width, channels))


def peak_allocation(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        with pytest.raises(ValueError, match="65500"):
            call()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", HUGE_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("pixel_format,channels", [("BGR", 3), ("BGRA", 4), ("GRAY", 1)])
def test_encode_refuses_a_side_over_65500_before_allocating(shape: tuple[int, int], pixel_format: str,
                                                             channels: int) -> None:
    frame = view(*shape, channels)
    assert not frame.flags.owndata and frame.nbytes > 65500  # a view that owns nothing
    assert peak_allocation(lambda: frame64.encode(frame, pixel_format=pixel_format)) < MAX_ALLOCATED_BYTES


@pytest.mark.parametrize("shape", HUGE_SHAPES[:4], ids=lambda s: "x".join(map(str, s)))
def test_core_refuses_a_side_over_65500_itself(shape: tuple[int, int]) -> None:
    """The C++ core's own guard, for callers that skip the Python checks."""
    core = pytest.importorskip("frame64._core")
    frame = view(*shape, 3)
    assert peak_allocation(lambda: core.encode_jpeg(frame, 1, 90, 2, False, False, False)) < MAX_ALLOCATED_BYTES


@pytest.mark.parametrize("shape", [(65500, 2), (2, 65500)])
def test_a_side_of_exactly_65500_still_encodes(shape: tuple[int, int]) -> None:
    frame = np.full(shape + (3,), 77, np.uint8)
    text = frame64.encode(frame, quality=50)
    assert text.startswith("/9j/")


# --- decode: max_pixels is checked on the header, before any allocation ----

import base64  # noqa: E402 - the decode half of the module
import struct  # noqa: E402
import zlib  # noqa: E402

from frame64._sample import camera_frame  # noqa: E402

from ..conftest import UseBackend  # noqa: E402

SOF_MARKERS = {0xC0, 0xC1, 0xC2}


def jpeg_claiming(height: int, width: int, **options: object) -> str:
    """A small real JPEG whose frame header (SOF) claims height x width."""
    jpeg = bytearray(base64.b64decode(frame64.encode(camera_frame(16, 16), **options)))
    i = 2
    while jpeg[i + 1] not in SOF_MARKERS:
        i += 2 + int.from_bytes(jpeg[i + 2 : i + 4], "big")
    jpeg[i + 5 : i + 9] = struct.pack(">HH", height, width)  # ITU T.81 B.2.2: P, Y, X
    return base64.b64encode(bytes(jpeg)).decode()


def png_claiming(height: int, width: int) -> str:
    """A small real PNG whose IHDR claims width x height (with a valid CRC)."""
    png = bytearray(base64.b64decode(frame64.encode(camera_frame(16, 16), format="png")))
    png[16:24] = struct.pack(">II", width, height)  # IHDR data starts at byte 16
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))  # CRC over type + data
    return base64.b64encode(bytes(png)).decode()


def decode_allocation(text: str, **options: object) -> tuple[BaseException, int]:
    """The DecodeError that decode raises and the peak Python-visible allocation."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        with pytest.raises(frame64.DecodeError) as caught:
            frame64.decode(text, **options)
        return caught.value, tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("backend", ["cpp", "python"])
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(jpeg_claiming(60000, 60000), id="jpeg-60000x60000"),
        pytest.param(jpeg_claiming(65500, 65500, progressive=True), id="jpeg-progressive-65500x65500"),
        pytest.param(png_claiming(100_000, 100_000), id="png-100000x100000"),
        pytest.param(png_claiming(2**31 - 1, 2**31 - 1), id="png-2^31-1-square"),
        pytest.param(png_claiming(1, 2**31 - 1), id="png-one-row-2^31-1-wide"),
    ],
)
def test_decode_refuses_a_bomb_header_before_allocating(text: str, backend: str,
                                                         use_backend: UseBackend) -> None:
    if backend == "python":
        from frame64 import _fallback

        use_backend(_fallback)
    frame64.decode(frame64.encode(camera_frame(8, 8)))  # first-use set-up is not the bomb's doing
    error, allocated = decode_allocation(text)
    # libspng itself refuses sizes whose row arithmetic overflows, before
    # frame64's max_pixels check; either way a DecodeError, nothing allocated.
    assert "max_pixels" in str(error) or str(error).startswith("invalid PNG (header)"), str(error)
    assert allocated < MAX_ALLOCATED_BYTES


@pytest.mark.parametrize("max_pixels", [1, 255])
def test_decode_honours_a_small_max_pixels(max_pixels: int) -> None:
    text = frame64.encode(camera_frame(16, 16))
    error, allocated = decode_allocation(text, max_pixels=max_pixels)
    assert f"over max_pixels={max_pixels}" in str(error)
    assert allocated < MAX_ALLOCATED_BYTES
    assert frame64.decode(text, max_pixels=256).shape == (16, 16, 3)  # exactly at the limit


def test_decode_refuses_a_jpeg_side_over_libjpegs_limit_cleanly() -> None:
    """65501..65535 fit the header's 16 bits but libjpeg refuses them: a
    DecodeError, not a crash (max_pixels is raised out of the way)."""
    error, allocated = decode_allocation(jpeg_claiming(1, 65535), max_pixels=2**40)
    assert "65500" in str(error)
    assert allocated < MAX_ALLOCATED_BYTES
