"""Defective photos: every truncation, corrupt entropy data, benign warnings in
front of harmful ones, hostile EXIF segments. Both backends must give the same
arrays or the same exception (type and message) for each, in each of the three
strictness modes, and never invent pixels by default.
"""

from __future__ import annotations

import base64
from typing import Any, Callable

import numpy as np
import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._sample import exif_segment, with_segment

from ..conftest import cv2
from ..photo_corpus import REAL_JPEG_NAMES, real_jpegs, real_png

MODES: list[dict[str, Any]] = [{"best_effort": True}, {}, {"strict": True}]
MODE_IDS = ["best_effort", "default", "strict"]
if frame64.backend != "cpp":
    pytest.skip("the backends are compared: the C++ core is not built", allow_module_level=True)
CORE = _backend.module("cpp")
MADE_UP = "so part of the frame would be made up"


def _outcome(call: Callable[[], np.ndarray]) -> Any:
    try:
        return ("ok", call())
    except (ValueError, TypeError) as exc:
        return (type(exc).__name__, str(exc))


def both(data: bytes, **kwargs: Any) -> tuple[Any, Any]:
    """(C++ outcome, fallback outcome) of frame64.decode(base64 of data)."""
    text = base64.b64encode(data).decode()
    results = []
    for module in (CORE, _fallback):
        with _backend.use(module):
            results.append(_outcome(lambda: frame64.decode(text, **kwargs)))
    return results[0], results[1]


def _libjpeg_turbo_majors() -> tuple[int, int]:
    """The libjpeg-turbo major versions of (the C++ core, PyTurboJPEG's library).

    They differ with the self-contained wheel (3.1.2, static) beside Debian 12's
    libturbojpeg (2.1.5) for the fallback: scripts/bare-wheel-test.sh."""
    import ctypes

    from frame64._fallback._turbo import turbojpeg

    turbo = turbojpeg()
    path = turbo._TurboJPEG__find_turbojpeg()  # PyTurboJPEG's own search for the library it loaded
    return int(CORE.turbojpeg_version.split(".")[0]), 3 if hasattr(ctypes.CDLL(path), "tj3Init") else 2


def assert_same(first: Any, second: Any) -> None:
    assert first[0] == second[0], (first[:1], second[:1], first[1] if first[0] != "ok" else second[1])
    if first[0] == "ok":
        np.testing.assert_array_equal(first[1], second[1])
    else:
        assert first[1] == second[1]


@pytest.mark.parametrize("name", REAL_JPEG_NAMES)
def test_every_truncation_of_a_real_jpeg(name: str) -> None:
    jpeg = real_jpegs()[name]
    decoded = 0
    # The pixels libjpeg-turbo makes up for the missing scans of a truncated
    # progressive JPEG changed in 3.x; where the backends run different major
    # versions, only those frames' shapes are compared (docs/wheels.md).
    core_major, fallback_major = _libjpeg_turbo_majors()
    made_up_may_differ = core_major != fallback_major and "progressive" in name
    for length in range(3, len(jpeg)):
        cut = jpeg[:length]
        for mode in MODES:
            first, second = both(cut, **mode)
            if made_up_may_differ and mode.get("best_effort") and first[0] == second[0] == "ok":
                assert first[1].shape == second[1].shape, length
            else:
                assert_same(first, second)
            if mode.get("best_effort"):
                decoded += first[0] == "ok"
            else:
                assert first[0] == "JpegDecodeError", (length, mode)
    assert decoded > 0  # best_effort still returns the frames libjpeg-turbo can fill in


def test_every_truncation_of_a_png() -> None:
    png = real_png()
    for length in range(8, len(png)):
        for mode in MODES:
            first, second = both(png[:length], **mode)
            assert first[0] == second[0] == "PngDecodeError", (length, mode, first, second)


def _scan_start(jpeg: bytes) -> int:
    sos = jpeg.index(b"\xff\xda")
    return sos + 2 + int.from_bytes(jpeg[sos + 2 : sos + 4], "big")


@pytest.mark.parametrize("name", REAL_JPEG_NAMES)
def test_corrupt_entropy_data(name: str) -> None:
    jpeg = real_jpegs()[name]
    rng = np.random.default_rng(12)
    start = _scan_start(jpeg)
    made_up = 0
    for _ in range(40):
        damaged = bytearray(jpeg)
        for where in rng.integers(start, len(jpeg) - 2, 3):
            damaged[where] = int(rng.integers(0, 256))
        for mode in MODES:
            first, second = both(bytes(damaged), **mode)
            if name == "pillow-progressive-exif" and not mode and MADE_UP in str(first[1]) + str(second[1]):
                # Known limit of the fallback (docs/bad-input.md): behind a benign warning in a
                # progressive JPEG, it may name a later pixel-inventing warning than the C++ core.
                assert first[0] == second[0] == "JpegDecodeError" and MADE_UP in first[1] and MADE_UP in second[1]
            else:
                assert_same(first, second)
            if not mode and first[0] != "ok":
                made_up += MADE_UP in first[1]
    assert made_up > 0


