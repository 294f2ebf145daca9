"""The pure-Python BatchDecoder: frame64's decode_image on a thread pool (mirrors bind_decoder.cpp).

Same contract and identical arrays as ``frame64._core.BatchDecoder``: every
item is one task running :func:`decode_image` (this package's), its errors
prefixed with ``items[i]:``; the first failing item's error is raised once
every task has finished. PyTurboJPEG releases the GIL in its ctypes calls,
but this backend decodes JPEGs one at a time (see ``decode._warnings_lock``),
so the pool mostly overlaps the base64 and PNG work.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from typing import Any, Callable, Optional

import numpy as np

from .decode import decode_image


def _for_item(index: int, exc: Exception) -> Exception:
    """The same error, its message starting with ``items[index]: `` (rethrow_for_item)."""
    renamed = type(exc)(f"items[{index}]: {exc}")
    renamed.__cause__ = exc
    return renamed


class PendingDecode:
    """One frame being decoded by BatchDecoder.submit."""

    def __init__(self, future: "concurrent.futures.Future[np.ndarray]") -> None:
        self._future = future

    def done(self) -> bool:
        return self._future.done()

    def result(self) -> np.ndarray:
        """The array (waits for the work; raises its error)."""
        return self._future.result()


class BatchDecoder:
    """A pool of ``threads`` threads that decodes base64 JPEG/PNG frames (bind_decoder.cpp's BatchDecoder)."""

    def __init__(self, threads: int) -> None:
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self._threads = threads
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="frame64-decode")

    @property
    def threads(self) -> int:
        return self._threads

    def decode_batch(
        self,
        data: Sequence[Any],
        starts: Sequence[int],
        pixel_format: int,
        out: Optional[np.ndarray],
        max_pixels: int,
        strictness: int,
        orientation: bool,
        scale_eighths: int,
        max_side: int,
    ) -> Any:
        count = len(data)
        if len(starts) != count:
            raise ValueError(f"starts: needs one entry per item ({count}), got {len(starts)}")
        if out is not None:
            if not isinstance(out, np.ndarray):
                raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
            if out.ndim < 3 or out.shape[0] != count:
                raise ValueError("out must have one frame per item")

        def task(i: int) -> np.ndarray:
            target = None
            if out is not None:
                target = out[i]
            try:
                return decode_image(
                    data[i], starts[i], pixel_format, target, max_pixels, strictness, orientation, scale_eighths, max_side
                )
            except ValueError as exc:
                if target is not None and str(exc).startswith("out has shape "):
                    needs = str(exc).split("; this image needs ", 1)[1]
                    exc = ValueError(f"out holds frames of shape {target.shape}; this image needs {needs}")
                raise _for_item(i, exc) from None

        futures = [self._pool.submit(task, i) for i in range(count)]
        concurrent.futures.wait(futures)
        for future in futures:  # the lowest index wins, as TaskGroup::rethrow_if_failed
            error = future.exception()
            if error is not None:
                raise error
        if out is not None:
            return out
        return [future.result() for future in futures]

    def submit(
        self,
        data: Any,
        start: int,
        pixel_format: int,
        max_pixels: int,
        strictness: int,
        orientation: bool,
        scale_eighths: int,
        max_side: int,
    ) -> PendingDecode:
        call: Callable[[], np.ndarray] = lambda: decode_image(  # noqa: E731
            data, start, pixel_format, None, max_pixels, strictness, orientation, scale_eighths, max_side
        )
        return PendingDecode(self._pool.submit(call))
