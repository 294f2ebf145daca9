"""Video-pipeline encoding: a reusable, thread-pooled ``Encoder``.

Frames are compressed on a pool of native threads with the GIL released
(``frame64._core.BatchEncoder``; the pure-Python backend mirrors it with
PyTurboJPEG). With ``threads > 1`` a large baseline frame is also split into
horizontal strips that are compressed in parallel and stitched into one
standard JPEG with restart markers (ITU T.81 B.2.4.4, F.1.2.3). The bytes are
exactly what libjpeg-turbo writes for the whole frame with a restart interval
of one strip; the pixels are exactly those of the single-thread JPEG.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from . import _backend, _options, _resize, _yuv
from ._formats import MCU_SIZE, TJSAMP, YUV_FORMATS, YUV_MATRICES, YUV_RANGES
from ._options import available_cores
from ._pooled import Pooled, ordered_stream

# A frame is split only into strips of at least this many pixels: below that
# the hand-off between threads costs about as much as it saves.
MIN_STRIP_PIXELS = 1 << 16
MAX_RESTART_INTERVAL = 65535  # DRI holds a 16-bit MCU count (ITU T.81 B.2.4.4)


def resolve_threads(threads: Any) -> int:
    """``threads`` as a count, None meaning every available core."""
    return available_cores() if threads is None else _options.check_threads(threads)


def strip_rows(width: int, height: int, tjsamp: int, progressive: bool, threads: int) -> int:
    """MCU rows per strip when a ``width`` x ``height`` frame is split for ``threads``; 0 = one piece.

    The frame is cut into at most ``threads`` strips of equal height (a whole
    number of MCU rows; the last strip may be shorter), each of at least
    MIN_STRIP_PIXELS pixels, and into more strips when one strip would hold
    more MCUs than a restart interval can count. Progressive JPEGs are never
    split: their scans cannot be stitched.
    """
    if threads <= 1 or progressive:
        return 0
    mcu_width, mcu_height = MCU_SIZE[tjsamp]
    mcu_rows = -(-height // mcu_height)
    strips = min(threads, mcu_rows, (width * height) // MIN_STRIP_PIXELS)
    if strips <= 1:
        return 0
    rows = -(-mcu_rows // strips)
    rows = min(rows, MAX_RESTART_INTERVAL // -(-width // mcu_width))
    return rows if rows < mcu_rows else 0


def _prepare_frame(frame: Any, pixel_format: str, max_pixels: int, index: int) -> np.ndarray:
    """prepare_image, with the frame's index in the message of its error."""
    try:
        return _options.prepare_image(frame, pixel_format, max_pixels=max_pixels)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"frames[{index}]: {exc}") from exc


def yuv_format_name(pixel_format: Any) -> str | None:
    """The YUV layout a pixel_format names ("I420", "NV12", "YUYV", "UYVY"), else None."""
    if isinstance(pixel_format, str) and pixel_format.upper() in YUV_FORMATS:
        return pixel_format.upper()
    return None


