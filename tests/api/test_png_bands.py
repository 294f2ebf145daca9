"""PNG levels 1-2 since issue 18: SIMD kernels, bands and threads.

* Every decoder reads every pixel back: libspng (frame64.decode on the
  compiled backend), libpng through OpenCV, and Pillow, for every pixel
  format, odd sizes, real photos (skimage.data), a screenshot-like image,
  flat images and pure noise.
* ``threads`` 1..5 give identical bytes, at 4K and at heights around the
  band boundaries, where a band's first run must not reach back into the
  previous band.
* ``frame64.encode(format="png", threads=...)`` follows JPEG's rules
  (None = every core, default 1, < 1 is a ValueError naming threads).
"""

from __future__ import annotations

import base64
import io
import zlib
from typing import Any

import numpy as np
import pytest
import skimage.data
from PIL import Image

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame

from ..conftest import cv2

core = pytest.importorskip("frame64._core", reason="the compiled backend frame64._core is not built")

CHANNELS = {"BGR": 3, "RGB": 3, "BGRA": 4, "RGBA": 4, "GRAY": 1}
TJPF = {"RGB": 0, "BGR": 1, "GRAY": 6, "RGBA": 7, "BGRA": 8}


def to_format(rgb_or_gray: np.ndarray, pixel_format: str) -> np.ndarray:
    """An RGB or gray picture in `pixel_format` (alpha made from the picture, so it varies)."""
    image = rgb_or_gray if rgb_or_gray.ndim == 3 else np.repeat(rgb_or_gray[..., None], 3, axis=2)
    image = image[..., :3]
    if pixel_format == "GRAY":
        return np.ascontiguousarray(rgb_or_gray if rgb_or_gray.ndim == 2 else image[..., 1])
    alpha = (image[..., :1].astype(np.uint16) * 7 % 256).astype(np.uint8)
    rgba = np.concatenate([image, alpha], axis=2)
    order = {"RGB": [0, 1, 2], "BGR": [2, 1, 0], "RGBA": [0, 1, 2, 3], "BGRA": [2, 1, 0, 3]}[pixel_format]
    return np.ascontiguousarray(rgba[..., order])


