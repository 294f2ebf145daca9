"""PNG: the ``format="png"`` path of ``frame64.encode`` and a raw-PNG reader.

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

At levels 1 and 2 the C++ backend cuts the filtered image into bands of
whole rows, about 1 MiB each (the band height depends on the width alone),
and deflates each band on its own: no run reaches back into the previous
band, and a band ends on a byte boundary (an empty stored block when
needed, RFC 1951 3.2.4), so the bands are joined by concatenation and their
Adler-32 sums combined (RFC 1950). ``threads=N`` runs the bands on N threads;
the PNG is byte-identical for every N. Levels 0 and 3-9 run on one thread.

"Adaptive" picks, per row, the filter with the smallest sum of absolute
residuals (PNG specification section 12.8). The pure-Python backend uses the
same filters with zlib (levels 1-2: ``Z_RLE``), so it decodes to the same
pixels; its bytes are identical to the C++ backend's only at compression 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _backend, _budget, _options
from ._errors import DecodeError, PngDecodeError
from ._formats import MAX_PNG_SIDE, PIXEL_FORMATS, PNG_SIGNATURE, TJPF

# More threads than bands would idle, and a 64 GiB image has 2**16 bands:
# larger counts (any Python int is valid) are clamped before the C++ int.
_MAX_THREADS = 1 << 16

__all__ = ["PngDecodeError", "decode_png", "encode_png", "is_png"]


def is_png(data: bytes | bytearray | memoryview) -> bool:
    """True when ``data`` (raw, already base64-decoded bytes) starts with the PNG signature."""
    return bytes(data[:8]) == PNG_SIGNATURE


def encode_png(
    image: Any,
    *,
    pixel_format: Any,
    compression: Any,
    data_uri: Any,
    max_pixels: Any = _options.MAX_PIXELS_DEFAULT,
    max_side: int | None = None,
    max_chars: int | None = None,
    threads: int = 1,
) -> str:
    """Validate the arguments and encode ``image`` as base64 PNG text on the current backend.

    ``threads`` (already resolved to a count >= 1) is how many threads
    deflate the bands of a level 1-2 image; the bytes are the same for any
    count (see the module docstring). A ``max_side``/``max_chars`` resize
    runs on every core (``_options.resize_threads()``): its pixels do not
    depend on the count either.

    Raises:
        TypeError: ``image`` is not uint8 pixels, or an option has the wrong type.
        ValueError: a wrong shape for ``pixel_format``, an empty image, a side
            over 2**31-1, an image over max_pixels, or compression outside 0..9;
            a max_chars nothing fits.

    ``max_side`` and ``max_chars`` (already checked) work as in
    ``frame64.encode``; PNG has no quality, so ``max_chars`` only downscales.
    """
    name = _options.choice("pixel_format", pixel_format, PIXEL_FORMATS)
    level = _options.check_compression(compression)
    flag = _options.flag("data_uri", data_uri)
    limit = _options.check_max_pixels(max_pixels)
    array = _options.prepare_image(image, name, max_dimension=MAX_PNG_SIDE, max_pixels=limit)
    size = _options.fit_max_side(array.shape[1], array.shape[0], max_side)

    resize_threads = _options.resize_threads()  # exact: the same pixels on any number of threads

    def encode_at(quality: int, width: int, height: int) -> str:
        return _backend.current().encode_png(  # type: ignore[no-any-return]
            array, TJPF[name], level, flag, width, height, min(threads, _MAX_THREADS), resize_threads)

    if max_chars is None:
        return encode_at(0, *size)
    return _budget.fit(encode_at, size, 0, 0, max_chars)


def decode_png(
    png: Any,
    *,
    pixel_format: str = "BGR",
    out: np.ndarray | None = None,
    max_pixels: int | None = _options.DEFAULT_MAX_PIXELS,
    strict: bool = False,
) -> np.ndarray:
    """Decode raw PNG bytes (not base64) into a uint8 array on the current backend.

    The pixels are those of ``frame64.decode`` for the same PNG: every colour
    type and bit depth, interlaced or not; 1/2/4-bit gray is scaled to 0..255,
    16-bit samples keep their high byte, colour becomes GRAY by PIL's ITU-R
    601-2 luma ``(19595 R + 38470 G + 7471 B + 32768) >> 16``, 3-channel
    output drops alpha and 4-channel output takes alpha from the image or its
    tRNS chunk (255 otherwise), like PIL's ``Image.convert``. One difference
    from PIL: 16-bit gray (PIL mode "I;16") keeps its high byte here, where
    PIL's ``convert("L")`` clips values above 255. A palette index past the
    palette reads as opaque black (as in PIL).

    Args:
        png: bytes-like, the PNG file.
        pixel_format: "BGR" (default), "RGB", "BGRA", "RGBA" -> (H, W, C); "GRAY" -> (H, W).
        out: a C-contiguous writable uint8 array of exactly that shape, filled
            in place and returned; None (default) allocates.
        max_pixels: refuse larger images before allocating (default
            frame64.MAX_PIXELS_DEFAULT; None: no limit).
        strict: also fail on a bad CRC in an ancillary chunk (dropped by default).

    Raises:
        PngDecodeError: the data is no PNG, or it is corrupt, truncated, or over max_pixels.
        TypeError / ValueError: a bad argument (``out`` of the wrong shape, ...).
    """
    code = _options.pixel_format_code(pixel_format)
    limit = _options.check_max_pixels(max_pixels)
    strictness = _options.strictness(strict, False)
    _options.check_out_type(out)
    data = memoryview(png).cast("B")
    if not is_png(data):
        raise PngDecodeError("invalid PNG: the signature is missing")
    try:
        return _backend.current().decode_image_bytes(data, code, out, limit, strictness, False)  # type: ignore[no-any-return]
    except DecodeError as exc:
        raise PngDecodeError(str(exc)) from None
