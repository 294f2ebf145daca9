"""frame64.decode: differential tests against OpenCV, PyTurboJPEG and the stdlib.

Every test that takes the ``backend`` fixture runs once with the C++ core and
once with the pure-Python fallback; tests named *_backends_agree compare the
two directly, arrays and error messages alike.

Test JPEGs come from frame64.encode (baseline) or PyTurboJPEG (progressive,
CMYK): a progressive frame64.encode would leave the thread's compressor in
libjpeg-turbo 2.1's broken reuse state and corrupt later baseline encodes.
"""

from __future__ import annotations

import base64
import binascii
import threading
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import frame64
from frame64 import DecodeError, JpegDecodeError, _backend, _fallback
from frame64._sample import camera_frame

from ..conftest import UseBackend, cv2

PIXEL_FORMATS = ["BGR", "RGB", "BGRA", "RGBA", "GRAY"]
SUBSAMPLINGS = ["444", "422", "420", "440", "411", "gray"]
SMALL_SIZES = [(1, 1), (1, 9), (9, 1), (2, 2), (17, 23), (31, 33), (64, 48)]
TJFLAG_ACCURATEDCT = 4096
TJFLAG_PROGRESSIVE = 16384
TJPF_CMYK = 11


def _available_backends() -> list[Any]:
    params = [pytest.param(_fallback, id="python")]
    try:
        from frame64 import _core
    except ImportError:
        params.insert(0, pytest.param(None, id="cpp", marks=pytest.mark.skip(reason="frame64._core not built")))
    else:
        params.insert(0, pytest.param(_core, id="cpp"))
    return params


@pytest.fixture(params=_available_backends())
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> Any:
    """frame64.decode routed through one backend."""
    use_backend(request.param)
    return request.param


def _outcome(call: Callable[[], np.ndarray]) -> Any:
    """("ok", array) or (exception class name, message): comparable across backends."""
    try:
        return ("ok", call())
    except (DecodeError, ValueError, TypeError) as exc:
        return (type(exc).__name__, str(exc))


MODES = ({"best_effort": True}, {}, {"strict": True})  # the three strictness behaviours


def _both_backends(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
    core = pytest.importorskip("frame64._core", exc_type=ImportError)
    results = []
    for impl in (core, _fallback):
        with _backend.use(impl):
            results.append(_outcome(lambda: frame64.decode(*args, **kwargs)))
    return results[0], results[1]


def _assert_same_outcome(first: Any, second: Any) -> None:
    assert first[0] == second[0], (first, second)
    if first[0] == "ok":
        assert first[1].shape == second[1].shape
        np.testing.assert_array_equal(first[1], second[1])
    else:
        assert first[1] == second[1]


def _opencv(jpeg: bytes, pixel_format: str) -> np.ndarray:
    """OpenCV's decode of the same JPEG, in pixel_format."""
    buffer = np.frombuffer(jpeg, np.uint8)
    if pixel_format == "GRAY":
        return cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE)
    bgr = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    assert bgr is not None
    rgb = np.ascontiguousarray(bgr[..., ::-1])
    alpha = np.full(bgr.shape[:2] + (1,), 255, np.uint8)
    return {
        "BGR": bgr,
        "RGB": rgb,
        "BGRA": np.concatenate([bgr, alpha], axis=-1),
        "RGBA": np.concatenate([rgb, alpha], axis=-1),
    }[pixel_format]


def _jpeg_of(text: str) -> bytes:
    return base64.b64decode(text.split(",", 1)[1] if text.startswith("data:") else text, validate=True)


def _turbo() -> Any:
    from turbojpeg import TurboJPEG

    return TurboJPEG()


@pytest.fixture(scope="module")
def small_jpeg() -> bytes:
    """A 16x24 4:2:0 JPEG from PyTurboJPEG (about 800 bytes)."""
    return _turbo().encode(camera_frame(16, 24), quality=90, jpeg_subsample=2, flags=TJFLAG_ACCURATEDCT)


@pytest.fixture(scope="module")
def frame_1080p() -> np.ndarray:
    return camera_frame(1080, 1920)


# --- round trips against OpenCV -------------------------------------------


