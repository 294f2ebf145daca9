"""Every PNG kernel of the compiled core, forced one by one, against the scalar twin.

The kernels (cpp/png/{scalar,avx2,avx512vbmi}.cpp) must write exactly the
scalar kernel's bytes: run search, literal packing, the Up filter with the
BGR -> RGB swap, and the five adaptive filters with their costs. The oracles
are the scalar kernel (same bytes), zlib (the stream inflates to the input)
and the pure-Python backend's numpy filters (the same filtered scanlines).
"""

from __future__ import annotations

import base64
import zlib
from typing import Any, Iterator

import numpy as np
import pytest

from frame64 import _fallback
from frame64._fallback import png as fallback_png
from frame64._sample import camera_frame

from ..conftest import forced

core = pytest.importorskip("frame64._core")

KERNELS = core.supported_png_simd()
SIMD_KERNELS = [name for name in KERNELS if name != "scalar"]
FORMATS = {"BGR": (1, 3), "RGB": (0, 3), "BGRA": (8, 4), "RGBA": (7, 4), "GRAY": (6, 1)}  # TJPF code, channels


@pytest.fixture(params=KERNELS, ids=[f"kernel={name}" for name in KERNELS])
def kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    """Forces one PNG kernel for the test and restores the previous one afterwards."""
    with forced(core.png_simd, core.set_png_simd, request.param) as name:
        yield name


def on_kernel(name: str, call: Any) -> Any:
    with forced(core.png_simd, core.set_png_simd, name):
        return call()


def png_bytes(image: np.ndarray, pixel_format: str, level: int, threads: int = 1) -> bytes:
    code, _ = FORMATS[pixel_format]
    return base64.b64decode(core.encode_png(image, code, level, False, threads=threads))


def idat(png: bytes) -> bytes:
    pos, parts = 8, []
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        if png[pos + 4 : pos + 8] == b"IDAT":
            parts.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return b"".join(parts)


def test_the_scalar_kernel_is_always_there_and_auto_picks_the_first() -> None:
    assert KERNELS[-1] == "scalar"
    core.set_png_simd("auto")
    assert core.png_simd() == KERNELS[0]


@pytest.mark.parametrize("name", [n for n in ("avx512vbmi", "avx2", "neon", "sse9", "") if n not in KERNELS])
def test_an_unavailable_kernel_is_a_value_error_and_changes_nothing(name: str) -> None:
    before = core.png_simd()
    with pytest.raises(ValueError, match="PNG kernel"):
        core.set_png_simd(name)
    assert core.png_simd() == before


def image_of(kind: str, height: int, width: int, channels: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (height, width, channels) if channels > 1 else (height, width)
    if kind == "camera":
        image = camera_frame(height, width, channels, seed=seed)
        return np.ascontiguousarray(image if channels > 1 else image.reshape(height, width))
    if kind == "noise":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if kind == "runs":  # stretches of one value broken at random places: runs of every length
        flat = np.repeat(rng.integers(0, 3, height * width * channels), rng.integers(1, 9, height * width * channels))
        return flat[: height * width * channels].astype(np.uint8).reshape(shape)
    image = np.zeros(shape, np.uint8)  # "flat": a screenshot-like picture
    image[height // 3 :, : width // 2] = 200
    image[:, width // 2 :: 7] = 17
    return image


# Widths whose row bytes straddle every SIMD step (30, 32, 62, 63, 64 bytes).
WIDTHS = [1, 2, 5, 10, 11, 15, 16, 17, 21, 22, 31, 32, 33, 63, 64, 65, 129]


@pytest.mark.parametrize("pixel_format", list(FORMATS))
@pytest.mark.parametrize("kind", ["camera", "noise", "runs", "flat"])
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_every_kernel_writes_the_scalar_bytes(kernel: str, pixel_format: str, kind: str, level: int) -> None:
    _, channels = FORMATS[pixel_format]
    for width in WIDTHS:
        image = image_of(kind, 9, width, channels, seed=width)
        got = png_bytes(image, pixel_format, level)
        assert got == on_kernel("scalar", lambda: png_bytes(image, pixel_format, level)), width
        # The same filtered scanlines as the fallback's numpy filters.
        want = fallback_png.encode_png_bytes(image, FORMATS[pixel_format][0], level)
        assert zlib.decompress(idat(got)) == zlib.decompress(idat(want)), width


@pytest.mark.parametrize("level", [1, 2])
def test_every_kernel_writes_the_scalar_bytes_at_full_hd(kernel: str, level: int) -> None:
    image = camera_frame(1080, 1920)
    assert png_bytes(image, "BGR", level) == on_kernel("scalar", lambda: png_bytes(image, "BGR", level))


def deflate_inputs() -> dict[str, bytes]:
    rng = np.random.default_rng(11)
    skewed = np.clip(rng.normal(0, 3, 200_000), -128, 127).astype(np.int8).tobytes()
    runs = b"".join(bytes([v]) * int(n) for v, n in zip(rng.integers(0, 3, 30000), rng.integers(1, 6, 30000)))
    out = {"skewed": skewed, "short-runs": runs, "zeros": bytes(300_000), "noise": rng.bytes(70_000)}
    # A run of 3..5 bytes starting at every offset around the 62/64-byte steps.
    for start in range(56, 72):
        for length in (2, 3, 4, 5):
            data = bytearray(rng.integers(0, 256, 200, dtype=np.uint8).tobytes())
            for i in range(1, len(data)):  # no accidental runs
                if data[i] == data[i - 1]:
                    data[i] ^= 0x55
            data[start - 1 : start + length] = bytes([data[start - 1]]) * (length + 1)
            out[f"run-{length}-at-{start}"] = bytes(data)
    return out


@pytest.mark.parametrize("level", [1, 2])
def test_every_kernel_deflates_like_the_scalar_one(kernel: str, level: int) -> None:
    for name, data in deflate_inputs().items():
        stream = core.png_deflate(data, level)
        assert zlib.decompress(stream) == data, name
        assert stream == on_kernel("scalar", lambda: core.png_deflate(data, level)), name


def test_simd_kernels_exist_on_x86_64_builds() -> None:
    import platform

    if platform.machine().lower() in ("x86_64", "amd64") and "avx2" in core.supported_simd():
        assert "avx2" in SIMD_KERNELS  # the flag table built the PNG kernels with the base64 ones


def test_fallback_mirrors_the_kernel_functions() -> None:
    assert _fallback.png_simd() == "python"
    assert _fallback.supported_png_simd() == ["python"]
    _fallback.set_png_simd("auto")
    with pytest.raises(ValueError, match="PNG kernel"):
        _fallback.set_png_simd("avx2")
