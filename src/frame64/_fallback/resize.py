"""The area filter in numpy (mirrors bind_resize.cpp and cpp/image/resize*.cpp).

The same integer arithmetic as the C++ kernels, written with whole-array
operations; the definition (Q14 weights from cumulative coverage, a Q7
intermediate) is in ``frame64._resize``'s docstring and cpp/image/resize.hpp.
"""

from __future__ import annotations

from typing import Any, Tuple

import numpy as np

WEIGHT_BITS = 14
INTERMEDIATE_BITS = 7


def area_taps(source: int, output: int) -> Tuple[np.ndarray, np.ndarray]:
    """(start, weights) of one axis: output k reads source start[k] + t with weight weights[k, t] (Q14)."""
    n, m = source, output
    x = np.arange(m, dtype=np.int64)
    lo, hi = x * n, (x + 1) * n
    first = lo // m
    taps = int(((hi - 1) // m - first).max()) + 1
    taps += taps & 1  # even, as the C++ tables (zero weights past the last tap)
    i = first[:, None] + np.arange(taps, dtype=np.int64)[None, :]
    left = np.clip(i * m, lo[:, None], hi[:, None])
    right = np.clip((i + 1) * m, lo[:, None], hi[:, None])

    def cumulative(t: np.ndarray) -> np.ndarray:  # Q(t) of resize.hpp
        return ((t - lo[:, None]) * (1 << WEIGHT_BITS) + n // 2) // n

    return first, cumulative(right) - cumulative(left)


def _pass(array: np.ndarray, axis: int, output: int) -> np.ndarray:
    """sum_t weights[k, t] * array[start[k] + t] along ``axis``, in int64 (exact)."""
    start, weights = area_taps(array.shape[axis], output)
    last = array.shape[axis] - 1
    total = np.zeros(array.shape[:axis] + (output,) + array.shape[axis + 1:], np.int64)
    shape = [1] * array.ndim
    shape[axis] = output
    for t in range(weights.shape[1]):
        taken = np.take(array, np.minimum(start + t, last), axis=axis)  # clamped taps have weight 0
        total += weights[:, t].reshape(shape) * taken
    return total


def check_threads(name: str, threads: Any) -> None:
    """The C++ bindings' check of a thread count (numpy runs on one thread, whatever it is)."""
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"{name} must be >= 1, got {threads}")


def resize(image: Any, channels: int, width: int, height: int, threads: int = 1) -> np.ndarray:
    """Same contract as frame64._core.resize (image already validated): a new (height, width[, C]) array
    (one thread, whatever ``threads``)."""
    check_threads("threads", threads)
    array = np.asarray(image)
    if not (1 <= width <= array.shape[1] and 1 <= height <= array.shape[0]):
        raise ValueError(
            f"size: the area filter only downscales; {width}x{height} is not within the image's "
            f"{array.shape[1]}x{array.shape[0]}"
        )
    pixels = array.reshape(array.shape[0], array.shape[1], channels)
    vertical = (_pass(pixels, 0, height) + (1 << (INTERMEDIATE_BITS - 1))) >> INTERMEDIATE_BITS
    shift = WEIGHT_BITS + INTERMEDIATE_BITS
    result = ((_pass(vertical, 1, width) + (1 << (shift - 1))) >> shift).astype(np.uint8)
    return result if array.ndim == 3 else result[:, :, 0]


def resized(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` (a validated frame) area-resized to width x height for the encoders; (0, 0) or its own size: itself."""
    if (width, height) in ((0, 0), (image.shape[1], image.shape[0])):
        return image
    return resize(image, 1 if image.ndim == 2 else image.shape[2], width, height)


def resize_kernel() -> str:
    return "python"


def supported_resize_kernels() -> list[str]:
    """The pure-Python backend has no resize kernels; "python" stands for numpy."""
    return ["python"]


def set_resize_kernel(name: str) -> None:
    """Accepts only "auto" and "python": there is no kernel to force here."""
    if name not in ("auto", "python"):
        raise ValueError(f"the {name!r} resize kernel needs the compiled backend (expected 'auto' or 'python')")