@pytest.mark.parametrize("data_uri", [False, True], ids=["plain", "data_uri"])
@pytest.mark.parametrize("subsampling", SUBSAMPLINGS)
@pytest.mark.parametrize("size", SMALL_SIZES, ids=[f"{h}x{w}" for h, w in SMALL_SIZES])
def test_round_trip_matches_opencv(backend: Any, size: tuple[int, int], subsampling: str, data_uri: bool) -> None:
    height, width = size
    text = frame64.encode(camera_frame(height, width), subsampling=subsampling, data_uri=data_uri)
    jpeg = _jpeg_of(text)
    for pixel_format in PIXEL_FORMATS:
        decoded = frame64.decode(text, pixel_format=pixel_format, strict=True)
        expected = _opencv(jpeg, pixel_format)
        assert decoded.dtype == np.uint8 and decoded.flags.c_contiguous
        assert decoded.shape == ((height, width) if pixel_format == "GRAY" else (height, width, len(pixel_format)))
        np.testing.assert_array_equal(decoded, expected)


@pytest.mark.parametrize("pixel_format", PIXEL_FORMATS)
def test_round_trip_1080p(backend: Any, frame_1080p: np.ndarray, pixel_format: str) -> None:
    text = frame64.encode(frame_1080p, data_uri=True)
    decoded = frame64.decode(text, pixel_format=pixel_format)
    np.testing.assert_array_equal(decoded, _opencv(_jpeg_of(text), pixel_format))
    # And it is the frame itself, up to JPEG's loss.
    if pixel_format == "BGR":
        assert np.abs(decoded.astype(np.int16) - frame_1080p).mean() < 3


@pytest.mark.parametrize("source", ["GRAY", "BGRA", "RGB"])
def test_round_trip_other_encode_formats(backend: Any, source: str) -> None:
    frame = camera_frame(21, 35, channels={"GRAY": 1, "BGRA": 4, "RGB": 3}[source])
    text = frame64.encode(frame, pixel_format=source, subsampling="444")
    jpeg = _jpeg_of(text)
    for pixel_format in PIXEL_FORMATS:
        np.testing.assert_array_equal(frame64.decode(text, pixel_format=pixel_format), _opencv(jpeg, pixel_format))


@pytest.mark.parametrize("subsampling", [0, 1, 2, 3])
def test_progressive_jpeg_matches_opencv(backend: Any, subsampling: int) -> None:
    jpeg = _turbo().encode(
        camera_frame(37, 53), quality=85, jpeg_subsample=subsampling, flags=TJFLAG_ACCURATEDCT | TJFLAG_PROGRESSIVE
    )
    text = base64.b64encode(jpeg).decode()
    for pixel_format in PIXEL_FORMATS:
        decoded = frame64.decode(text, pixel_format=pixel_format, strict=True)
        np.testing.assert_array_equal(decoded, _opencv(jpeg, pixel_format))


def test_format_is_sniffed_not_taken_from_the_media_type(backend: Any) -> None:
    text = frame64.encode(camera_frame(8, 8))
    expected = frame64.decode(text)
    for header in ("data:image/png;base64,", "DATA:IMAGE/WEBP;BASE64,", "data:image/jpeg;name=a.jpg;base64,",
                   ' \n data:image/jpeg;charset="x";base64,'):
        np.testing.assert_array_equal(frame64.decode(header + text), expected)


def test_every_input_type_gives_the_same_frame(backend: Any) -> None:
    text = frame64.encode(camera_frame(20, 30), data_uri=True)
    expected = frame64.decode(text)
    raw = text.encode()
    for data in (raw, bytearray(raw), memoryview(raw), np.frombuffer(raw, np.uint8), memoryview(raw * 2)[: len(raw)]):
        np.testing.assert_array_equal(frame64.decode(data), expected)


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_mime_wrapped_base64(backend: Any, line_end: str) -> None:
    frame = camera_frame(90, 120)
    text = frame64.encode(frame)
    wrapped = base64.encodebytes(_jpeg_of(text)).decode().replace("\n", line_end)
    assert wrapped.count(line_end) > 10
    np.testing.assert_array_equal(frame64.decode(wrapped), frame64.decode(text))
    indented = "  " + wrapped.replace(line_end, line_end + "\t ") + "  "
    np.testing.assert_array_equal(frame64.decode("data:image/jpeg;base64," + indented), frame64.decode(text))


