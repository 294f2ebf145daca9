"""Frames with unusual sampling factors: accepted and refused as TurboJPEG 2.x does, on both backends.

The C++ core reads JPEG headers with libjpeg's API, as libjpeg-turbo 2.x's
tjDecompressHeader3 does (cpp/jpeg/jpeg_decoder.cpp read_header), so that the
result does not change with the libjpeg-turbo it is built with; the fallback
calls PyTurboJPEG. TurboJPEG refuses a frame whose subsampling it cannot name,
and names some written in non-standard ways (4:2:2 and 4:4:0 with 2x2 luma,
4:4:4 with equal factors). Each case patches the SOF of a real JPEG.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any, Tuple

import numpy as np
import pytest

import frame64
from frame64 import _backend

pytest.importorskip("frame64._core")

REFUSED = "corrupt JPEG header: tjDecompressHeader3(): Could not determine subsampling type for JPEG image"


def _jpeg(channels: int) -> bytes:
    y, x = np.mgrid[0:20, 0:24]
    frame = np.dstack([(x * 9) % 256, (y * 11) % 256, (x + y) * 5 % 256]).astype(np.uint8)
    if channels == 1:
        frame = np.ascontiguousarray(frame[:, :, 0])
        return base64.b64decode(frame64.encode(frame, pixel_format="GRAY"))
    return base64.b64decode(frame64.encode(frame, subsampling="444"))


def _with_factors(jpeg: bytes, factors: Tuple[Tuple[int, int], ...]) -> bytes:
    """jpeg with its SOF0 components' sampling factors set (h, v per component)."""
    at = jpeg.index(b"\xff\xc0")
    count = jpeg[at + 9]
    assert count == len(factors)
    data = bytearray(jpeg)
    for i, (h, v) in enumerate(factors):
        data[at + 10 + 3 * i + 1] = (h << 4) | v
    return bytes(data)


def _outcome(jpeg: bytes, backend: str) -> Tuple[str, Any]:
    with _backend.use(backend):
        try:
            return "ok", frame64.decode(base64.b64encode(jpeg).decode("ascii"), best_effort=True)
        except frame64.DecodeError as exc:
            return type(exc).__name__, str(exc)


FACTORS = [(h, v) for h in (1, 2, 3, 4) for v in (1, 2, 4)]
CHROMA = [(1, 1), (1, 2), (2, 1), (2, 2)]
CASES = [(luma, c, c) for luma, c in itertools.product(FACTORS, CHROMA)]
CASES += [((1, 1), (1, 1), (2, 2)), ((2, 2), (1, 2), (2, 1)), ((1, 2), (1, 2), (1, 2)), ((2, 2), (2, 2), (2, 2))]


@pytest.mark.parametrize("factors", CASES, ids=lambda f: "-".join(f"{h}x{v}" for h, v in f))
def test_backends_agree_on_three_component_sampling_factors(factors: Tuple[Tuple[int, int], ...]) -> None:
    jpeg = _with_factors(_jpeg(3), factors)
    cpp, python = _outcome(jpeg, "cpp"), _outcome(jpeg, "python")
    assert cpp[0] == python[0], (cpp, python)
    if cpp[0] == "ok":
        np.testing.assert_array_equal(cpp[1], python[1])
    else:
        assert cpp[1] == python[1]


@pytest.mark.parametrize(
    "factors, accepted",
    [
        (((2, 2), (1, 1), (1, 1)), True),  # 4:2:0
        (((2, 2), (1, 2), (1, 2)), True),  # 4:2:2 written with 2x2 luma
        (((2, 2), (2, 1), (2, 1)), True),  # 4:4:0 written with 2x2 luma
        (((1, 2), (1, 2), (1, 2)), True),  # 4:4:4 with equal factors (2 blocks per component)
        (((2, 2), (2, 2), (2, 2)), False),  # 4:4:4 with 4 blocks per component: over TurboJPEG's bound
        (((3, 1), (1, 1), (1, 1)), False),  # no TurboJPEG level
        (((1, 1), (2, 2), (2, 2)), False),  # chroma sampled more finely than luma
    ],
)
def test_which_sampling_factors_are_refused(factors: Tuple[Tuple[int, int], ...], accepted: bool) -> None:
    kind, value = _outcome(_with_factors(_jpeg(3), factors), "cpp")
    if accepted:
        assert kind == "ok", value
    else:
        assert (kind, value) == ("JpegDecodeError", REFUSED)


@pytest.mark.parametrize("factors", [(1, 1), (2, 2), (1, 4), (3, 1)], ids=str)
def test_gray_frames_ignore_their_sampling_factors(factors: Tuple[int, int]) -> None:
    jpeg = _with_factors(_jpeg(1), (factors,))
    cpp, python = _outcome(jpeg, "cpp"), _outcome(jpeg, "python")
    assert cpp[0] == "ok" and python[0] == "ok", (cpp, python)
    np.testing.assert_array_equal(cpp[1], python[1])


@pytest.mark.parametrize(
    "reworded, worded",
    [
        ("Invalid progressive/lossless parameters Ss=119 Se=63 Ah=0 Al=1", "Invalid progressive parameters Ss=119 Se=63 Ah=0 Al=1"),
        ("DCT coefficient (lossy) or spatial difference (lossless) out of range", "DCT coefficient out of range"),
        ("Memory limit exceeded", "Backing store not supported"),
        ("Bogus Huffman table definition", "Bogus Huffman table definition"),
    ],
)
def test_libjpeg_turbo_3_rewordings_are_put_back(reworded: str, worded: str) -> None:
    from frame64._formats import libjpeg_2x_wording

    assert libjpeg_2x_wording(reworded) == worded
