"""frame64.resize: the area (box-average) downscale filter, defined exactly.

Per axis, n source samples become m <= n output samples. Output sample x
covers the source interval [x*n/m, (x+1)*n/m); measured in units of 1/m
source pixel, source pixel i spans [i*m, (i+1)*m) and output x spans
[x*n, (x+1)*n), so every coverage is an integer. The weights are Q14
fixed point, from the rounded cumulative coverage inside each output::

    Q(t)    = floor(((t - x*n) * 2**14 + floor(n/2)) / n)
    W(x, i) = Q(min((i+1)*m, (x+1)*n)) - Q(max(i*m, x*n))

so the weights of every output sum to exactly 2**14. The vertical pass keeps
7 fractional bits, then the horizontal pass rounds to uint8::

    U[y][j]       = (sum_r Wy(y, r) * image[r][j] + 2**6) >> 7
    out[y][x][c]  = (sum_i Wx(x, i) * U[y][i*C + c] + 2**20) >> 21

Both backends compute exactly this (C++: cpp/image/resize*.cpp, scalar and
AVX2 twins; fallback: numpy), so they give identical pixels. With
cumulative rounding an axis differs from the exact area average by at most
(taps - 1) * 0.5 * 255 / 2**14 levels (summation by parts), plus 0.5/128
for the intermediate: under half a level while each axis shrinks by at most
30x, so the result is then within one level of any correctly rounded area
filter such as ``cv2.resize(..., interpolation=cv2.INTER_AREA)``; the tests
also check larger factors. An integer factor k is a plain k x k box mean
rounded half up (exact for k = 2, 4, 8, ...); an axis that keeps its size is
copied.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _backend, _options
from ._formats import MAX_JPEG_SIDE

__all__ = ["resize"]


def _channels(array: np.ndarray) -> int:
    if array.ndim == 2:
        return 1
    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        return int(array.shape[2])
    raise ValueError(f"image must have shape (H, W) or (H, W, C) with C in 1, 3, 4; got {array.shape}")


def _check_size(value: Any, width: int, height: int) -> tuple[int, int]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"size must be a (width, height) pair of ints, got {value!r}")
    w = _options._integer("size", value[0], "a (width, height) pair of ints")
    h = _options._integer("size", value[1], "a (width, height) pair of ints")
    if not (1 <= w <= width and 1 <= h <= height):
        raise ValueError(
            f"size must be within the image's {width}x{height} (the area filter only downscales), got {w}x{h}"
        )
    return w, h


def resize(
    image: Any, size: tuple[int, int] | None = None, *, max_side: int | None = None, threads: int | None = None
) -> np.ndarray:
    """Downscale a uint8 frame with frame64's exact area filter (see the module docstring).

    Args:
        image: a uint8 array of shape (H, W) or (H, W, C), C in 1, 3, 4 (any
            channel order: every channel is filtered alike); views and crops
            are read as they are.
        size: the output ``(width, height)``, as ``cv2.resize`` takes it; each
            at most the image's (no upscaling).
        max_side: instead of ``size``: the longer side becomes ``max_side``
            when it is longer, the shorter side rounded to nearest (at least
            1), aspect kept; an image already within it comes back as an
            unchanged copy.
        threads: threads to resize on, the calling one included (the
            compiled backend splits the output rows into bands); None
            (default): every core this process may run on. Never more than
            those cores, and one per MiB of source pixels at most, so small
            images stay on the calling thread. The pixels are the same for
            any count (each output row is computed alike); the pure-Python
            backend always uses one thread.

    Returns:
        A new C-contiguous uint8 array of shape (height, width[, C]).

    Raises:
        TypeError: ``image`` is not uint8, or ``size``/``max_side``/``threads`` is not ints.
        ValueError: a wrong shape, an empty image, neither or both of ``size``
            and ``max_side``, a ``size`` larger than the image, ``max_side < 1``,
            ``threads < 1``.
    """
    array = np.asarray(image)
    channels = _channels(array) if array.dtype == np.uint8 else 1
    pixel_format = {1: "GRAY", 3: "BGR", 4: "BGRA"}[channels]
    prepared = _options.prepare_image(array, pixel_format, max_dimension=MAX_JPEG_SIDE)
    height, width = prepared.shape[:2]
    if (size is None) == (max_side is None):
        raise ValueError("resize needs exactly one of size=(width, height) and max_side=")
    thread_count = _options.resize_threads(None if threads is None else _options.check_threads(threads))
    if size is not None:
        out_w, out_h = _check_size(size, width, height)
    else:
        out_w, out_h = _options.fit_max_side(width, height, _options.check_max_side(max_side))
    result = resize_prepared(prepared.reshape(height, width, channels), channels, out_w, out_h, thread_count)
    if (out_w, out_h) == (width, height):
        result = result.copy()  # a new array, always
    return result.reshape(out_h, out_w, *array.shape[2:]) if array.ndim == 3 else result[:, :, 0]


def resize_prepared(array: np.ndarray, channels: int, width: int, height: int, threads: int = 1) -> np.ndarray:
    """A validated frame (from prepare_image) area-resized to width x height on up to ``threads``
    threads (from ``_options.resize_threads``), same ndim; itself at its own size."""
    if (width, height) == (array.shape[1], array.shape[0]):
        return array
    pixels = array.reshape(array.shape[0], array.shape[1], channels)
    result = _backend.current().resize(pixels, channels, width, height, threads)
    return result if array.ndim == 3 else result[:, :, 0]  # type: ignore[no-any-return]