# --- out= ------------------------------------------------------------------


@pytest.mark.parametrize("pixel_format", PIXEL_FORMATS)
def test_out_is_filled_in_place(backend: Any, pixel_format: str) -> None:
    text = frame64.encode(camera_frame(48, 64), data_uri=True)
    expected = frame64.decode(text, pixel_format=pixel_format)
    out = np.full(expected.shape, 7, np.uint8)
    result = frame64.decode(text, pixel_format=pixel_format, out=out)
    assert result is out
    np.testing.assert_array_equal(out, expected)


def test_out_allocates_no_pixels(backend: Any) -> None:
    text = frame64.encode(camera_frame(480, 640))
    out = np.empty((480, 640, 3), np.uint8)
    frame64.decode(text, out=out)  # warm-up: per-thread handles and buffers
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        assert frame64.decode(text, out=out) is out
        _, with_out = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        fresh = frame64.decode(text)
        _, without_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(fresh, out)
    assert without_out >= out.nbytes  # numpy reports its pixel buffers to tracemalloc
    assert with_out < out.nbytes // 4


def _bad_outs(shape: tuple[int, ...]) -> list[tuple[str, np.ndarray, str]]:
    height, width = shape[:2]
    readonly = np.empty(shape, np.uint8)
    readonly.flags.writeable = False
    fortran = np.asfortranarray(np.empty(shape, np.uint8))
    strided = np.empty((height, width * 2) + shape[2:], np.uint8)[:, ::2]
    return [
        ("float", np.empty(shape, np.float32), "dtype uint8"),
        ("int8", np.empty(shape, np.int8), "dtype uint8"),
        ("taller", np.empty((height + 1,) + shape[1:], np.uint8), "this image needs"),
        ("transposed_shape", np.empty((width, height) + shape[2:], np.uint8), "this image needs"),
        ("extra_axis", np.empty(shape + (1,), np.uint8), "this image needs"),
        ("flat", np.empty(int(np.prod(shape)), np.uint8), "this image needs"),
        ("fortran", fortran, "C-contiguous"),
        ("strided", strided, "C-contiguous"),
        ("readonly", readonly, "read-only"),
    ]


@pytest.mark.parametrize("pixel_format", ["BGR", "RGBA", "GRAY"])
def test_bad_out_raises_valueerror_with_expected_shape(backend: Any, pixel_format: str) -> None:
    text = frame64.encode(camera_frame(6, 10))
    shape = frame64.decode(text, pixel_format=pixel_format).shape
    if pixel_format == "GRAY":
        bad_outs = _bad_outs(shape) + [("gray_with_axis", np.empty(shape + (1,), np.uint8), "this image needs")]
    else:
        bad_outs = _bad_outs(shape) + [("gray_shape", np.empty(shape[:2], np.uint8), "this image needs")]
    for name, out, fragment in bad_outs:
        with pytest.raises(ValueError, match=fragment) as info:
            frame64.decode(text, pixel_format=pixel_format, out=out)
        assert not isinstance(info.value, DecodeError), name
        assert str(shape) in str(info.value), name


def test_out_must_be_an_array(backend: Any) -> None:
    text = frame64.encode(camera_frame(4, 4))
    for out in ([[0]], bytearray(48), memoryview(bytearray(48))):
        with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
            frame64.decode(text, out=out)  # type: ignore[arg-type]


def test_out_errors_backends_agree() -> None:
    text = frame64.encode(camera_frame(5, 7))
    for name, out, _ in _bad_outs((5, 7, 3)):
        first, second = _both_backends(text, out=out)
        assert first[0] == "ValueError", name
        _assert_same_outcome(first, second)


# --- bad input ---------------------------------------------------------------

INVALID_BASE64 = [
    "!!!!",
    "/9j/4A!A",
    "AB=C",
    "A",
    "ABCDE",
    "AB=",
    "AB===",
    "ABC==",
    "=AAA",
    "AAAA=",
    "A=AA",
    "AAAA====",
    "AA==AA==",
    "AAAA-_AA",
    "AAé=",
    "AAAA\x00AAA",
    "data:image/jpeg;base64,AA%AA",
]


