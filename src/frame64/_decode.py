"""frame64.decode: base64 text or a data URI back to a numpy frame.

Argument checks and data-URI parsing live here, shared by both backends;
the backend (``decode_image`` in ``_core`` or ``_fallback``) decodes the
base64, sniffs the format, reads the header and fills the pixels.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import numpy as np

from . import _backend, _options
from ._errors import DecodeError
from ._options import MAX_PIXELS_DEFAULT

__all__ = ["MAX_PIXELS_DEFAULT", "data_uri_payload_start", "decode"]

# RFC 2397: data:[<mediatype>][;base64],<data>, where mediatype is
# type "/" subtype *(";" attribute "=" value) and the names are RFC 2045 tokens.
_TOKEN = r"[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+"
_MEDIA_TYPE = re.compile(rf"({_TOKEN})/({_TOKEN})")
_PARAMETER = re.compile(rf"{_TOKEN}=(?:{_TOKEN}|\"[^\"]*\")")
_HEADER_LIMIT = 1024  # how far the ',' that ends a data URI header is searched for
_WHITESPACE = " \t\n\v\f\r"
_MAY_START_A_URI = "dD" + _WHITESPACE


def _head(data: Any) -> str:
    """The first few hundred chars of data, as a str (bytes as Latin-1)."""
    head = data[: _HEADER_LIMIT + 64]
    return head if isinstance(head, str) else bytes(head).decode("latin-1")


def data_uri_payload_start(data: Any) -> int:
    """Index where the base64 payload of ``data`` starts: after a
    ``data:image/...;base64,`` header when there is one, else 0.

    Raises DecodeError for a data URI that is malformed, not base64 or not an
    image type. The media type is checked, never trusted: the decoder sniffs
    the format from the decoded bytes.
    """
    first = data[:1]
    if not isinstance(first, str):
        first = bytes(first).decode("latin-1")
    if not first or first not in _MAY_START_A_URI:  # fast path: plain base64
        return 0
    head = _head(data)
    stripped = head.lstrip(_WHITESPACE)
    if stripped[:5].lower() != "data:":
        return 0
    begin = len(head) - len(stripped) + 5
    comma = head.find(",", begin, begin + _HEADER_LIMIT)
    if comma < 0:
        raise DecodeError(
            f"malformed data URI: no ',' ends its header within {_HEADER_LIMIT} characters of 'data:'"
        )
    header = head[begin:comma]
    parts = header.split(";")
    if len(parts) < 2 or parts[-1].lower() != "base64":
        raise DecodeError(f"data URI is not base64: its header 'data:{header},' does not end in ';base64'")
    if parts[0]:  # RFC 2397 lets the media type be left out ("data:;base64,..."): the bytes are sniffed anyway
        media = _MEDIA_TYPE.fullmatch(parts[0])
        if media is None:
            raise DecodeError(f"malformed data URI: media type {parts[0]!r} is not of the form type/subtype")
        if media.group(1).lower() != "image":
            raise DecodeError(f"data URI media type {parts[0]!r} is not an image type (image/...)")
    for parameter in parts[1:-1]:
        if _PARAMETER.fullmatch(parameter) is None:
            raise DecodeError(f"malformed data URI: parameter {parameter!r} is not attribute=value")
    return comma + 1


def _check_data(data: Any) -> Any:
    if isinstance(data, str):
        return data
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(
            f"data must be a str, bytes, bytearray or memoryview of base64 text, got {type(data).__name__}"
        ) from None
    if not view.c_contiguous:
        raise TypeError("data must be a C-contiguous buffer of bytes")
    if view.ndim != 1 or view.itemsize != 1:
        return view.cast("B")
    return data


def decode(
    data: Any,
    *,
    pixel_format: str = "BGR",
    out: Optional[np.ndarray] = None,
    max_pixels: Optional[int] = MAX_PIXELS_DEFAULT,
    strict: bool = False,
    best_effort: bool = False,
    orientation: str = "exif",
    scale: Any = None,
    max_side: Optional[int] = None,
) -> np.ndarray:
    """Decode base64 text (or a ``data:image/...;base64,`` URI) to a uint8 frame.

    Args:
        data: a str, bytes, bytearray or memoryview (any C-contiguous
            bytes-like object) holding base64 (RFC 4648, padded) of a JPEG or
            PNG, optionally behind a data URI header (RFC 2397). ASCII
            whitespace anywhere in the base64, such as MIME line breaks, is
            ignored. The format comes from the decoded bytes (their magic
            number), never from the URI's media type.
        pixel_format: "BGR" (OpenCV order, default), "RGB", "BGRA", "RGBA"
            (alpha 255) or "GRAY".
        out: None (default) for a new array, or a C-contiguous, writable
            uint8 array of exactly the image's shape to fill and return
            (the same object), so a loop can decode without allocating.
            On error its contents are unspecified.
        max_pixels: decompression-bomb guard: the header is read first and an
            image of more pixels raises DecodeError before any pixel memory
            is allocated. Default 178,956,970 (Pillow's limit); None: no limit.
        strict: also reject what decodes with a warning that loses no pixel
            (extraneous bytes before a JPEG marker, an unknown JFIF or Adobe
            version code) and PNGs with a bad CRC in an ancillary chunk.
        best_effort: return the frame even when libjpeg-turbo reports that data
            was missing or corrupt (a truncated or damaged JPEG): the missing
            part is made up (gray, or smeared), as OpenCV returns it. By
            default (both False) such a JPEG raises JpegDecodeError; benign
            warnings do not. PNG data errors always raise.
        orientation: "exif" (default) turns and flips a JPEG as its EXIF
            Orientation tag (1-8) says, as cv2.imdecode and browsers do, so a
            phone photo comes back upright (orientations 5-8 swap width and
            height); "ignore" returns the pixels as stored.
        scale: None (default: full size) or one of libjpeg-turbo's DCT
            scaling factors 1/8, 1/4, 3/8, 1/2, 5/8, 3/4, 7/8, 1, as a
            number (0.5, ``fractions.Fraction(3, 8)``) or a ``(num, denom)``
            pair: a JPEG is decoded straight to that size, each side
            ``ceil(side * scale)``, faster than a full decode (the pixels
            equal PyTurboJPEG's ``decode(..., scaling_factor=...)``). A PNG
            has no DCT scaling: a scale other than 1 raises PngDecodeError.
        max_side: None (default) or an int >= 1: decode a JPEG at the
            smallest of those factors whose result still has its longer side
            >= max_side (the full size when none does), the cheapest decode
            that is large enough for a max_side-pixel thumbnail; a PNG comes
            back at its full size. Not together with ``scale``.

    Returns:
        A uint8 array of shape (H, W, 3) for BGR/RGB, (H, W, 4) for
        BGRA/RGBA, (H, W) for GRAY, with the pixels of OpenCV's
        ``cv2.imdecode`` of the same JPEG (accurate integer IDCT, smooth
        chroma upsampling): BGR equals ``IMREAD_COLOR``, RGB is its channels
        reversed, BGRA/RGBA add alpha 255, and GRAY (the JPEG's luma) equals
        ``IMREAD_GRAYSCALE``, bit for bit. A CMYK or YCCK JPEG is converted
        as Pillow converts CMYK (inverted CMYK when the file has an Adobe
        APP14 segment, as Photoshop writes it). A PNG gives its exact pixels,
        converted as PIL's ``Image.convert`` does (see frame64._png.decode_png:
        16-bit keeps the high byte, colour to GRAY by ITU-R 601-2 luma).

    Raises:
        DecodeError (a ValueError): invalid base64, a malformed or non-image
            data URI, empty data, or data that is no JPEG or PNG.
        JpegDecodeError (a DecodeError): a JPEG that is corrupt or truncated
            (unless best_effort), warns with strict=True, or is over max_pixels.
        PngDecodeError (a DecodeError): a PNG that is corrupt, truncated,
            unsupported, or over max_pixels.
            Every message says what was wrong.
        ValueError: ``out`` has the wrong dtype, shape, layout or is read-only
            (the message gives the expected shape, scaled when scale or
            max_side is given); a bad option value; strict=True with
            best_effort=True; scale together with max_side.
        TypeError: an argument of the wrong type.
    """
    tjpf = _options.pixel_format_code(pixel_format)
    _options.check_out_type(out)
    strictness = _options.strictness(strict, best_effort)
    turn = _options.check_orientation(orientation)
    scale_eighths, side = _options.decode_scaling(scale, max_side)
    text = _check_data(data)
    start = data_uri_payload_start(text)
    return _backend.current().decode_image(  # type: ignore[no-any-return]
        text, start, tjpf, out, _options.check_max_pixels(max_pixels), strictness, turn, scale_eighths, side
    )
