"""The EXIF Orientation of a JPEG and the flip/turn that undoes it (mirrors cpp/image/exif.cpp).

EXIF (CIPA DC-008) keeps its tags in an APP1 segment starting ``Exif\\0\\0``
that holds a TIFF structure (TIFF 6.0, section 2): byte order ``II``/``MM``,
42, the offset of IFD0, then IFD0's 16-bit entry count and 12-byte entries.
Orientation is tag 0x0112, a SHORT in 1..8. Only IFD0 is read (its link to
the next IFD is never followed, so no offset loop is possible), every offset is
checked before it is read, and anything malformed means 1 (no orientation),
exactly as the C++ parser does.
"""

from __future__ import annotations

import struct

import numpy as np

_SOS, _EOI, _APP1 = 0xDA, 0xD9, 0xE1
_ORIENTATION_TAG = 0x0112
_SHORT = 3


def tiff_orientation(tiff: bytes) -> int:
    """The Orientation of a TIFF structure (the APP1 payload after ``Exif\\0\\0``), or 1."""
    size = len(tiff)
    if size < 8 or tiff[:2] not in (b"II", b"MM"):
        return 1
    order = "<" if tiff[:2] == b"II" else ">"
    magic, ifd = struct.unpack_from(order + "HI", tiff, 2)
    if magic != 42 or ifd > size or size - ifd < 2:
        return 1
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for i in range(min(count, (size - ifd - 2) // 12)):  # entries past the segment's end are not read
        tag, kind, number, value = struct.unpack_from(order + "HHIH", tiff, ifd + 2 + 12 * i)
        if tag != _ORIENTATION_TAG:
            continue
        if kind != _SHORT or number != 1:
            return 1
        return value if 1 <= value <= 8 else 1
    return 1


def jpeg_exif_orientation(jpeg: bytes) -> int:
    """The Orientation (1..8) from the first ``Exif`` APP1 segment before the first SOS, or 1.

    The marker walk is libjpeg's next_marker (jdmarker.c): bytes before a
    0xFF, fill bytes and stuffed 0xFF 0x00 pairs are skipped.
    """
    size = len(jpeg)
    at = 2  # after SOI
    while at < size:
        while at < size and jpeg[at] != 0xFF:
            at += 1
        while at < size and jpeg[at] == 0xFF:
            at += 1
        if at >= size:
            return 1
        marker = jpeg[at]
        at += 1
        if marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD8:  # no length field
            continue
        if marker in (_SOS, _EOI) or size - at < 2:
            return 1
        length = (jpeg[at] << 8) | jpeg[at + 1]
        if length < 2 or length > size - at:
            return 1
        if marker == _APP1 and length - 2 >= 6 and jpeg[at + 2 : at + 8] == b"Exif\x00\x00":
            return tiff_orientation(jpeg[at + 8 : at + length])
        at += length
    return 1


def swaps_sides(orientation: int) -> bool:
    """Orientations 5..8 turn the frame a quarter: width and height swap."""
    return 5 <= orientation <= 8


def apply_orientation(stored: np.ndarray, orientation: int) -> np.ndarray:
    """The frame as displayed (a view of ``stored``, (H, W[, C]) as decoded), as cv2.imdecode returns it."""
    if orientation == 2:
        return stored[:, ::-1]
    if orientation == 3:
        return stored[::-1, ::-1]
    if orientation == 4:
        return stored[::-1]
    turned = stored.swapaxes(0, 1)
    if orientation == 5:
        return turned
    if orientation == 6:
        return turned[:, ::-1]
    if orientation == 7:
        return turned[::-1, ::-1]
    if orientation == 8:
        return turned[::-1]
    return stored