@pytest.mark.parametrize("text", INVALID_BASE64)
def test_invalid_base64(backend: Any, text: str) -> None:
    with pytest.raises(DecodeError, match="^invalid base64: "):
        frame64.decode(text)
    if text.isascii():
        with pytest.raises(DecodeError, match="^invalid base64: "):
            frame64.decode(text.encode())


@pytest.mark.parametrize("text", INVALID_BASE64)
def test_invalid_base64_backends_agree(text: str) -> None:
    _assert_same_outcome(*_both_backends(text))


def test_invalid_base64_message_gives_the_position(backend: Any) -> None:
    text = frame64.encode(camera_frame(8, 8), data_uri=True)
    bad = text[:40] + "*" + text[41:]
    with pytest.raises(DecodeError, match=r"character '\*' at position 40 "):
        frame64.decode(bad)
    with pytest.raises(DecodeError, match="character 0xE9 at position 3 "):
        frame64.decode("AAAé")
    with pytest.raises(DecodeError, match=r"ends inside a group of 4 characters \(3 given\)"):
        frame64.decode(text[:-1])


@pytest.mark.parametrize("data", ["", b"", "   \n\t ", "data:image/jpeg;base64,", "data:image/jpeg;base64,\r\n"])
def test_empty_data(backend: Any, data: Any) -> None:
    with pytest.raises(DecodeError, match="no image data"):
        frame64.decode(data)


def test_random_bytes_are_not_an_image(backend: Any) -> None:
    rng = np.random.default_rng(4)
    for size in (1, 2, 3, 7, 100, 5000):
        payload = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        if payload[:3] == b"\xff\xd8\xff":
            continue
        with pytest.raises(DecodeError, match="not a JPEG or PNG image: the decoded data starts with"):
            frame64.decode(base64.b64encode(payload))
    with pytest.raises(DecodeError, match="starts with 3c 68 74 6d 6c 3e$"):
        frame64.decode(base64.b64encode(b"<html>"))


@settings(deadline=None, max_examples=150)
@given(st.binary(min_size=0, max_size=400))
def test_random_jpeg_like_bytes_backends_agree(tail: bytes) -> None:
    """Bytes behind a JPEG SOI marker: DecodeError or an image, the same from both backends."""
    text = base64.b64encode(b"\xff\xd8\xff" + tail)
    for mode in MODES:
        first, second = _both_backends(text, **mode)
        assert first[0] in ("ok", "JpegDecodeError")
        _assert_same_outcome(first, second)


def test_png_is_sniffed_and_decoded_exactly(backend: Any) -> None:
    frame = camera_frame(9, 13)
    ok, png = cv2.imencode(".png", frame)
    assert ok
    encoded = base64.b64encode(png.tobytes()).decode()
    # A wrong media type does not matter: the magic bytes decide.
    for text in (encoded, "data:image/png;base64," + encoded, "data:image/jpeg;base64," + encoded):
        np.testing.assert_array_equal(frame64.decode(text), frame)
        np.testing.assert_array_equal(frame64.decode(text, pixel_format="RGB"), frame[..., ::-1])
    out = np.empty((9, 13, 3), np.uint8)
    assert frame64.decode(encoded, out=out) is out
    np.testing.assert_array_equal(out, frame)
    with pytest.raises(ValueError, match=r"this image needs \(9, 13, 3\)"):
        frame64.decode(encoded, out=np.empty((9, 12, 3), np.uint8))
    with pytest.raises(DecodeError, match="over max_pixels=100"):
        frame64.decode(encoded, max_pixels=100)
    with pytest.raises(DecodeError):
        frame64.decode(base64.b64encode(png.tobytes()[:-20]).decode())


