"""JPEGs that libjpeg-turbo 3.x reads further than 2.x: frame64 stops where 2.x stops.

libjpeg-turbo 3.0 added lossless JPEG (SOF3, SOF11) and 12-bit lossy JPEG to
the decompressor that 2.x refuses them from, and moved its "two SOF markers"
check before the segment is read. frame64 is built against either (Debian
12's 2.1.5, the wheel's 3.1.2), and its fallback calls PyTurboJPEG on the
system's library; cpp/jpeg/jpeg_decoder.cpp (stops_in_libjpeg2) makes a 3.x
build stop with 2.x's error at 2.x's point. The expected texts below are 2.x's
(the fallback on 2.x gives them too, and is compared wherever it runs on 2.x).
On a 2.x build these tests hold without that code; the wheel's run in a bare
Debian (scripts/bare-wheel-test.sh, in .ci/run) is where they bite.
"""

from __future__ import annotations

import base64
from typing import Any, Dict, Tuple

import numpy as np
import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame

CORE = pytest.importorskip("frame64._core")

MODES = ({}, {"strict": True}, {"best_effort": True})
HEADER = "corrupt JPEG header: "
DATA = "corrupt JPEG data: "
PREMATURE = "Premature end of JPEG file"
MADE_UP = f"JPEG data is truncated or corrupt, so part of the frame would be made up: {PREMATURE} (best_effort=True returns that frame anyway)"
STRICT = f"JPEG data has a defect that libjpeg-turbo reports as a warning (strict=True rejects it): {PREMATURE}"
TWO_SOF = "Invalid JPEG file structure: two SOF markers"


def _unsupported(marker: int) -> str:
    return f"Unsupported JPEG process: SOF type 0x{marker:02x}"


def _jpeg(**options: Any) -> bytes:
    return base64.b64decode(frame64.encode(camera_frame(24, 32), quality=80, **options))


BASELINE = _jpeg()
PROGRESSIVE = _jpeg(progressive=True)
SOF = BASELINE.index(b"\xff\xc0")
SOF_SEGMENT = BASELINE[SOF : SOF + 19]  # 3 components: 2 + 17 bytes
SOS = BASELINE.index(b"\xff\xda")
# Where the progressive JPEG's second scan (its SOS or the DHT before it) begins.
SCAN_2 = min(
    PROGRESSIVE.index(marker, PROGRESSIVE.index(b"\xff\xda") + 2) for marker in (b"\xff\xda", b"\xff\xc4")
)


def _as_marker(segment: bytes, marker: int) -> bytes:
    return b"\xff" + bytes([marker]) + segment[2:]


def _outcome(impl: Any, jpeg: bytes, **mode: Any) -> Tuple[str, Any]:
    with _backend.use(impl):
        try:
            return ("ok", frame64.decode(base64.b64encode(jpeg).decode(), **mode))
        except (ValueError, TypeError) as exc:
            return (type(exc).__name__, str(exc))


def _fallback_on_libjpeg_turbo_2() -> bool:
    import ctypes

    from frame64._fallback._turbo import turbojpeg

    path = turbojpeg()._TurboJPEG__find_turbojpeg()  # PyTurboJPEG's own search for its library
    return not hasattr(ctypes.CDLL(path), "tj3Init")


# name -> (JPEG bytes, the message for each of MODES)
CASES: Dict[str, Tuple[bytes, Tuple[str, str, str]]] = {}
for marker in (0xC3, 0xCB):  # lossless Huffman, lossless arithmetic
    fatal = (HEADER + _unsupported(marker),) * 3
    CASES[f"sof{marker - 0xC0}-in-place-of-sof0"] = (BASELINE[:SOF] + _as_marker(BASELINE[SOF:], marker), fatal)
    CASES[f"sof{marker - 0xC0}-after-sof0"] = (
        BASELINE[:SOS] + _as_marker(SOF_SEGMENT, marker) + BASELINE[SOS:],
        fatal,
    )
    CASES[f"sof{marker - 0xC0}-between-scans"] = (
        PROGRESSIVE[:SCAN_2] + _as_marker(SOF_SEGMENT, marker) + PROGRESSIVE[SCAN_2:],
        (DATA + _unsupported(marker),) * 3,
    )
    for kept in (0, 3):  # cut off at the marker or inside its segment: 3.x would read on
        CASES[f"sof{marker - 0xC0}-cut-{kept}"] = (
            BASELINE[:2] + _as_marker(SOF_SEGMENT, marker)[: 2 + kept],
            fatal,
        )
CASES["precision-12"] = (
    BASELINE[: SOF + 4] + b"\x0c" + BASELINE[SOF + 5 :],
    (HEADER + "Unsupported JPEG data precision 12",) * 3,
)
# A second SOF after the first scan: 2.x reads its first 8 bytes before it
# says "two SOF markers", through the fake end-of-image when fewer are left.
for kept in range(0, 10):
    short = kept < 8
    CASES[f"second-sof-with-{kept}-bytes"] = (
        PROGRESSIVE[:SCAN_2] + SOF_SEGMENT.replace(b"\xff\xc0", b"\xff\xc2")[: 2 + kept],
        (MADE_UP, STRICT, DATA + TWO_SOF) if short else (DATA + TWO_SOF,) * 3,
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_stops_where_libjpeg_turbo_2_stops(name: str) -> None:
    jpeg, messages = CASES[name]
    compare_fallback = _fallback_on_libjpeg_turbo_2()
    for mode, message in zip(MODES, messages):
        got = _outcome(CORE, jpeg, **mode)
        assert got == ("JpegDecodeError", message), (mode, got)
        if compare_fallback:
            assert _outcome(_fallback, jpeg, **mode) == got, mode


def test_the_jpegs_are_otherwise_sound() -> None:
    """The unpatched inputs decode, so each case above fails for its patch alone."""
    for jpeg in (BASELINE, PROGRESSIVE):
        for mode in MODES:
            status, frame = _outcome(CORE, jpeg, **mode)
            assert status == "ok" and isinstance(frame, np.ndarray) and frame.shape == (24, 32, 3)
