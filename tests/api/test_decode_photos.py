"""Photos as they come: EXIF-rotated JPEGs (oracle: cv2.imdecode) and CMYK/YCCK JPEGs (oracle: Pillow).

Every test runs on both backends; the *_backends_agree tests compare the two
directly, array for array.
"""

from __future__ import annotations

import base64
import io
import warnings
from typing import Any

import numpy as np
import pytest
from PIL import Image
from turbojpeg import TJFLAG_ACCURATEDCT, TJPF_CMYK, TurboJPEG

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame, exif_segment, with_segment

from ..conftest import UseBackend, cv2
from ..photo_corpus import segment_span, cmyk_corpus, pillow_jpeg

PIXEL_FORMATS = ["BGR", "RGB", "BGRA", "RGBA", "GRAY"]
BACKENDS = ["cpp", "python"] if frame64.backend == "cpp" else ["python"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> str:
    if request.param == "python":
        use_backend(_fallback)
    return str(request.param)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _cv2(jpeg: bytes, flags: int | None = None) -> np.ndarray:
    """cv2.imdecode with flags (IMREAD_COLOR unless given)."""
    result = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR if flags is None else flags)
    assert result is not None
    return result


def _as_format(bgr: np.ndarray, pixel_format: str) -> np.ndarray:
    if pixel_format == "BGR":
        return bgr
    rgb = bgr[..., ::-1]
    alpha = np.full(bgr.shape[:2] + (1,), 255, np.uint8)
    return {"RGB": rgb, "BGRA": np.concatenate([bgr, alpha], 2), "RGBA": np.concatenate([rgb, alpha], 2)}[pixel_format]


# --- EXIF orientation ----------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("shape", [(30, 50), (17, 33), (1, 9)])
def test_pillow_photo_comes_back_as_opencv_shows_it(backend: str, orientation: int, shape: tuple[int, int]) -> None:
    jpeg = pillow_jpeg(camera_frame(*shape), orientation, quality=90)
    expected = _cv2(jpeg)
    got = frame64.decode(_b64(jpeg))
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(frame64.decode(_b64(jpeg), orientation="ignore"),
                                  _cv2(jpeg, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION))
    np.testing.assert_array_equal(frame64.decode(_b64(jpeg), pixel_format="GRAY"), _cv2(jpeg, cv2.IMREAD_GRAYSCALE))


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("little_endian", [True, False], ids=["II", "MM"])
def test_both_byte_orders(backend: str, orientation: int, little_endian: bool) -> None:
    jpeg = with_segment(frame64_jpeg(), exif_segment(orientation, little_endian=little_endian))
    np.testing.assert_array_equal(frame64.decode(_b64(jpeg)), _cv2(jpeg))


def frame64_jpeg() -> bytes:
    return base64.b64decode(frame64.encode(camera_frame(24, 40), subsampling="444"))


@pytest.mark.parametrize("pixel_format", PIXEL_FORMATS)
@pytest.mark.parametrize("orientation", [3, 6, 7])
def test_every_pixel_format_is_turned_alike(backend: str, pixel_format: str, orientation: int) -> None:
    jpeg = pillow_jpeg(camera_frame(20, 36), orientation, quality=95)
    if pixel_format == "GRAY":
        expected = _cv2(jpeg, cv2.IMREAD_GRAYSCALE)
    else:
        expected = _as_format(_cv2(jpeg), pixel_format)
    np.testing.assert_array_equal(frame64.decode(_b64(jpeg), pixel_format=pixel_format), expected)


def test_out_takes_the_upright_shape(backend: str) -> None:
    jpeg = pillow_jpeg(camera_frame(30, 50), 6)
    out = np.empty((50, 30, 3), np.uint8)
    assert frame64.decode(_b64(jpeg), out=out) is out
    np.testing.assert_array_equal(out, _cv2(jpeg))
    with pytest.raises(ValueError, match=r"^out has shape \(30, 50, 3\); this image needs \(50, 30, 3\)$"):
        frame64.decode(_b64(jpeg), out=np.empty((30, 50, 3), np.uint8))
    assert frame64.decode(_b64(jpeg), orientation="ignore", out=np.empty((30, 50, 3), np.uint8)).shape == (30, 50, 3)


def test_max_pixels_names_the_upright_sides(backend: str) -> None:
    jpeg = pillow_jpeg(camera_frame(30, 50), 8)
    with pytest.raises(frame64.JpegDecodeError, match=r"^image is 30x50 \(1500 pixels\), over max_pixels=1499;"):
        frame64.decode(_b64(jpeg), max_pixels=1499)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("EXIF", None, None),  # case-insensitive, as every choice
        ("rotate", ValueError, "orientation must be one of 'exif', 'ignore'; got 'rotate'"),
        (True, TypeError, "orientation must be a str, one of 'exif', 'ignore'; got bool"),
    ],
)
def test_orientation_argument(value: Any, error: Any, message: Any) -> None:
    text = _b64(frame64_jpeg())
    if error is None:
        assert frame64.decode(text, orientation=value).shape == (24, 40, 3)
        return
    with pytest.raises(error) as raised:
        frame64.decode(text, orientation=value)
    assert str(raised.value) == message