def test_every_truncation_of_a_small_jpeg(backend: Any, small_jpeg: bytes) -> None:
    """Cut anywhere: the default and strict modes always refuse (a JPEG cut in
    its scan would come back gray-filled); best_effort refuses or decodes what
    libjpeg-turbo can, as PyTurboJPEG does, and never crashes."""
    turbo = _turbo()
    decoded_lengths = []
    for length in range(len(small_jpeg)):
        text = base64.b64encode(small_jpeg[:length])
        expected = JpegDecodeError if length >= 3 else DecodeError  # under 3 bytes it is no JPEG
        for mode in ({}, {"strict": True}):
            with pytest.raises(expected) as raised:
                frame64.decode(text, **mode)
            assert type(raised.value) is expected
        try:
            image = frame64.decode(text, best_effort=True)
        except DecodeError:
            continue
        decoded_lengths.append(length)
        assert image.shape == (16, 24, 3)
        with warnings.catch_warnings(record=True):  # PyTurboJPEG warns: "Premature end of JPEG file"
            warnings.simplefilter("always")
            oracle = turbo.decode(small_jpeg[:length], flags=TJFLAG_ACCURATEDCT)
        np.testing.assert_array_equal(image, oracle)
    # The scan data is the last ~190 bytes: those truncations decode (gray-filled).
    assert len(decoded_lengths) > 100 and decoded_lengths[-1] == len(small_jpeg) - 1


def test_every_truncation_backends_agree(small_jpeg: bytes) -> None:
    for length in range(len(small_jpeg)):
        text = base64.b64encode(small_jpeg[:length])
        for mode in MODES:
            _assert_same_outcome(*_both_backends(text, **mode))


