"""Decoding at scale: a reusable, thread-pooled ``Decoder``.

Frames are decoded on a pool of native threads with the GIL released
(``frame64._core.BatchDecoder``; the pure-Python backend mirrors it on a
Python thread pool). Every frame is decoded by the same steps as
:func:`frame64.decode`, so every result equals ``frame64.decode(data,
**options)`` exactly, and every error is the one it raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from . import _backend, _options
from ._decode import _check_data, data_uri_payload_start, decode
from ._encoder import resolve_threads
from ._formats import PIXEL_SIZE
from ._pooled import Pooled, ordered_stream


def _item(data: Any, index: int) -> tuple[Any, int]:
    """(the text, where its base64 starts), with ``items[index]:`` in front of any error."""
    try:
        text = _check_data(data)
        return text, data_uri_payload_start(text)
    except (TypeError, ValueError) as exc:
        renamed = type(exc)(f"items[{index}]: {exc}")
        raise renamed from exc


class Decoder(Pooled):
    _POOL = "BatchDecoder"
    """A reusable decoder for many base64 frames, running on a thread pool.

    The options are those of :func:`frame64.decode`, validated once. The
    decoding runs on native threads with the GIL released, each thread with
    its own libjpeg-turbo and libspng state.

    Every result equals ``frame64.decode(data, **options)`` exactly (the same
    array), whatever ``threads`` is.

    - :meth:`decode`: one frame, as ``frame64.decode``.
    - :meth:`decode_batch`: many frames at once, one per thread (throughput).
    - :meth:`imap`: a stream of frames, decoded ahead on the pool, yielded in
      order, with a bounded number in flight.

    On the C++ backend the arrays of :meth:`decode_batch` and :meth:`imap`
    own memory that frame64 maps itself (their ``base`` is a capsule, and it
    goes back to the system when the last array or view of a frame is
    freed). On Linux a frame of 4 MiB or more starts on a 2 MiB boundary and
    is advised ``MADV_HUGEPAGE``, as numpy advises its own large arrays, and
    only while numpy's own setting says so (``NUMPY_MADVISE_HUGEPAGE=0``
    turns both off): a 1080p BGR frame is then three page faults instead of
    about 1,500. With ``out=`` no memory is allocated at all.

    A Decoder is safe to share between Python threads. It pickles as its
    options (``threads=None`` stays None, meaning all cores of the process
    that unpickles it); the pool is rebuilt on unpickling and after
    ``os.fork()``.

    Args:
        pixel_format, max_pixels, strict, best_effort, orientation, scale,
        max_side: as :func:`frame64.decode`.
        threads: threads to use, the calling one included; None (default)
            means every core this process may run on.

    Raises:
        TypeError: an option has the wrong type.
        ValueError: an option has a wrong value (e.g. threads < 1).
    """

    def __init__(
        self,
        *,
        pixel_format: str = "BGR",
        threads: int | None = None,
        max_pixels: int | None = _options.MAX_PIXELS_DEFAULT,
        strict: bool = False,
        best_effort: bool = False,
        orientation: str = "exif",
        scale: Any = None,
        max_side: int | None = None,
    ) -> None:
        self._state = {
            "pixel_format": pixel_format,
            "threads": threads,
            "max_pixels": max_pixels,
            "strict": strict,
            "best_effort": best_effort,
            "orientation": orientation,
            "scale": scale,
            "max_side": max_side,
        }
        self._tjpf = _options.pixel_format_code(pixel_format)
        self._channels = PIXEL_SIZE[self._tjpf]
        self._args = (
            _options.check_max_pixels(max_pixels),
            _options.strictness(strict, best_effort),
            _options.check_orientation(orientation),
            *_options.decode_scaling(scale, max_side),
        )
        self._threads_arg = None if threads is None else _options.check_threads(threads)
        self._threads = resolve_threads(self._threads_arg)
        self._impl = _backend.current()  # a Decoder keeps the backend it was made on
        self._start_pool()

    def decode(self, data: Any, *, out: np.ndarray | None = None) -> np.ndarray:
        """Decode one frame: ``frame64.decode(data, out=out, **options)``."""
        options = {name: value for name, value in self._state.items() if name != "threads"}
        with _backend.use(self._impl):
            return decode(data, out=out, **options)

    def _check_batch_out(self, out: Any, count: int) -> None:
        _options.check_out_type(out)
        if out is None:
            return
        frame_ndim = 2 if self._channels == 1 else 3
        shape = tuple(out.shape)
        if out.dtype != np.uint8:
            raise ValueError(f"out must have dtype uint8, got dtype {out.dtype}")
        if len(shape) != frame_ndim + 1 or shape[0] != count or (frame_ndim == 3 and shape[3] != self._channels):
            needs = f"({count}, H, W)" if frame_ndim == 2 else f"({count}, H, W, {self._channels})"
            raise ValueError(f"out has shape {shape}; {count} frames of pixel_format "
                             f"{self._state['pixel_format']!r} need {needs}")
        if not out.flags.c_contiguous:
            raise ValueError(f"out must be C-contiguous; pass np.empty({shape}, np.uint8)")
        if not out.flags.writeable:
            raise ValueError("out is read-only; it must be a writable uint8 array")

    def decode_batch(self, items: Sequence[Any], out: np.ndarray | None = None) -> Any:
        """Decode many frames on all the decoder's threads; results in input order.

        Args:
            items: a sequence of base64 texts or data URIs (str or bytes-like),
                as :func:`frame64.decode` takes them; their sizes may differ.
            out: None (default) for a list of new arrays, or one C-contiguous
                writable uint8 array of shape (N, H, W, C) ((N, H, W) for
                "GRAY") to fill in place, when every frame decodes to H x W.

        Returns:
            A list with one array per item, each equal to
            ``frame64.decode(item, **options)``; or ``out``, filled.

        Raises:
            DecodeError, JpegDecodeError, PngDecodeError: an item is bad. The
                whole call raises the error of the first failing item (the
                lowest index), its message starting with ``items[i]:``, once
                every other item has been decoded (with ``out``, their frames
                are filled; without it, nothing is returned). A malformed
                data URI header is found before any frame is decoded. Use
                :meth:`imap` to get every good frame of a stream.
            ValueError: ``out`` has the wrong shape, dtype or layout, or item
                i decodes to another size than ``out``'s frames (``items[i]:``).
            TypeError: ``items`` is not a sequence, or an item is not text.
            KeyboardInterrupt: Ctrl-C (seen within about 50 ms; the work in
                flight is cancelled and finished first).
        """
        if isinstance(items, (str, bytes, bytearray, memoryview)) or not isinstance(items, Iterable):
            raise TypeError(f"items must be a sequence of base64 texts, got {type(items).__name__}")
        texts, starts = [], []
        for index, data in enumerate(items):
            text, start = _item(data, index)
            texts.append(text)
            starts.append(start)
        self._check_batch_out(out, len(texts))
        return self._live_pool().decode_batch(texts, starts, self._tjpf, out, *self._args)

    def imap(self, items: Iterable[Any], *, max_in_flight: int | None = None) -> Iterator[np.ndarray]:
        """Decode frames as they arrive (a socket, a JSON-lines file), yielding them in order.

        At most ``max_in_flight`` frames are being decoded (or waiting to be
        yielded) at any time, so memory stays bounded for endless streams.

        Args:
            items: any iterable of base64 texts or data URIs.
            max_in_flight: the bound; default ``2 * threads``.

        Yields:
            One array per item, as :meth:`decode_batch`.

        Raises:
            The error of ``frame64.decode`` for the item where it happens,
            with the message it has there (after the frames before it were
            yielded); the stream stops there.
        """
        pool = self._live_pool()

        def start(data: Any, index: int) -> Any:
            text = _check_data(data)
            return pool.submit(text, data_uri_payload_start(text), self._tjpf, *self._args)

        return ordered_stream(items, start, self._in_flight(max_in_flight))

    def __getstate__(self) -> dict[str, Any]:
        return dict(self._state, threads=self._threads_arg)