class Encoder(Pooled):
    _POOL = "BatchEncoder"
    """A reusable JPEG encoder for streams of frames, running on a thread pool.

    The options are those of :func:`frame64.encode`, validated once. The
    compression runs on native threads with the GIL released; each thread
    has its own libjpeg compressor and buffers. YUV frames (``pixel_format``
    "I420", "NV12", "YUYV" or "UYVY", in any of the forms
    :func:`frame64.encode` takes, and PyAV ``VideoFrame`` objects whatever
    ``pixel_format`` is) are compressed straight from their planes, as
    ``frame64.encode`` does.

    Every result is exactly ``frame64.encode(frame, **options)`` (the same
    bytes), whatever ``threads`` is, unless ``split_frames=True`` asks for
    strips by name. Two kinds of parallelism, for two needs:

    - Throughput (:meth:`encode_batch`, :meth:`imap`): whole frames are
      compressed in parallel, one per thread, never split, with no restart
      markers (they slow decoders down).
    - Latency (:meth:`encode` with ``split_frames=True``, like
      ``frame64.encode(..., threads=N)``): one large baseline frame is split
      into up to ``threads`` horizontal strips, compressed in parallel and
      stitched into one standard JPEG with restart markers. Its bytes
      therefore depend on ``threads`` (its pixels never do): they equal what
      libjpeg-turbo writes for the whole frame with a restart interval of one
      strip. Frames under about 2 x 65536 pixels and progressive JPEGs (whose
      scans cannot be stitched) are compressed in one piece, so for them the
      output equals ``threads=1`` exactly.

    An Encoder is safe to share between Python threads. It pickles as its
    options (``threads=None`` stays None, meaning all cores of the process
    that unpickles it); the pool is rebuilt on unpickling and after
    ``os.fork()``.

    Args:
        format: "jpeg" ("jpg" is accepted).
        quality: JPEG quality, 1..100. Default 90.
        subsampling: "444", "422", "420", "440", "411" or "gray"; None
            (default): "420" for pixel frames, the input's own for YUV
            frames (which must not be given another).
        pixel_format: "BGR" (default), "RGB", "BGRA", "RGBA" or "GRAY", or a
            YUV layout, "I420", "NV12", "YUYV" or "UYVY".
        fast_dct: use the faster, slightly less accurate DCT. Default False.
        progressive: write progressive JPEGs (never split in strips). Default False.
        data_uri: prefix results with "data:image/jpeg;base64,". Default False.
        threads: threads to use, the calling one included; None (default)
            means every core this process may run on.
        split_frames: let :meth:`encode` split one large frame into strips
            across the threads (lower latency, other bytes). Default False:
            every method gives ``frame64.encode``'s bytes.
        max_pixels: the largest frame (width x height) to encode, checked
            before anything is copied. Default 178,956,970, as
            ``frame64.decode``; None: no limit.
        max_side: downscale frames whose longer side exceeds it, as
            ``frame64.encode(..., max_side=)`` (same pixels and bytes).
            :meth:`encode` resizes inside the compression call; the batch
            and stream methods resize each frame on the calling thread
            before handing it to the pool. None (default): as they are.
            YUV frames: each plane resized on its own (frame64._yuv.resize_yuv).
        yuv_range: YUV frames only: "limited" (default for arrays) or
            "full", as ``frame64.encode``; None: the default, or a
            VideoFrame's own.
        yuv_matrix: YUV frames only: "bt601" (default for arrays) or "bt709".

    Raises:
        TypeError: an option has the wrong type.
        ValueError: an option has a wrong value (e.g. threads < 1, or a
            format other than "jpeg").
    """

    def __init__(
        self,
        *,
        format: str = "jpeg",
        quality: int = 90,
        subsampling: str | None = None,
        pixel_format: str = "BGR",
        fast_dct: bool = False,
        progressive: bool = False,
        data_uri: bool = False,
        threads: int | None = None,
        split_frames: bool = False,
        max_pixels: int | None = _options.MAX_PIXELS_DEFAULT,
        max_side: int | None = None,
        yuv_range: str | None = None,
        yuv_matrix: str | None = None,
    ) -> None:
        self._format = _options.check_format(format)
        if self._format != "jpeg":
            raise ValueError(f"format: Encoder writes 'jpeg' only so far, got {format!r}; use frame64.encode for PNG")
        self._yuv_format = yuv_format_name(pixel_format)
        if self._yuv_format is None and (yuv_range is not None or yuv_matrix is not None):
            raise ValueError("yuv_range and yuv_matrix apply to YUV input only (pixel_format='I420', 'NV12', "
                             "'YUYV', 'UYVY'); a VideoFrame supplies its own")
        self._yuv_range = None if yuv_range is None else _options.choice("yuv_range", yuv_range, tuple(YUV_RANGES))
        self._yuv_matrix = None if yuv_matrix is None else _options.choice("yuv_matrix", yuv_matrix,
                                                                           tuple(YUV_MATRICES))
        if subsampling is not None:
            subsampling = _options.choice("subsampling", subsampling, tuple(TJSAMP))
        self._subsampling_arg = subsampling
        if self._yuv_format is not None:
            subsampling = _yuv.check_subsampling(subsampling, self._yuv_format)
        self._options = _options.jpeg_options(
            quality=quality,
            subsampling="420" if subsampling is None else subsampling,
            pixel_format="BGR" if self._yuv_format is not None else pixel_format,  # pixel frames' format
            fast_dct=fast_dct,
            progressive=progressive,
            data_uri=data_uri,
        )
        self._split_frames = _options.flag("split_frames", split_frames)
        self._max_pixels_arg = max_pixels
        self._max_pixels = _options.check_max_pixels(max_pixels)
        self._max_side = _options.check_max_side(max_side)
        self._threads_arg = None if threads is None else _options.check_threads(threads)
        self._threads = resolve_threads(self._threads_arg)
        self._impl = _backend.current()  # an Encoder keeps the backend it was made on
        self._start_pool()

    @property
    def options(self) -> _options.JpegOptions:
        """The validated JPEG options (for pixel frames: a YUV Encoder's pixel_format is :attr:`yuv_format`)."""
        return self._options

    @property
    def yuv_format(self) -> str | None:
        """The YUV layout this encoder takes ("I420", "NV12", "YUYV", "UYVY"), or None for pixel frames."""
        return self._yuv_format

    def _is_yuv(self, frame: Any) -> bool:
        return self._yuv_format is not None or _yuv.is_yuv(None, frame)

    def _prepare_yuv(self, frame: Any, index: int | None) -> tuple[_yuv.YuvFrame, int]:
        """A validated YUV frame and the TJSAMP value it compresses to (errors name frames[index])."""
        try:
            prepared = _yuv.prepare_yuv(frame, self._yuv_format or "BGR", self._yuv_range, self._yuv_matrix,
                                        self._max_pixels)
            own = _yuv.check_subsampling(self._subsampling_arg, _yuv.layout_name(prepared.layout))
        except (TypeError, ValueError) as exc:
            if index is None:
                raise
            raise type(exc)(f"frames[{index}]: {exc}") from exc
        with _backend.use(self._impl):  # max_side: the planes resized on the calling thread, on this backend
            size = _options.fit_max_side(prepared.width, prepared.height, self._max_side)
            return _yuv.resize_yuv(prepared, *size), TJSAMP[own]

    @property
    def _yuv_args(self) -> tuple[int, bool, bool, bool]:
        """(quality, fast_dct, progressive, data_uri): the options the backends' YUV methods take."""
        o = self._options
        return (o.quality, o.fast_dct, o.progressive, o.data_uri)

    @property
    def split_frames(self) -> bool:
        """Whether :meth:`encode` splits large frames into strips (other bytes than frame64.encode)."""
        return self._split_frames

    def _strip_rows(self, width: int, height: int) -> int:
        if not self._split_frames:
            return 0
        return strip_rows(width, height, self._options.tjsamp, self._options.progressive, self._threads)

    def _fit(self, array: np.ndarray) -> np.ndarray:
        """A prepared frame resized for max_side (itself when it fits), on this Encoder's backend."""
        width, height = _options.fit_max_side(array.shape[1], array.shape[0], self._max_side)
        with _backend.use(self._impl):
            return _resize.resize_prepared(array, self._options.channels, width, height,
                                           _options.resize_threads(self._threads))

    def encode(self, image: Any) -> str:
        """Encode one frame: ``frame64.encode(image, **options)``, or with
        ``split_frames=True`` ``frame64.encode(image, **options, threads=self.threads)`` (strips).

        Args:
            image: a uint8 frame of the shape ``pixel_format`` needs.

        Returns:
            The base64 JPEG (or data URI) as a str.

        Raises:
            TypeError: ``image`` is not uint8 pixels.
            ValueError: ``image`` has a wrong shape, is empty or too large.
        """
        if self._is_yuv(image):
            frame, tjsamp = self._prepare_yuv(image, None)
            rows = 0
            if self._split_frames:
                rows = strip_rows(frame.width, frame.height, tjsamp, self._options.progressive, self._threads)
            if rows == 0:
                return self._impl.encode_yuv(*frame, self._options.quality, tjsamp,  # type: ignore[no-any-return]
                                             *self._yuv_args[1:])
            return self._live_pool().encode_yuv(frame, *self._yuv_args, rows)  # type: ignore[no-any-return]
        array = _options.prepare_image(image, self._options.pixel_format, max_pixels=self._max_pixels)
        width, height = _options.fit_max_side(array.shape[1], array.shape[0], self._max_side)
        rows = self._strip_rows(width, height)
        if rows == 0:  # resized inside the compression call
            return self._impl.encode_jpeg(  # type: ignore[no-any-return]
                array, *self._options.args, width, height, _options.resize_threads(self._threads))
        return self._live_pool().encode(self._fit(array), *self._options.args, rows)  # type: ignore[no-any-return]

    def encode_batch(self, frames: Sequence[Any] | np.ndarray) -> list[str]:
        """Encode many frames on all the encoder's threads; results in input order.

        Args:
            frames: a sequence of frames (their sizes may differ), or one
                array of shape (N, H, W, C) (or (N, H, W) for "GRAY").

        Returns:
            One str per frame, each equal to ``frame64.encode(frame, **options)``.

        Raises:
            TypeError: a frame is not uint8 pixels, or ``frames`` is not a sequence.
            ValueError: a frame has a wrong shape or size; the message starts
                with ``frames[i]:``. Nothing is encoded then.
            RuntimeError: libjpeg-turbo failed on frame i
                (``frame64._core.JpegError`` with the C++ backend); the
                message starts with ``frames[i]:``. It is raised once the work
                in flight has finished or been cancelled.
            KeyboardInterrupt: Ctrl-C (seen within about 50 ms; the work in
                flight is cancelled and finished first).
        """
        if isinstance(frames, np.ndarray):
            if frames.ndim not in (3, 4):
                raise ValueError(f"frames must be a sequence of frames or one (N, H, W[, C]) array, got shape {frames.shape}")
            items: Sequence[Any] = list(frames)
        elif isinstance(frames, (str, bytes)) or not isinstance(frames, Iterable):
            raise TypeError(f"frames must be a sequence of frames or one N-D array, got {type(frames).__name__}")
        else:
            items = list(frames)
        prepared = [self._prepare(frame, i) for i, frame in enumerate(items)]  # all checked before any work
        pool = self._live_pool()
        whole = [0] * len(prepared)  # frames in parallel, each in one piece
        kinds = {is_yuv for is_yuv, _ in prepared}
        if kinds == {False}:
            return pool.encode_batch([p for _, p in prepared], *self._options.args, whole)  # type: ignore[no-any-return]
        if kinds == {True}:
            return pool.encode_yuv_batch([p for _, p in prepared], *self._yuv_args, whole)  # type: ignore[no-any-return]
        # VideoFrames among pixel frames: every frame submitted, then collected in order.
        pending = [self._submit(pool, item) for item in prepared]
        results = []
        for index, frame in enumerate(pending):
            try:
                results.append(frame.result())
            except Exception as exc:
                raise type(exc)(f"frames[{index}]: {exc}") from exc
        return results

    def _prepare(self, frame: Any, index: int) -> tuple[bool, Any]:
        """(True, a YuvFrame) or (False, a prepared, fitted pixel frame), errors naming frames[index]."""
        if self._is_yuv(frame):
            return True, self._prepare_yuv(frame, index)[0]
        return False, self._fit(_prepare_frame(frame, self._options.pixel_format, self._max_pixels, index))

    def _submit(self, pool: Any, item: tuple[bool, Any]) -> Any:
        """Starts one prepared frame on the pool, in one piece; .result() gives its str."""
        is_yuv, frame = item
        if is_yuv:
            return pool.submit_yuv(frame, *self._yuv_args, 0)
        return pool.submit(frame, *self._options.args, 0)

    def imap(self, frames: Iterable[Any], *, max_in_flight: int | None = None) -> Iterator[str]:
        """Encode frames as they arrive (e.g. from a capture loop), yielding results in order.

        Frames are handed to the pool's threads as they are read, and at most
        ``max_in_flight`` are being encoded (or waiting to be yielded) at any
        time, so memory stays bounded for endless streams. With
        ``threads=1`` each frame is encoded on the calling thread when its
        result is due.

        Args:
            frames: any iterable of frames.
            max_in_flight: the bound; default ``2 * threads``.

        Yields:
            One str per frame, as :meth:`encode_batch`.

        Raises:
            TypeError, ValueError: as :meth:`encode_batch`, for the frame
                where it happens (after the frames before it were yielded).
        """
        pool = self._live_pool()
        # Each frame in one piece, as encode_batch.
        return ordered_stream(
            frames, lambda frame, index: self._submit(pool, self._prepare(frame, index)), self._in_flight(max_in_flight)
        )

    def __getstate__(self) -> dict[str, Any]:
        state = {
            "format": self._format,
            **self._options.as_dict(),
            "threads": self._threads_arg,
            "split_frames": self._split_frames,
            "max_pixels": self._max_pixels_arg,
            "max_side": self._max_side,
        }
        if self._yuv_format is not None:
            state.update(pixel_format=self._yuv_format, yuv_range=self._yuv_range, yuv_matrix=self._yuv_matrix)
        return state



