"""Leak checks: 100,000 calls of each entry point keep the process RSS flat.

Each test warms up, then makes LOOP_CALLS calls and asserts that the RSS grew
by at most TOLERANCE_BYTES (tests/_rss.py explains both numbers: a 100-byte
per-call leak would exceed the tolerance 2.4 times over). Inputs are small
so that the whole module runs in well under a minute; the large-input
variants sit just above the size where the GIL is released, so that path is
covered too. Select with ``-m leak``; deselect with ``-m "not leak"``.
RSS is meaningless under AddressSanitizer (its quarantine holds freed
memory), so scripts/sanitize.sh runs this module with the quarantine off.
"""

from __future__ import annotations

import binascii
from typing import Callable

import numpy as np
import pytest
from .._rss import LOOP_CALLS, TOLERANCE_BYTES, raises, rss_growth

import frame64
from frame64._sample import camera_frame

core = pytest.importorskip("frame64._core")

pytestmark = pytest.mark.leak

SMALL_FRAME = camera_frame(16, 16)
GIL_RELEASE_BYTES = 16 * 1024  # bindings/common.hpp kReleaseGilBytes
BLOB = bytes(range(256)) * 4  # 1 KiB
BIG_BLOB = bytes(range(256)) * (GIL_RELEASE_BYTES // 256 + 4)
BLOB_B64 = binascii.b2a_base64(BLOB, newline=False)
BIG_BLOB_B64 = binascii.b2a_base64(BIG_BLOB, newline=False)
MIME_B64 = binascii.b2a_base64(BLOB, newline=True) * 2
JPEG_TEXT = frame64.encode(SMALL_FRAME)
PNG_TEXT = frame64.encode(SMALL_FRAME, format="png", data_uri=True)
JPEG_BYTES = binascii.a2b_base64(JPEG_TEXT)
TRUNCATED_JPEG = binascii.b2a_base64(JPEG_BYTES[:200], newline=False)  # ends inside the tables
CUT_SCAN_JPEG = binascii.b2a_base64(JPEG_BYTES[:-40], newline=False)  # ends inside the entropy-coded data
OUT = np.empty(SMALL_FRAME.shape, np.uint8)
ENCODER = frame64.Encoder(threads=2)
DECODER = frame64.Decoder(threads=2)
BATCH_OUT = np.empty((3,) + SMALL_FRAME.shape, np.uint8)
GRAY_ENCODER = frame64.Encoder(pixel_format="GRAY", threads=2, max_pixels=None)  # TOO_LARGE must reach libjpeg-turbo
SMALL_GRAY = np.ascontiguousarray(SMALL_FRAME[:, :, 0])
# Over tjAlloc's 2 GiB worst case: a worker's compression fails before it
# reads a pixel (calloc'd zero pages, never touched, cost no RSS).
TOO_LARGE = np.zeros((16400, 65500), np.uint8)
# Creating and joining a 2-thread pool costs ~120 us, so that loop makes
# 50,000 calls, not 100,000: still over the 41,944 calls that a 100-byte
# per-call leak needs to exceed the tolerance (see tests/_rss.py).
POOL_LOOP_CALLS = 50_000

WRONG_OUT = np.empty((16, 17, 3), np.uint8)
PNG_TEXT_OTHER_SIZE = frame64.encode(camera_frame(8, 16), format="png")


def check_flat(call: Callable[[], object]) -> None:
    growth = rss_growth(call)
    assert growth <= TOLERANCE_BYTES, (
        f"RSS grew by {growth / 2**20:.2f} MiB over {LOOP_CALLS} calls "
        f"(tolerance {TOLERANCE_BYTES / 2**20:.0f} MiB): a leak of ~{growth / LOOP_CALLS:.0f} bytes per call"
    )


SUCCESS_CALLS: dict[str, Callable[[], object]] = {
    "encode": lambda: frame64.encode(SMALL_FRAME),
    "encode-gray-data-uri": lambda: frame64.encode(SMALL_FRAME[:, :, 0], pixel_format="GRAY", data_uri=True),
    "encode-crop-view": lambda: frame64.encode(SMALL_FRAME[2:14, 3:13]),
    "encode-copied-view": lambda: frame64.encode(SMALL_FRAME[::-1]),
    "core-b64encode": lambda: core.b64encode(BLOB),
    "core-b64encode-urlsafe-big": lambda: core.b64encode(BIG_BLOB, ord("-"), ord("_")),
    "core-b64encode-str": lambda: core.b64encode_str(BLOB, "data:x;base64,"),
    "core-b64decode": lambda: core.b64decode(BLOB_B64),
    "core-b64decode-strict-big": lambda: core.b64decode(BIG_BLOB_B64, True),
    "core-b64decode-str-mime": lambda: core.b64decode(MIME_B64.decode()),
    "b64encode-drop-in-urlsafe": lambda: frame64.urlsafe_b64encode(BLOB),
    "b64encode-str-drop-in": lambda: frame64.b64encode_str(BLOB),
    "b64decode-drop-in-validate": lambda: frame64.b64decode(BLOB_B64, validate=True),
    "b64decode-drop-in-altchars-str": lambda: frame64.b64decode(MIME_B64.decode(), altchars=b"-_"),
    "decode-jpeg": lambda: frame64.decode(JPEG_TEXT),
    "decode-jpeg-into-out": lambda: frame64.decode(JPEG_TEXT, out=OUT),
    "decode-png-data-uri": lambda: frame64.decode(PNG_TEXT, pixel_format="RGBA"),
    "decode-cut-scan-best-effort": lambda: frame64.decode(CUT_SCAN_JPEG, best_effort=True),
    "encoder-create-destroy-1-thread": lambda: frame64.Encoder(threads=1),
    "encoder-batch": lambda: ENCODER.encode_batch([SMALL_FRAME, SMALL_FRAME[::-1], SMALL_FRAME]),
    "encoder-imap": lambda: list(ENCODER.imap([SMALL_FRAME, SMALL_FRAME])),
    "decoder-batch": lambda: DECODER.decode_batch([JPEG_TEXT, PNG_TEXT, JPEG_TEXT.encode()]),
    "decoder-batch-into-out": lambda: DECODER.decode_batch([JPEG_TEXT] * 3, out=BATCH_OUT),
    "decoder-batch-scaled": lambda: frame64.Decoder(threads=1, scale=0.5).decode_batch([JPEG_TEXT] * 2),
    "decoder-imap": lambda: list(DECODER.imap([JPEG_TEXT, PNG_TEXT])),
    "encode-png-threads": lambda: frame64.encode(SMALL_FRAME, format="png", threads=3),
    "encode-png-level-2-threads": lambda: frame64.encode(SMALL_FRAME, format="png", compression=2, threads=2),
}

ERROR_CALLS: dict[str, Callable[[], object]] = {
    "b64decode-drop-in-bad-padding": raises(binascii.Error, lambda: frame64.b64decode(b"YWJjZA")),
    "b64decode-drop-in-validate-garbage": raises(binascii.Error, lambda: frame64.b64decode(b"YW!J", validate=True)),
    "b64encode-drop-in-str": raises(TypeError, lambda: frame64.b64encode("abc")),
    "b64decode-bad-padding": raises(binascii.Error, lambda: core.b64decode(b"YWJjZ")),
    "b64decode-strict-garbage": raises(binascii.Error, lambda: core.b64decode(b"YWJj!ZGVm", True)),
    "b64decode-non-ascii-str": raises(ValueError, lambda: core.b64decode("YWJj\u00e9")),
    "b64decode-not-a-buffer": raises(TypeError, lambda: core.b64decode(12345)),
    "b64encode-not-contiguous": raises(BufferError, lambda: core.b64encode(memoryview(BLOB)[::2])),
    "decode-cut-scan-default": raises(frame64.JpegDecodeError, lambda: frame64.decode(CUT_SCAN_JPEG)),
    "encode-wrong-dtype": raises(TypeError, lambda: frame64.encode(SMALL_FRAME.astype(np.float32))),
    "encode-wrong-shape": raises(ValueError, lambda: frame64.encode(SMALL_FRAME[:, :, :2])),
    "encode-bad-quality": raises(ValueError, lambda: frame64.encode(SMALL_FRAME, quality=0)),
    "encode-bad-option-type": raises(TypeError, lambda: frame64.encode(SMALL_FRAME, progressive="yes")),
    "decode-truncated-jpeg": raises(frame64.DecodeError, lambda: frame64.decode(TRUNCATED_JPEG)),
    "decode-cut-scan-strict": raises(frame64.DecodeError, lambda: frame64.decode(CUT_SCAN_JPEG, strict=True)),
    "decode-bad-base64": raises(frame64.DecodeError, lambda: frame64.decode(JPEG_TEXT[:-5] + "!")),
    "decode-wrong-data-uri": raises(frame64.DecodeError, lambda: frame64.decode("data:text/plain;base64," + JPEG_TEXT)),
    "decode-unknown-format": raises(frame64.DecodeError, lambda: frame64.decode("R0lGODlhAQABAAAAACw=")),
    "decode-over-max-pixels": raises(frame64.DecodeError, lambda: frame64.decode(JPEG_TEXT, max_pixels=255)),
    "decode-wrong-out": raises(ValueError, lambda: frame64.decode(JPEG_TEXT, out=WRONG_OUT)),
    "decode-bad-argument": raises(TypeError, lambda: frame64.decode(12345)),
    "encoder-bad-frame-mid-batch": raises(
        ValueError, lambda: ENCODER.encode_batch([SMALL_FRAME, SMALL_FRAME, SMALL_FRAME[:, :, :2], SMALL_FRAME])
    ),
    "encoder-compression-error-mid-batch": raises(
        RuntimeError, lambda: GRAY_ENCODER.encode_batch([SMALL_GRAY, SMALL_GRAY, TOO_LARGE, SMALL_GRAY])
    ),
    "encoder-bad-option": raises(ValueError, lambda: frame64.Encoder(threads=0)),
    "decoder-bad-item-mid-batch": raises(
        frame64.JpegDecodeError, lambda: DECODER.decode_batch([JPEG_TEXT, CUT_SCAN_JPEG, JPEG_TEXT])
    ),
    "decoder-wrong-size-mid-batch-into-out": raises(
        ValueError, lambda: DECODER.decode_batch([JPEG_TEXT, JPEG_TEXT, PNG_TEXT_OTHER_SIZE], out=BATCH_OUT)
    ),
    "decoder-imap-error": raises(frame64.DecodeError, lambda: list(DECODER.imap([JPEG_TEXT, TRUNCATED_JPEG]))),
    # Straight into the C++ core, past the Python validation: the buffer is
    # taken, then the core's own checks throw; the buffer must be released.
    "core-encode-float-buffer": raises(
        TypeError, lambda: core.encode_jpeg(SMALL_FRAME.astype(np.float32), 1, 90, 2, False, False, False)
    ),
    "core-encode-bad-pixel-format": raises(
        ValueError, lambda: core.encode_jpeg(SMALL_FRAME, 99, 90, 2, False, False, False)
    ),
    "core-encode-wrong-channels": raises(
        ValueError, lambda: core.encode_jpeg(SMALL_FRAME, 7, 90, 2, False, False, False)
    ),
    "core-encode-png-threads-below-one": raises(ValueError, lambda: core.encode_png(SMALL_FRAME, 1, 1, False, threads=0)),
    "encode-png-bad-threads": raises(ValueError, lambda: frame64.encode(SMALL_FRAME, format="png", threads=0)),
}


@pytest.mark.parametrize("name", list(SUCCESS_CALLS))
def test_success_path_is_flat(name: str) -> None:
    check_flat(SUCCESS_CALLS[name])


@pytest.mark.parametrize("name", list(ERROR_CALLS))
def test_error_path_is_flat(name: str) -> None:
    check_flat(ERROR_CALLS[name])


def test_encoder_pool_create_and_destroy_is_flat() -> None:
    growth = rss_growth(lambda: frame64.Encoder(threads=2).encode(SMALL_FRAME), calls=POOL_LOOP_CALLS, warmup=500)
    assert growth <= TOLERANCE_BYTES, f"RSS grew by {growth / 2**20:.2f} MiB over {POOL_LOOP_CALLS} pools"


# Two bands of about 1 MiB each: every call deflates them on a pool of its
# own (threads - 1 workers) and joins them. Each call allocates megabytes, so
# a few hundred calls show any leak of its buffers or threads.
BANDED_FRAME = camera_frame(720, 640)
BANDED_CALLS = 300


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_banded_png_is_flat(threads: int) -> None:
    growth = rss_growth(
        lambda: frame64.encode(BANDED_FRAME, format="png", threads=threads), calls=BANDED_CALLS, warmup=20
    )
    assert growth <= TOLERANCE_BYTES, f"RSS grew by {growth / 2**20:.2f} MiB over {BANDED_CALLS} banded PNGs"


def test_a_real_leak_is_detected() -> None:
    """The harness can fail: holding on to 100 bytes per call trips it."""
    kept: list[bytes] = []
    growth = rss_growth(lambda: kept.append(bytes(100)))
    assert growth > TOLERANCE_BYTES, f"a 100-byte-per-call leak grew RSS by only {growth} bytes"