def test_fatal_error_after_a_warning_is_an_error(backend: Any, small_jpeg: bytes) -> None:
    """libjpeg-turbo (2.1.5 here) reports TJERR_WARNING when a fatal error
    followed a warning ("Premature end of JPEG file", then "Huffman table
    0x0f was not defined"); such an image is incomplete and must not be
    returned."""
    turbo = _turbo()
    found = 0
    for length in range(len(small_jpeg)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                turbo.decode(small_jpeg[:length], flags=TJFLAG_ACCURATEDCT)
            except OSError:
                continue
        messages = [str(w.message) for w in caught]
        if any("not defined" in m or "no image" in m for m in messages):
            found += 1
            with pytest.raises(DecodeError):
                frame64.decode(base64.b64encode(small_jpeg[:length]))
    assert found > 0  # PyTurboJPEG alone returns a half-filled array for these


def _with_extraneous_bytes(jpeg: bytes) -> bytes:
    assert jpeg[-2:] == b"\xff\xd9"
    return jpeg[:-2] + b"\x00\x01\x02" + jpeg[-2:]


def test_warning_only_jpeg_decodes_unless_strict(backend: Any, small_jpeg: bytes) -> None:
    """libjpeg-turbo 2.1 reports junk before the EOI marker as the warning
    'Corrupt JPEG data: 1 extraneous bytes before marker 0xd9' (the entropy
    decoder takes the first junk bytes as scan data)."""
    jpeg = _with_extraneous_bytes(small_jpeg)
    text = base64.b64encode(jpeg).decode()
    for pixel_format in PIXEL_FORMATS:
        np.testing.assert_array_equal(frame64.decode(text, pixel_format=pixel_format), _opencv(jpeg, pixel_format))
    warning = r"warning \(strict=True rejects it\): Corrupt JPEG data: \d+ extraneous bytes before marker 0xd9$"
    with pytest.raises(DecodeError, match=warning):
        frame64.decode(text, strict=True)


def test_truncated_scan_decodes_only_with_best_effort(backend: Any, small_jpeg: bytes) -> None:
    text = base64.b64encode(small_jpeg[:-60]).decode()
    assert frame64.decode(text, best_effort=True).shape == (16, 24, 3)
    with pytest.raises(JpegDecodeError, match="^JPEG data is truncated or corrupt, so part of the frame would be made "
                       r"up: Premature end of JPEG file \(best_effort=True returns that frame anyway\)$"):
        frame64.decode(text)
    with pytest.raises(JpegDecodeError, match="strict=True rejects it.: Premature end of JPEG file$"):
        frame64.decode(text, strict=True)


def test_corrupt_header(backend: Any, small_jpeg: bytes) -> None:
    broken = bytearray(small_jpeg)
    sof = small_jpeg.index(b"\xff\xc0")
    broken[sof + 9] = 0  # the first component's sampling factors: 0x0 is invalid
    with pytest.raises(DecodeError, match="^corrupt JPEG"):
        frame64.decode(base64.b64encode(bytes(broken)))


def _with_size(jpeg: bytes, height: int, width: int) -> bytes:
    """The same JPEG with its SOF0 frame header claiming another size (ITU T.81 B.2.2)."""
    sof = jpeg.index(b"\xff\xc0")
    patched = bytearray(jpeg)
    patched[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(patched)


def test_decompression_bomb_is_refused_before_allocating(backend: Any, small_jpeg: bytes) -> None:
    bomb = base64.b64encode(_with_size(small_jpeg, 60000, 60000))  # 3.6 Gpx: 10 GiB as BGR
    assert len(bomb) < 2000
    frame64.decode(base64.b64encode(small_jpeg))  # warm-up
    tracemalloc.start()
    try:
        with pytest.raises(DecodeError, match=r"60000x60000 \(3600000000 pixels\), over max_pixels=178956970"):
            frame64.decode(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def test_max_pixels_boundary(backend: Any) -> None:
    text = frame64.encode(camera_frame(10, 20))
    assert frame64.decode(text, max_pixels=200).shape == (10, 20, 3)
    with pytest.raises(DecodeError, match="over max_pixels=199"):
        frame64.decode(text, max_pixels=199)
    assert frame64.decode(text, max_pixels=None).shape == (10, 20, 3)
    assert frame64.MAX_PIXELS_DEFAULT == 178_956_970


def test_large_claimed_size_within_max_pixels_is_an_error_not_a_crash(backend: Any, small_jpeg: bytes) -> None:
    """A header claiming 600x800 over 16x24 pixels of data: a warning-level
    truncation, an error unless best_effort (which fills it gray)."""
    text = base64.b64encode(_with_size(small_jpeg, 600, 800))
    image = frame64.decode(text, best_effort=True)
    assert image.shape == (600, 800, 3)
    for mode in ({}, {"strict": True}):
        with pytest.raises(JpegDecodeError):
            frame64.decode(text, **mode)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("data:image/jpeg;base64" + "A" * 2000, "no ',' ends its header"),
        ("data:image/jpeg,AAAA", "is not base64"),
        ("data:,AAAA", "is not base64"),
        ("data:text/plain;base64,AAAA", "media type 'text/plain' is not an image type"),
        ("data:image;base64,AAAA", "is not of the form type/subtype"),
        ("data:image/jp eg;base64,AAAA", "is not of the form type/subtype"),
        ("data:image/jpeg;foo;base64,AAAA", "parameter 'foo' is not attribute=value"),
        (b"data:image/jpeg;base64" + b"A" * 2000, "no ',' ends its header"),
    ],
)
def test_malformed_data_uri(backend: Any, data: Any, fragment: str) -> None:
    with pytest.raises(DecodeError, match=fragment):
        frame64.decode(data)


@pytest.mark.parametrize("header", ["data:;base64,", "data:;charset=US-ASCII;base64,", " DATA:;BASE64,"])
@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_data_uri_without_a_media_type(backend: Any, header: str, fmt: str) -> None:
    """RFC 2397 lets the media type be left out; the format comes from the bytes anyway."""
    frame = camera_frame(12, 20)
    text = frame64.encode(frame, format=fmt)
    np.testing.assert_array_equal(frame64.decode(header + text), frame64.decode(text))
    with pytest.raises(DecodeError, match="is not base64"):
        frame64.decode("data:;," + text)


# --- arguments -------------------------------------------------------------


def test_argument_errors(backend: Any) -> None:
    text = frame64.encode(camera_frame(4, 4))
    assert frame64.decode(text, pixel_format="rgb").shape == (4, 4, 3)
    with pytest.raises(ValueError, match="pixel_format must be one of"):
        frame64.decode(text, pixel_format="YUV")
    with pytest.raises(TypeError, match="pixel_format must be a str"):
        frame64.decode(text, pixel_format=1)  # type: ignore[arg-type]
    for value in (0, -5):
        with pytest.raises(ValueError, match="max_pixels must be at least 1"):
            frame64.decode(text, max_pixels=value)
    for value in ("10", 1.5, True):
        with pytest.raises(TypeError, match="max_pixels must be an int or None"):
            frame64.decode(text, max_pixels=value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="strict must be a bool"):
        frame64.decode(text, strict=1)  # type: ignore[arg-type]
    for data in (123, None, ["AAAA"], 4.5):
        with pytest.raises(TypeError, match="^data must be"):
            frame64.decode(data)  # type: ignore[arg-type]


def test_decode_error_is_a_valueerror() -> None:
    assert issubclass(DecodeError, ValueError)
    assert frame64.DecodeError is frame64._errors.DecodeError


# --- base64 properties ------------------------------------------------------

_TEXT_CHARS = st.sampled_from(list("AQgw+/9z=") + [" ", "\n", "\r", "\t", "!", "-", "\x00", "é"])


@settings(deadline=None, max_examples=300)
@given(st.lists(_TEXT_CHARS, max_size=24).map("".join))
def test_base64_acceptance_matches_the_stdlib(text: str) -> None:
    """Valid exactly when the text, whitespace removed, is padded standard
    base64 (base64.b64decode with validate=True, length a multiple of 4);
    both backends give the same message either way."""
    first, second = _both_backends(text)
    _assert_same_outcome(first, second)
    stripped = "".join(text.split(None))
    try:
        payload = base64.b64decode(stripped, validate=True) if len(stripped) % 4 == 0 else None
    except (binascii.Error, ValueError):
        payload = None
    if payload is None:
        assert first[1].startswith("invalid base64: ")
    elif not payload:
        assert first[1] == "no image data: the base64 payload is empty"
    else:
        assert first[1] == "not a JPEG or PNG image: the decoded data starts with " + " ".join(
            f"{b:02x}" for b in payload[:8]
        )


@settings(deadline=None, max_examples=60)
@given(st.data())
def test_whitespace_anywhere_is_ignored(data: st.DataObject) -> None:
    text = frame64.encode(camera_frame(8, 12))
    chars = list(text)
    for _ in range(data.draw(st.integers(0, 20))):
        where = data.draw(st.integers(0, len(chars)))
        chars.insert(where, data.draw(st.sampled_from([" ", "\n", "\r\n", "\t", "\x0b", "\x0c"])))
    first, second = _both_backends("".join(chars))
    assert first[0] == "ok"
    _assert_same_outcome(first, second)
    np.testing.assert_array_equal(first[1], frame64.decode(text))


# --- the C++ core ------------------------------------------------------------


def _supported_kernels() -> list[str]:
    if frame64.backend != "cpp":
        return []
    core = _backend.current()
    try:
        return list(core.supported_simd())
    except TypeError:  # bind_base64.cpp returns a std::vector without pybind11/stl.h (a bug in main)
        return sorted({core.simd(), "scalar"})


@pytest.fixture(params=["auto"] + _supported_kernels())
def simd_kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    core = pytest.importorskip("frame64._core", exc_type=ImportError)
    previous = core.simd()
    core.set_simd(request.param)
    try:
        yield request.param
    finally:
        core.set_simd(previous)


@pytest.mark.parametrize("size", [(33, 47), (240, 320)])
def test_every_base64_kernel_decodes_the_same(simd_kernel: str, size: tuple[int, int]) -> None:
    core = pytest.importorskip("frame64._core", exc_type=ImportError)
    text = frame64.encode(camera_frame(*size))
    expected = _fallback.decode_image(text, 0, 1, None, 1 << 32, 1, True)
    wrapped = base64.encodebytes(_jpeg_of(text)).decode()
    for data in (text, wrapped, "data:image/jpeg;base64," + wrapped.replace("\n", "\r\n")):
        start = frame64._decode.data_uri_payload_start(data)
        np.testing.assert_array_equal(core.decode_image(data, start, 1, None, 1 << 32, 1, True), expected)


def test_core_rejects_bad_internal_arguments() -> None:
    core = pytest.importorskip("frame64._core", exc_type=ImportError)
    text = frame64.encode(camera_frame(4, 4))
    with pytest.raises(ValueError, match="start is past the end"):
        core.decode_image(text, len(text) + 1, 1, None, 100, 1, True)
    with pytest.raises(ValueError, match="pixel_format"):
        core.decode_image(text, 0, 11, None, 100, 1, True)
    with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
        core.decode_image(text, 0, 1, bytearray(48), 100, 1, True)


def test_threads_decode_independently(backend: Any) -> None:
    """Per-thread TurboJPEG handles and buffers: concurrent decodes of
    different images (and failures in between) do not disturb each other."""
    texts = [frame64.encode(camera_frame(40 + i, 60 + 3 * i, seed=i)) for i in range(6)]
    expected = [frame64.decode(t) for t in texts]
    barrier = threading.Barrier(4)

    def work(worker: int) -> bool:
        barrier.wait()
        for round_ in range(15):
            index = (worker + round_) % len(texts)
            if round_ % 5 == 0:
                with pytest.raises(DecodeError):
                    frame64.decode(texts[index][: len(texts[index]) // 2 // 4 * 4], strict=True)
            if not np.array_equal(frame64.decode(texts[index]), expected[index]):
                return False
        return True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(4)))


def test_handle_is_clean_after_a_failed_header(backend: Any, small_jpeg: bytes) -> None:
    """libjpeg-turbo 2.1 leaves a reused handle mid-header after some failed
    tjDecompressHeader3 calls; the next good image must still decode right."""
    good = base64.b64encode(small_jpeg)
    expected = frame64.decode(good)
    for length in (1, 30, 200, 619):
        with pytest.raises(DecodeError):
            frame64.decode(base64.b64encode(small_jpeg[:length]), strict=True)
        np.testing.assert_array_equal(frame64.decode(good), expected)


def test_module_exports() -> None:
    for name in ("decode", "DecodeError", "MAX_PIXELS_DEFAULT"):
        assert name in frame64.__all__
        assert hasattr(frame64, name)


def test_decode_image_bytes_is_decode_without_base64(backend: Any, small_jpeg: bytes) -> None:
    expected = frame64.decode(base64.b64encode(small_jpeg), pixel_format="RGBA")
    out = np.empty_like(expected)
    assert backend.decode_image_bytes(small_jpeg, 7, out, 1 << 32, 1, True) is out
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(backend.decode_image_bytes(bytearray(small_jpeg), 7, None, 1 << 32, 1, True), expected)
    for bad in (b"", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", small_jpeg[:100]):
        with pytest.raises(DecodeError):
            backend.decode_image_bytes(bad, 1, None, 1 << 32, 2, True)


def test_corrupted_jpegs_backends_agree(small_jpeg: bytes) -> None:
    """Random byte changes anywhere (markers, tables, scan data): DecodeError
    or an image, the same from both backends, in both modes."""
    rng = np.random.default_rng(11)
    for _ in range(150):
        corrupted = bytearray(small_jpeg)
        for where in rng.integers(0, len(corrupted), rng.integers(1, 4)):
            corrupted[where] = int(rng.integers(0, 256))
        text = base64.b64encode(bytes(corrupted))
        sniffed = corrupted[:3] == b"\xff\xd8\xff"  # else the change broke the JPEG's magic number
        for mode in MODES:
            first, second = _both_backends(text, **mode)
            assert first[0] in (("ok", "JpegDecodeError") if sniffed else ("DecodeError",))
            _assert_same_outcome(first, second)


@pytest.mark.parametrize("pixel_format", ["BGR", "RGB", "BGRA", "RGBA", "GRAY"])
@pytest.mark.parametrize("shape", [(1, 1), (17, 33), (480, 640)])
def test_png_round_trip_through_decode_is_exact(backend: Any, pixel_format: str, shape: tuple) -> None:
    channels = {"BGR": 3, "RGB": 3, "BGRA": 4, "RGBA": 4, "GRAY": 1}[pixel_format]
    frame = camera_frame(*shape, channels)
    for data_uri in (False, True):
        text = frame64.encode(frame, format="png", pixel_format=pixel_format, data_uri=data_uri)
        np.testing.assert_array_equal(frame64.decode(text, pixel_format=pixel_format), frame)
