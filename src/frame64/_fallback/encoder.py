"""The pure-Python BatchEncoder: PyTurboJPEG strips stitched in Python (mirrors bind_encoder.cpp).

Same contract and byte-identical results as ``frame64._core.BatchEncoder``
(cpp/jpeg/jpeg_strips.cpp has the reasoning, after ITU T.81 B.2.4.4 and
F.1.2.3): strips of a whole number of MCU rows are compressed on their own
and joined with the first strip's headers, the frame height patched into SOF,
a DRI segment before SOS, and RST0..RST7 between the strips' scans.
PyTurboJPEG calls release the GIL (ctypes), so a ThreadPoolExecutor gives
real parallelism.
"""

from __future__ import annotations

import concurrent.futures
import os
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._errors import JpegError
from .._formats import DATA_URI_PREFIX, DRI, MCU_SIZE, RST0, SOS, is_sof, jpeg_segments
from .arrays import base64_str
from .jpeg import compress
from .yuv import compress_yuv, layout_subsampling, yuv_rows

_SEQUENTIAL_HUFFMAN_SOF = (0xC0, 0xC1)


def plan_strips(width: int, height: int, subsampling: int, progressive: bool, strip_mcu_rows: int) -> tuple[int, int, int]:
    """(strips, strip height, restart interval), as jpeg::plan_strips."""
    mcu_width, mcu_height = MCU_SIZE[subsampling]
    mcu_rows = -(-height // mcu_height)
    if strip_mcu_rows <= 0 or strip_mcu_rows >= mcu_rows or progressive:
        return 1, height, 0
    mcus_per_row = -(-width // mcu_width)
    interval = mcus_per_row * strip_mcu_rows
    if interval > 65535:
        raise ValueError(
            f"strip_rows: {strip_mcu_rows} MCU rows of {mcus_per_row} MCUs exceed the 65535-MCU restart interval"
        )
    return -(-mcu_rows // strip_mcu_rows), strip_mcu_rows * mcu_height, interval


def scan_layout(jpeg: bytes) -> tuple[int, int, int] | None:
    """(SOF height offset, SOS offset, scan start) of a single-scan Huffman JPEG, else None."""
    size = len(jpeg)
    if size < 4 or jpeg[:2] != b"\xff\xd8" or jpeg[-2:] != b"\xff\xd9":
        return None
    sof_height = None
    for marker, at, length in jpeg_segments(jpeg):
        if length < 2 or at + 2 + length > size or marker == DRI:
            return None
        if is_sof(marker):
            if marker not in _SEQUENTIAL_HUFFMAN_SOF or sof_height is not None or length < 8:
                return None
            sof_height = at + 5
        if marker == SOS:
            if sof_height is None or at + 2 + length > size - 2:
                return None
            return sof_height, at, at + 2 + length
    return None


def stitch_strips(strips: Sequence[bytes], height: int, restart_interval: int) -> bytes | None:
    """One JPEG from compressed strips, as jpeg::stitch_strips; None if they cannot be stitched."""
    layouts = [scan_layout(strip) for strip in strips]
    first = layouts[0]
    if first is None:
        return None
    sof_height, sos, scan = first
    head = strips[0]
    for strip, layout in zip(strips, layouts):
        if layout is None or layout[0] != sof_height or layout[2] != scan:
            return None
        if strip[:sof_height] != head[:sof_height] or strip[sof_height + 2 : scan] != head[sof_height + 2 : scan]:
            return None
    parts = [
        head[:sof_height],
        struct.pack(">H", height),
        head[sof_height + 2 : sos],
        struct.pack(">BBHH", 0xFF, DRI, 4, restart_interval),
        head[sos:-2],
    ]
    for k, strip in enumerate(strips[1:]):
        parts.append(bytes((0xFF, RST0 + (k & 7))))
        parts.append(strip[scan:-2])
    parts.append(b"\xff\xd9")
    return b"".join(parts)


class PendingFrame:
    """A frame being encoded (BatchEncoder.submit)."""

    def __init__(self, compute: Callable[[], str]) -> None:
        self._compute: Callable[[], str] | None = compute
        self._result: str | None = None
        self._lock = threading.Lock()

    def done(self) -> bool:
        return self._result is not None

    def result(self) -> str:
        with self._lock:
            if self._compute is not None:
                self._result = self._compute()
                self._compute = None
        assert self._result is not None
        return self._result


class BatchEncoder:
    """Same contract as frame64._core.BatchEncoder."""

    def __init__(self, threads: int) -> None:
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self._threads = threads
        self._start_executor()

    def _start_executor(self) -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(self._threads) if self._threads > 1 else None
        self._pid = os.getpid()

    @property
    def threads(self) -> int:
        return self._threads

    def _dispatch(self, function: Callable[..., bytes], jobs: list[tuple[Any, ...]]) -> list[Any]:
        if self._pid != os.getpid():  # a fork() child has none of the executor's threads
            self._start_executor()
        if self._executor is None or len(jobs) <= 1:
            return [function(*job) for job in jobs]
        return [self._executor.submit(function, *job) for job in jobs]

    def _start(self, image: np.ndarray, options: tuple[int, int, int, bool, bool, bool], strip_rows: int) -> Callable[[], str]:
        """Starts compressing one frame; returns the function that finishes it."""
        pixel_format, quality, subsampling, fast_dct, progressive, data_uri = options
        height, width = image.shape[:2]

        def compress_rows(first: int, rows: int) -> bytes:
            return compress(image[first: first + rows], pixel_format, quality, subsampling, fast_dct, progressive)

        return self._start_rows(compress_rows, width, height, subsampling, progressive, data_uri, strip_rows)

    def _start_yuv(self, frame: tuple[Any, ...], options: tuple[int, bool, bool, bool],
                   strip_rows: int) -> Callable[[], str]:
        """_start for a frame64._yuv.YuvFrame tuple (planes, layout, width, height, yuv_range, yuv_matrix)."""
        planes, layout, width, height, yuv_range, yuv_matrix = frame
        quality, fast_dct, progressive, data_uri = options

        def compress_rows(first: int, rows: int) -> bytes:
            return compress_yuv(yuv_rows(planes, layout, first, rows), layout, width, rows, yuv_range, yuv_matrix,
                                quality, fast_dct, progressive)

        subsampling = layout_subsampling(layout)
        return self._start_rows(compress_rows, width, height, subsampling, progressive, data_uri, strip_rows)

    def _start_rows(self, compress_rows: Callable[[int, int], bytes], width: int, height: int, subsampling: int,
                    progressive: bool, data_uri: bool, strip_rows: int) -> Callable[[], str]:
        """Starts compressing a frame's strips (compress_rows(first row, rows) each); returns the finisher."""
        strips, strip_height, interval = plan_strips(width, height, subsampling, progressive, strip_rows)
        pieces = [(k * strip_height, min(strip_height, height - k * strip_height)) for k in range(strips)]
        started = self._dispatch(compress_rows, pieces)

        def finish() -> str:
            parts = [p.result() if isinstance(p, concurrent.futures.Future) else p for p in started]
            jpeg = parts[0] if strips == 1 else stitch_strips(parts, height, interval)
            if jpeg is None:  # libjpeg-turbo told by its environment to write something else
                jpeg = compress_rows(0, height)
            return base64_str(jpeg, DATA_URI_PREFIX["jpeg"] if data_uri else "")

        return finish

    # Arguments after the frame(s), as frame64._core.BatchEncoder takes them:
    # pixel_format, quality, subsampling, fast_dct, progressive, data_uri, strip_rows.
    def encode(self, image: np.ndarray, *options_and_rows: Any) -> str:
        *options, strip_rows = options_and_rows
        return self._start(image, tuple(options), strip_rows)()

    def encode_batch(self, images: Sequence[np.ndarray], *options_and_rows: Any) -> list[str]:
        *options, strip_rows = options_and_rows
        if len(strip_rows) != len(images):
            raise ValueError(f"strip_rows: needs one entry per frame ({len(images)}), got {len(strip_rows)}")
        return self._finish_all([self._start(image, tuple(options), rows) for image, rows in zip(images, strip_rows)])

    def _finish_all(self, finishers: list[Callable[[], str]]) -> list[str]:
        results: list[str] = []
        failure: tuple[int, Exception] | None = None
        for index, finish in enumerate(finishers):
            try:
                results.append(finish())  # waits for the frame's work, failed or not
            except Exception as exc:  # noqa: BLE001 - re-raised below with the frame's index
                failure = failure or (index, exc)
        if failure is not None:
            index, error = failure
            kind = JpegError if isinstance(error, JpegError) else RuntimeError
            raise kind(f"frames[{index}]: {error}") from error
        return results

    def submit(self, image: np.ndarray, *options_and_rows: Any) -> PendingFrame:
        *options, strip_rows = options_and_rows
        return PendingFrame(self._start(image, tuple(options), strip_rows))

    # YUV frames (frame64._yuv.YuvFrame tuples), then quality, fast_dct,
    # progressive, data_uri, strip_rows, as frame64._core.BatchEncoder's *_yuv methods take them.
    def encode_yuv(self, frame: tuple[Any, ...], *options_and_rows: Any) -> str:
        *options, strip_rows = options_and_rows
        return self._start_yuv(frame, tuple(options), strip_rows)()

    def encode_yuv_batch(self, frames: Sequence[tuple[Any, ...]], *options_and_rows: Any) -> list[str]:
        *options, strip_rows = options_and_rows
        if len(strip_rows) != len(frames):
            raise ValueError(f"strip_rows: needs one entry per frame ({len(frames)}), got {len(strip_rows)}")
        return self._finish_all([self._start_yuv(frame, tuple(options), rows)
                                 for frame, rows in zip(frames, strip_rows)])

    def submit_yuv(self, frame: tuple[Any, ...], *options_and_rows: Any) -> PendingFrame:
        *options, strip_rows = options_and_rows
        return PendingFrame(self._start_yuv(frame, tuple(options), strip_rows))
