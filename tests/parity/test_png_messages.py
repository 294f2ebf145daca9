"""Broken PNGs: the C++ core (libspng behind frame64's structure check) and the
fallback's reader refuse each one with the same PngDecodeError message, or
both decode it to the same pixels.

The corpus: every truncation point class, a byte flipped in each part of the
file (signature, IHDR, IDAT, IEND), rule breaks of the specification
(ISO/IEC 15948: unknown critical chunk, PLTE in a gray image, tRNS rules,
split IDAT runs, no IDAT) and damaged zlib streams (RFC 1950 header, deflate
data, Adler-32, a stream that stops early or runs on).
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame

pytest.importorskip("frame64._core")

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, payload: bytes, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + payload) if crc is None else crc
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", value)


def ihdr(width: int = 4, height: int = 4, depth: int = 8, colour: int = 0, interlace: int = 0) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace))


def gray_png(stream: bytes, *extra: bytes) -> bytes:
    """A 4x4 8-bit gray PNG with this IDAT stream and these chunks before it."""
    return SIGNATURE + ihdr() + b"".join(extra) + chunk(b"IDAT", stream) + chunk(b"IEND", b"")


def corpus() -> dict[str, bytes]:
    png = base64.b64decode(frame64.encode(camera_frame(40, 48, seed=4), format="png"))
    head, body = png[:33], png[33:]
    rows = b"\0" * 20  # 4 rows of filter type 0 + 4 samples
    stream = zlib.compress(rows)
    flushing = zlib.compressobj()
    unfinished = flushing.compress(rows) + flushing.flush(zlib.Z_SYNC_FLUSH)
    cases = {f"cut-{n}": png[:n] for n in (9, 16, 20, 33, 40, 60, len(png) // 2, len(png) - 20, len(png) - 12, len(png) - 1)}
    cases.update({f"flip-{i}": png[:i] + bytes([png[i] ^ 0x55]) + png[i + 1 :]
                  for i in (8, 12, 16, 24, 25, 26, 27, 28, 30, 37, 41, 45, 60, 80, 200, len(png) - 30, len(png) - 8, len(png) - 3)})
    cases.update({
        "unknown-critical-chunk": head + chunk(b"ABCD", b"xx") + body,
        "bad-ancillary-crc": head + chunk(b"teXt", b"a\0b", 5) + body,
        "bad-ancillary-crc-first": SIGNATURE + chunk(b"teXt", b"a\0b", 5) + png[8:],
        "ancillary-before-ihdr": SIGNATURE + chunk(b"teXt", b"a\0b") + png[8:],
        "bad-chunk-type": head + chunk(b"IDA\x01", b"") + body,
        "quote-in-chunk-type": head + b"\0\0\0\0'abc\0\0\0\0" + body,
        "chunk-length-over-2-31": head + b"\x80\0\0\0IDAT" + body,
        "ihdr-12-bytes": SIGNATURE + chunk(b"IHDR", b"\0" * 12) + png[33:],
        "zero-width": SIGNATURE + ihdr(width=0) + png[33:],
        "depth-3": SIGNATURE + ihdr(depth=3) + png[33:],
        "interlace-2": SIGNATURE + ihdr(interlace=2) + png[33:],
        "second-ihdr": gray_png(stream, ihdr()),
        "plte-in-gray": gray_png(stream, chunk(b"PLTE", b"\0" * 3)),
        "palette-without-plte": SIGNATURE + ihdr(colour=3) + chunk(b"IDAT", stream) + chunk(b"IEND", b""),
        "trns-wrong-size": gray_png(stream, chunk(b"tRNS", b"\0")),
        "trns-twice": gray_png(stream, chunk(b"tRNS", b"\0\0"), chunk(b"tRNS", b"\0\0")),
        "split-idat": SIGNATURE + ihdr() + chunk(b"IDAT", stream[:5]) + chunk(b"teXt", b"a\0b")
        + chunk(b"IDAT", stream[5:]) + chunk(b"IEND", b""),
        "no-idat": SIGNATURE + ihdr() + chunk(b"IEND", b""),
        "no-iend": SIGNATURE + ihdr() + chunk(b"IDAT", stream),
        "short-stream": gray_png(zlib.compress(rows[:12])),
        "garbage-stream": gray_png(b"\x78\x9c" + bytes(range(200))),
        "bad-filter-type": gray_png(zlib.compress(b"\x09" + rows[1:])),
        "zlib-check-bits": gray_png(b"\x78\x9d" + stream[2:]),
        "zlib-preset-dictionary": gray_png(b"\x78\xbb" + stream[2:]),
        "zlib-method-7": gray_png(b"\x77\x01" + stream[2:]),
        "zlib-window-over-32k": gray_png(b"\x88\x1c" + stream[2:]),
        "one-byte-stream": gray_png(b"\x78"),
        "empty-stream": gray_png(b""),
        "bad-adler32": gray_png(stream[:-4] + b"\0\0\0\0"),
        "no-adler32": gray_png(stream[:-4]),
        "unfinished-stream": gray_png(unfinished),
        "bytes-after-stream": gray_png(stream + b"junk"),
    })
    return cases


CORPUS = corpus()


def outcome(data: bytes, backend: Any, strict: bool) -> tuple[str, Any]:
    with _backend.use(backend):
        try:
            return "ok", frame64.decode(base64.b64encode(data), strict=strict, pixel_format="RGBA")
        except frame64.DecodeError as exc:
            return type(exc).__name__, str(exc)


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
@pytest.mark.parametrize("name", list(CORPUS))
def test_both_backends_refuse_with_one_message_or_decode_alike(name: str, strict: bool) -> None:
    cpp = outcome(CORPUS[name], _backend.module("cpp"), strict)
    python = outcome(CORPUS[name], _fallback, strict)
    assert cpp[0] == python[0], (cpp, python)
    if cpp[0] == "ok":
        assert np.array_equal(cpp[1], python[1])
    else:
        assert cpp[0] == "PngDecodeError" and cpp[1] == python[1]


def test_the_corpus_reaches_every_kind_of_refusal() -> None:
    """The corpus is not all one case: it meets each stage of the reader."""
    messages = [outcome(data, _fallback, False)[1] for data in CORPUS.values()]
    texts = " | ".join(m for m in messages if isinstance(m, str))
    for part in ("truncated before IEND", "is truncated", "CRC mismatch", "first chunk is not IHDR",
                 "unknown critical chunk", "bad chunk type b\"", "IHDR must be 13 bytes", "bit depth 3",
                 "PLTE in a gray image", "bad tRNS chunk", "not consecutive", "no IDAT chunk", "palette image without PLTE",
                 "(image data): the image data is truncated", "(image data): the compressed image data is corrupt",
                 "(image data): unknown filter type"):
        assert part in texts, part
