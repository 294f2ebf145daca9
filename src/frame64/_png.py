"""PNG: the ``format="png"`` path of ``frame64.encode`` and the PNG reader
behind ``frame64.decode``.

The compression scale (``compression=``, 0..9, default 1) trades time for
size; every level is lossless:

====  ==========================================  ===================================
0     no filter, stored deflate blocks            no compression, fastest
1     Up filter, frame64's Huffman+run deflate    default: fast, near zlib level 1-3 size
2     adaptive filters, Huffman+run deflate
3-9   adaptive filters, libdeflate levels         1, 3, 5, 6, 8, 10, 12 (slower, smaller)
====  ==========================================  ===================================

At levels 3-9 the Huffman+run stream is also made and kept when smaller: on
camera frames, whose sensor noise leaves LZ77 little to find, it usually is,
and the libdeflate levels pay off on synthetic images (screenshots, masks).

"Adaptive" picks, per row, the filter with the smallest sum of absolute
residuals (PNG specification section 12.8). The pure-Python backend uses the
same filters with zlib (levels 1-2: ``Z_RLE``), so it decodes to the same
pixels; its bytes are identical to the C++ backend's only at compression 0.
"""

from __future__ import annotations

import numbers
from types import ModuleType
from typing import Any

import numpy as np

from . import _options
from ._decode import MAX_PIXELS_DEFAULT
from ._errors import DecodeError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_DIMENSION = 2**31 - 1  # IHDR width and height (PNG specification 11.2.1)
MIN_COMPRESSION = 0
MAX_COMPRESSION = 9
DEFAULT_COMPRESSION = 1
DEFAULT_MAX_PIXELS = MAX_PIXELS_DEFAULT  # the same guard as frame64.decode
"""Decoding refuses images with more pixels than this (16384 x 16384) unless told otherwise."""


class PngDecodeError(DecodeError):
    """A PNG that cannot be decoded: corrupt, truncated, unsupported or over max_pixels."""


def is_png(data: bytes | bytearray | memoryview) -> bool:
    """True when ``data`` (raw, already base64-decoded bytes) starts with the PNG signature."""
    return bytes(data[:8]) == PNG_SIGNATURE


def check_compression(value: Any) -> int:
    """The PNG compression level: an int in 0..9; None means the default (1)."""
    if value is None:
        return DEFAULT_COMPRESSION
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"compression must be an int in 0..9, got {type(value).__name__}")
    level = int(value)
    if not MIN_COMPRESSION <= level <= MAX_COMPRESSION:
        raise ValueError(f"compression must be in 0..9, got {level}")
    return level


def encode_png(impl: ModuleType, image: Any, *, pixel_format: Any, compression: Any, data_uri: Any) -> str:
    """Validate the arguments and encode ``image`` as base64 PNG text with ``impl``.

    Raises:
        TypeError: ``image`` is not uint8 pixels, or an option has the wrong type.
        ValueError: a wrong shape for ``pixel_format``, an empty image, a side
            over 2**31-1, or compression outside 0..9.
    """
    name = _options._choice("pixel_format", pixel_format, _options.PIXEL_FORMATS)
    level = check_compression(compression)
    flag = _options._flag("data_uri", data_uri)
    array = _options.prepare_image(image, name, max_dimension=MAX_PNG_DIMENSION)
    return impl.encode_png(array, _options.TJPF[name], level, flag)  # type: ignore[no-any-return]


def decode_png(
    impl: ModuleType,
    png: Any,
    *,
    pixel_format: str = "BGR",
    out: np.ndarray | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    strict: bool = False,
) -> np.ndarray:
    """Decode raw PNG bytes (not base64) into a uint8 array with ``impl``.

    Every colour type and bit depth is read, interlaced or not: 1/2/4-bit gray
    is scaled to 0..255, 16-bit samples keep their high byte, colour becomes
    GRAY by PIL's ITU-R 601-2 luma ``(19595 R + 38470 G + 7471 B + 32768) >> 16``,
    3-channel output drops alpha and 4-channel output takes alpha from the
    image or its tRNS chunk (255 otherwise), like PIL's ``Image.convert``.
    One difference from PIL: 16-bit gray (PIL mode "I;16") keeps its high
    byte here, where PIL's ``convert("L")`` clips values above 255.
    A palette index past the palette reads as opaque black (as in PIL).

    Args:
        png: bytes-like, the PNG file.
        pixel_format: "BGR" (default), "RGB", "BGRA", "RGBA" -> (H, W, C); "GRAY" -> (H, W).
        out: a C-contiguous writable uint8 array of exactly that shape, filled
            in place and returned; None (default) allocates.
        max_pixels: refuse larger images before allocating (default frame64.MAX_PIXELS_DEFAULT).
        strict: also fail on a bad CRC in an ancillary chunk (dropped by default).

    Raises:
        PngDecodeError: the PNG is corrupt, truncated, or over max_pixels.
        TypeError / ValueError: a bad argument (``out`` of the wrong shape, ...).
    """
    name = _options._choice("pixel_format", pixel_format, _options.PIXEL_FORMATS)
    if isinstance(max_pixels, (bool, np.bool_)) or not isinstance(max_pixels, numbers.Integral):
        raise TypeError(f"max_pixels must be an int, got {type(max_pixels).__name__}")
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be >= 1, got {max_pixels}")
    strict = _options._flag("strict", strict)
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
    try:
        return impl.decode_png(png, _options.TJPF[name], out, min(int(max_pixels), 2**62), strict)  # type: ignore[no-any-return]
    except impl.PngError as exc:
        raise PngDecodeError(str(exc)) from None