def screenshot(height: int, width: int) -> np.ndarray:
    """Flat panels, a gradient and glyph-like tiles, in RGB."""
    rng = np.random.default_rng(5)
    image = np.full((height, width, 3), 245, np.uint8)
    image[: height // 12] = (60, 40, 30)
    image[height // 2 :, width // 3 :] = np.linspace(0, 255, width - width // 3, dtype=np.uint8)[None, :, None]
    for y in range(height // 8, height // 2 - 12, 16):
        for x in range(width // 5, width - 12, 10):
            image[y : y + 8, x : x + 6] = 245 - rng.integers(0, 2, (8, 6, 1), dtype=np.uint8) * 200
    return image


def pictures() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {
        "astronaut": skimage.data.astronaut(),
        "coffee": skimage.data.coffee(),
        "chelsea": skimage.data.chelsea(),
        "rocket": skimage.data.rocket(),
        "camera-gray": skimage.data.camera(),
        "page-gray": skimage.data.page(),
        "screenshot": screenshot(300, 500),
        "flat": np.full((120, 90, 3), 77, np.uint8),
        "noise": rng.integers(0, 256, (150, 211, 3), dtype=np.uint8),
        "1x1": rng.integers(0, 256, (1, 1, 3), dtype=np.uint8),
        "1x97": rng.integers(0, 256, (1, 97, 3), dtype=np.uint8),
        "97x1": rng.integers(0, 256, (97, 1, 3), dtype=np.uint8),
        "17x33": camera_frame(17, 33)[..., ::-1],
    }


PICTURES = pictures()


def decoded_by_all(png: bytes, pixel_format: str) -> dict[str, np.ndarray]:
    """The PNG read by libspng (frame64's decoder), OpenCV and Pillow, each in `pixel_format`."""
    text = base64.b64encode(png).decode("ascii")
    with _backend.use(core):
        spng = frame64.decode(text, pixel_format=pixel_format)
    opencv = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    pil = np.asarray(Image.open(io.BytesIO(png)))
    if pixel_format in ("RGB", "RGBA"):
        opencv = opencv[..., [2, 1, 0, 3][: opencv.shape[-1]]]
    if pixel_format in ("BGR", "BGRA"):
        pil = pil[..., [2, 1, 0, 3][: pil.shape[-1]]]
    return {"libspng": spng, "opencv": opencv, "pillow": pil}


@pytest.mark.parametrize("pixel_format", list(CHANNELS))
@pytest.mark.parametrize("name", list(PICTURES))
@pytest.mark.parametrize("level", [1, 2])
def test_every_decoder_reads_every_pixel(name: str, pixel_format: str, level: int) -> None:
    image = to_format(PICTURES[name], pixel_format)
    for writer in (core, _fallback):
        png = base64.b64decode(writer.encode_png(image, TJPF[pixel_format], level, False, threads=1))
        for decoder, pixels in decoded_by_all(png, pixel_format).items():
            np.testing.assert_array_equal(pixels, image, err_msg=f"{writer.__name__} -> {decoder}")


def encode_png(image: np.ndarray, level: int, threads: int | None, pixel_format: str = "BGR") -> bytes:
    with _backend.use(core):
        text = frame64.encode(image, format="png", compression=level, threads=threads, pixel_format=pixel_format)
    return base64.b64decode(text)


@pytest.mark.parametrize("level", [1, 2])
def test_threads_give_identical_bytes_at_4k(level: int) -> None:
    image = camera_frame(2160, 3840)
    first = encode_png(image, level, 1)
    for threads in range(2, 6):
        assert encode_png(image, level, threads) == first, threads
    decoded = cv2.imdecode(np.frombuffer(first, np.uint8), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(decoded, image)


def band_rows(width: int, channels: int) -> int:
    """Rows per band (png_encoder.cpp band_rows: about 1 MiB of filtered bytes)."""
    row = width * channels + 1
    return max(1, (2**20 + row - 2) // row)


@pytest.mark.parametrize("pixel_format", list(CHANNELS))
@pytest.mark.parametrize("kind", ["flat", "runs", "camera"])
def test_threads_give_identical_bytes_around_band_boundaries(pixel_format: str, kind: str) -> None:
    channels = CHANNELS[pixel_format]
    width = 700
    rows = band_rows(width, channels)
    rng = np.random.default_rng(channels)
    for height in (rows - 1, rows, rows + 1, 2 * rows + 3):
        shape = (height, width, channels) if channels > 1 else (height, width)
        if kind == "flat":  # one value everywhere: every band starts inside a run
            image = np.full(shape, 9, np.uint8)
        elif kind == "runs":
            image = (rng.integers(0, 2, shape) * 255).astype(np.uint8)
        else:
            image = camera_frame(height, width, channels)
            image = np.ascontiguousarray(image if channels > 1 else image.reshape(height, width))
        for level in (1, 2):
            first = encode_png(image, level, 1, pixel_format)
            for threads in (2, 3, 5):
                assert encode_png(image, level, threads, pixel_format) == first, (height, level, threads)
            for decoder, pixels in decoded_by_all(first, pixel_format).items():
                np.testing.assert_array_equal(pixels, image, err_msg=f"{height} rows, level {level}, {decoder}")


@pytest.mark.parametrize("bands", [1, 2, 4])
def test_bands_join_into_one_zlib_stream_with_the_checksums_of_the_whole(bands: int) -> None:
    # Adler-32 of the scanlines and the IDAT CRC-32 are combined from the bands'.
    image = camera_frame((bands - 1) * band_rows(640, 3) + 5, 640)
    png = encode_png(image, 1, 3)
    pos, stream = 8, b""
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind, payload = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        assert int.from_bytes(png[pos + 8 + length : pos + 12 + length], "big") == zlib.crc32(kind + payload), kind
        if kind == b"IDAT":
            stream += payload
        pos += 12 + length
    inflater = zlib.decompressobj()
    scanlines = inflater.decompress(stream)  # zlib checks the Adler-32 trailer
    assert inflater.eof and inflater.unused_data == b""
    assert int.from_bytes(stream[-4:], "big") == zlib.adler32(scanlines)
    assert len(scanlines) == image.shape[0] * (640 * 3 + 1)


def test_png_threads_none_means_every_core_and_gives_the_same_bytes() -> None:
    image = camera_frame(600, 800)
    assert encode_png(image, 1, None) == encode_png(image, 1, 1)
    with _backend.use(core):
        assert frame64.encode(image, format="png") == frame64.encode(image, format="png", threads=1)


def test_any_thread_count_is_accepted_and_changes_no_byte() -> None:
    image = camera_frame(400, 1000)  # two bands
    assert encode_png(image, 1, 2**70) == encode_png(image, 1, 1)


@pytest.mark.parametrize("level", [0, 3, 9])
def test_other_levels_accept_threads_and_ignore_it(level: int) -> None:
    image = camera_frame(100, 120)
    assert encode_png(image, level, 4) == encode_png(image, level, 1)


@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_png_threads_is_checked_like_jpeg(backend: str) -> None:
    image = camera_frame(8, 8)
    with _backend.use(backend):
        with pytest.raises(ValueError, match="threads"):
            frame64.encode(image, format="png", threads=0)
        with pytest.raises(TypeError, match="threads"):
            frame64.encode(image, format="png", threads="2")
        assert frame64.decode(frame64.encode(image, format="png", threads=3)).tolist() == image.tolist()


def test_core_encode_png_rejects_threads_below_one() -> None:
    with pytest.raises(ValueError, match="threads"):
        core.encode_png(camera_frame(4, 4), 1, 1, False, threads=0)
    with pytest.raises(ValueError, match="threads"):
        _fallback.encode_png(camera_frame(4, 4), 1, 1, False, threads=0)


def test_level_1_size_stays_within_5_percent_of_the_single_stream() -> None:
    # Bands cost an aligning block each and no run across their edges; on a
    # camera frame that is far below the 1.05x size allowance.
    image = camera_frame(1080, 1920)
    banded = len(encode_png(image, 1, 1))
    rows = np.ascontiguousarray(image[..., ::-1]).reshape(1080, -1)
    single = core.png_deflate(_fallback_filter(rows), 1)
    assert banded <= 1.01 * len(single) + 100


def _fallback_filter(rows: np.ndarray) -> bytes:
    from frame64._fallback import png as fallback_png

    return fallback_png._filter_image(rows, 3, False, 2).tobytes()  # type: ignore[no-any-return]


def test_the_fallback_gives_the_same_pixels_but_may_give_other_bytes() -> None:
    image = camera_frame(200, 300)
    cpp = encode_png(image, 1, 1)
    with _backend.use(_fallback):
        python = base64.b64decode(frame64.encode(image, format="png", threads=2))
    for png in (cpp, python):
        np.testing.assert_array_equal(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED), image)