def test_benign_warnings_do_not_hide_harmful_ones() -> None:
    """Extraneous bytes (benign) before a table, then a truncated scan (harmful):
    the default raises for the truncation on both backends, though TurboJPEG
    (the fallback's library) reports only the first warning."""
    jpeg = real_jpegs()["opencv-baseline"]
    dqt = jpeg.index(b"\xff\xdb")
    junk = jpeg[:dqt] + b"\x10\x20\x30" + jpeg[dqt:]
    clean = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    first, second = both(junk)
    assert_same(first, second)
    np.testing.assert_array_equal(first[1], clean)  # benign: decoded, the same pixels
    for cut in (len(junk) - 2, len(junk) - 300):
        first, second = both(junk[:cut])
        assert_same(first, second)
        assert first[0] == "JpegDecodeError" and "Premature end of JPEG file" in first[1]
    first, second = both(junk, strict=True)
    assert_same(first, second)
    assert first[1].endswith("Corrupt JPEG data: 3 extraneous bytes before marker 0xdb")


def test_webcam_bytes_before_eoi_decode_by_default() -> None:
    """Many MJPEG webcams leave bytes between the scan and EOI: no pixel is lost."""
    jpeg = real_jpegs()["opencv-baseline"]
    webcam = jpeg[:-2] + bytes(range(1, 41)) + jpeg[-2:]
    first, second = both(webcam)
    assert_same(first, second)
    np.testing.assert_array_equal(first[1], cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR))
    first, second = both(webcam, strict=True)
    assert_same(first, second)
    assert first[0] == "JpegDecodeError" and "extraneous bytes before marker 0xd9" in first[1]


@pytest.mark.parametrize("major", [0, 3, 9])
def test_unknown_jfif_version_is_benign_but_not_a_cover(major: int) -> None:
    jpeg = bytearray(real_jpegs()["opencv-baseline"])
    assert jpeg[6:11] == b"JFIF\0"
    jpeg[11] = major
    assert_same(*both(bytes(jpeg)))
    assert both(bytes(jpeg))[0][0] == "ok"
    first, second = both(bytes(jpeg[:-100]))
    assert_same(first, second)
    assert "Premature end of JPEG file" in first[1]


# name -> (segment, the orientation frame64 reads from it)
HOSTILE_EXIF = {
    "IFD0 offset past the end": (exif_segment(6, ifd_offset=1 << 30), 1),
    "IFD0 offset 0 (inside the header)": (exif_segment(6, ifd_offset=0), 1),
    "IFD0 offset at the last byte": (exif_segment(6)[:-4] + b"\0\0\0\0", 6),
    "65535 entries claimed, one present (the ones inside are read)": (exif_segment(6, count=65535), 6),
    "no entries": (exif_segment(6, count=0), 1),
    "Orientation as a LONG": (exif_segment(6, value_type=4), 1),
    "Orientation 0": (exif_segment(0), 1),
    "Orientation 9": (exif_segment(9), 1),
    "Orientation 65535": (exif_segment(65535), 1),
    "next-IFD link to IFD0 itself (never followed)": (exif_segment(3)[:-4] + b"\x08\0\0\0", 3),
    "bad byte order": (exif_segment(6).replace(b"Exif\0\0II", b"Exif\0\0IM"), 1),
    "bad TIFF magic": (exif_segment(6).replace(b"II*\0", b"II+\0"), 1),
    "TIFF header cut short": (b"\xff\xe1\x00\x0cExif\0\0II*\0", 1),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_EXIF))
def test_hostile_exif_is_bounds_checked(name: str) -> None:
    segment, orientation = HOSTILE_EXIF[name]
    base = real_jpegs()["opencv-baseline"]
    jpeg = with_segment(base, segment)
    for mode in MODES:
        for turn in ("exif", "ignore"):
            first, second = both(jpeg, orientation=turn, **mode)
            assert_same(first, second)
    stored = both(jpeg, orientation="ignore")[0][1]
    expected = stored if orientation == 1 else stored[::-1, ::-1]  # 3 and 6 are the only others used
    if orientation == 6:
        expected = np.rot90(stored, -1)
    np.testing.assert_array_equal(both(jpeg)[0][1], expected)


def test_segment_longer_than_the_file_is_a_corrupt_header() -> None:
    jpeg = with_segment(real_jpegs()["opencv-baseline"], b"\xff\xe1\xff\xf0Exif\0\0II*\0")
    for mode in MODES:
        first, second = both(jpeg, **mode)
        assert_same(first, second)
        assert first[0] == "JpegDecodeError"