# Per backend: (pid, threads, BatchEncoder), the pool that frame64.encode(..., threads=N) calls share.
_shared: dict[str, tuple[int, int, Any]] = {}


def _shared_pool(impl: Any, threads: int) -> Any:
    """The backend's BatchEncoder shared by frame64.encode(..., threads=N) calls: one per process,
    of the most threads a call has asked for, so calls with different counts keep one pool, not one
    per count. A call runs one task per strip, and strip_rows makes at most ``threads`` strips (more
    only for frames beyond a restart interval per strip), so it still uses the threads it asked for.
    A bigger request replaces the pool; calls still on the old one finish there, and it stops when
    the last lets go."""
    entry = _shared.get(impl.__name__)
    if entry is None or entry[0] != os.getpid() or entry[1] < threads:
        entry = (os.getpid(), threads, impl.BatchEncoder(threads))
        _shared[impl.__name__] = entry  # a race only builds a pool twice
    return entry[2]


def encode_threaded(array: np.ndarray, options: _options.JpegOptions, threads: int) -> str:
    """frame64.encode(..., threads=N) for a prepared frame, on a pool shared by such calls."""
    rows = strip_rows(array.shape[1], array.shape[0], options.tjsamp, options.progressive, threads)
    args = options.args
    impl = _backend.current()
    if rows == 0:
        return impl.encode_jpeg(array, *args)  # type: ignore[no-any-return]
    return _shared_pool(impl, threads).encode(array, *args, rows)  # type: ignore[no-any-return]


def encode_yuv_threaded(frame: _yuv.YuvFrame, options: _options.JpegOptions, tjsamp: int, threads: int) -> str:
    """frame64.encode(yuv, threads=N): strips of the planes on the shared pool (one piece when too small)."""
    rows = strip_rows(frame.width, frame.height, tjsamp, options.progressive, threads)
    impl = _backend.current()
    if rows == 0:
        return impl.encode_yuv(*frame, options.quality, tjsamp, options.fast_dct,  # type: ignore[no-any-return]
                               options.progressive, options.data_uri)
    return _shared_pool(impl, threads).encode_yuv(  # type: ignore[no-any-return]
        frame, options.quality, options.fast_dct, options.progressive, options.data_uri, rows)