def test_png_ignores_orientation(backend: str) -> None:
    frame = camera_frame(5, 7)
    text = frame64.encode(frame, format="png")
    np.testing.assert_array_equal(frame64.decode(text, orientation="exif"), frame)


# --- CMYK and YCCK ---------------------------------------------------------------


@pytest.mark.parametrize("pixel_format", PIXEL_FORMATS)
@pytest.mark.parametrize("name", sorted(cmyk_corpus()))
def test_cmyk_matches_pillow(backend: str, name: str, pixel_format: str) -> None:
    jpeg, image = cmyk_corpus()[name]
    if pixel_format == "GRAY":
        expected = np.asarray(image.convert("L"))
    else:
        expected = _as_format(np.asarray(image.convert("RGB"))[..., ::-1], pixel_format)
    got = frame64.decode(_b64(jpeg), pixel_format=pixel_format)
    assert got.shape == expected.shape
    assert np.abs(got.astype(np.int16) - expected).max() <= 1, name


@pytest.mark.parametrize("name", sorted(cmyk_corpus()))
def test_cmyk_backends_agree(name: str) -> None:
    if "cpp" not in BACKENDS:
        pytest.skip("the C++ core is not built")
    jpeg = with_segment(cmyk_corpus()[name][0], exif_segment(5))
    for pixel_format in PIXEL_FORMATS:
        results = []
        for module in (frame64._backend.module("cpp"), _fallback):
            with _backend.use(module):
                results.append(frame64.decode(_b64(jpeg), pixel_format=pixel_format))
        np.testing.assert_array_equal(results[0], results[1])
        assert results[0].shape[:2] == cmyk_corpus()[name][1].size  # transposed by orientation 5


def _adobe_variants() -> dict[str, tuple[bytes, bool]]:
    """name -> (a CMYK JPEG whose APP14 segment was moved or reshaped, libjpeg sees it as Adobe's)."""
    jpeg = cmyk_corpus()["adobe-wide"][0]
    start, end = segment_span(jpeg, 0xEE)
    segment, rest = jpeg[start:end], jpeg[:start] + jpeg[end:]
    assert segment[4:9] == b"Adobe" and len(segment) == 16  # 12 data bytes after the length
    sof = rest.index(b"\xff\xc0")
    # Two data bytes short: "Adobe" and a transform still follow, but past the segment's end.
    short = jpeg[:start] + b"\xff\xee\x00\x0c" + segment[4:] + jpeg[end:]
    variants = {
        "as-written": (jpeg, True),
        "fill-bytes-before-app14": (jpeg[:start] + b"\xff\xff\xff" + jpeg[start:], True),
        "fill-bytes-before-sof": (rest[:sof] + b"\xff" + segment + b"\xff" + rest[sof:], True),
        "app14-two-bytes-short": (short, False),
    }
    progressive = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(progressive, "JPEG", quality=92, progressive=True)
    data = progressive.getvalue()
    start, end = segment_span(data, 0xEE)
    data = data[:start] + data[end:]
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    # Read by jpeg_start_decompress, which takes a progressive file to its end.
    variants["between-progressive-scans"] = (data[:second_scan] + segment + data[second_scan:], True)
    return variants


@pytest.mark.parametrize("name", sorted(_adobe_variants()))
def test_cmyk_adobe_segment_read_as_libjpeg_reads_it(name: str) -> None:
    """An APP14 segment counts as Adobe's (inverted CMYK) when libjpeg's examine_app14
    says so: by its own length, wherever the marker walk meets it. Found by the fuzz
    smoke: a 12-byte APP14 whose "Adobe" ran past its end inverted only the fallback."""
    if "cpp" not in BACKENDS:
        pytest.skip("the C++ core is not built")
    jpeg, inverted = _adobe_variants()[name]
    results = []
    for module in (frame64._backend.module("cpp"), _fallback):
        with _backend.use(module):
            results.append(frame64.decode(_b64(jpeg), best_effort=True))
    np.testing.assert_array_equal(results[0], results[1])
    with warnings.catch_warnings():  # the short segment leaves 2 extraneous bytes: a warning
        warnings.simplefilter("ignore")
        stored = TurboJPEG().decode(jpeg, pixel_format=TJPF_CMYK, flags=TJFLAG_ACCURATEDCT)
    cmyk = 255 - stored if inverted else stored  # Adobe's files store inverted CMYK
    expected = np.asarray(Image.fromarray(np.ascontiguousarray(cmyk), "CMYK").convert("RGB"))[..., ::-1]
    assert np.abs(results[0].astype(np.int16) - expected).max() <= 1, name


def test_cmyk_truncated_raises_like_any_jpeg(backend: str) -> None:
    jpeg = cmyk_corpus()["adobe-wide"][0]
    with pytest.raises(frame64.JpegDecodeError, match="Premature end of JPEG file"):
        frame64.decode(_b64(jpeg[:-40]))
    assert frame64.decode(_b64(jpeg[:-40]), best_effort=True).shape == (48, 96, 3)


def test_strict_and_best_effort_contradict() -> None:
    with pytest.raises(ValueError, match="^strict=True and best_effort=True contradict each other; pass one of them$"):
        frame64.decode(_b64(frame64_jpeg()), strict=True, best_effort=True)
    with pytest.raises(TypeError, match="^best_effort must be a bool, got int$"):
        frame64.decode(_b64(frame64_jpeg()), best_effort=1)
