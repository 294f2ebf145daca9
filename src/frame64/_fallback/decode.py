"""decode_image for the pure-Python backend: stdlib base64 and PyTurboJPEG (mirrors bind_decode.cpp).

Mirrors frame64._core.decode_image (cpp/bindings/bind_decode.cpp,
cpp/jpeg/jpeg_decoder.cpp) step by step, so that both backends accept the
same inputs, return identical arrays and raise the same errors with the same
messages.
"""

from __future__ import annotations

import re
import threading
import warnings
from binascii import a2b_base64 as _a2b_base64
from typing import Any, Tuple

import numpy as np

from .._errors import DecodeError, PngError
from .._formats import (
    PIXEL_SIZE,
    TJCS_CMYK,
    TJCS_YCCK,
    TJFLAG_ACCURATEDCT,
    TJFLAG_LIMITSCANS,
    TJFLAG_STOPONWARNING,
    expected_shape,
    sniff,
)
from . import png
from ._turbo import turbojpeg
from .arrays import check_out

_WHITESPACE = b" \t\n\v\f\r"
_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
# With len % 4 == 0, exactly the padded base64 that decode_text accepts.
_PADDED_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")

# PyTurboJPEG reports libjpeg warnings with warnings.warn, and catching them
# changes process-wide state, so the fallback decodes one image at a time.
_warnings_lock = threading.Lock()


def decompress_flags(strict: bool) -> int:
    """Same as jpeg::decompress_flags: accurate IDCT, smooth upsampling, scan limit."""
    flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS
    return flags | TJFLAG_STOPONWARNING if strict else flags


def _describe_char(code: int) -> str:
    return f"'{chr(code)}'" if 0x20 < code < 0x7F else f"0x{code:02X}"


def _base64_error(text: bytes, start: int) -> str:
    """The message of base64::decode_text's first error in text[start:]."""
    quad_pos = pads = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in _WHITESPACE:
            continue
        if pads and quad_pos + pads == 4:
            return f"invalid base64: data continues after the '=' padding at position {i}"
        if ch == 0x3D:  # '='
            if quad_pos < 2:
                return f"invalid base64: '=' at position {i} comes before the third character of a group"
            pads += 1
            continue
        if ch not in _ALPHABET:
            return f"invalid base64: character {_describe_char(ch)} at position {i} is not in the base64 alphabet"
        if pads:
            return f"invalid base64: data continues after the '=' padding at position {i}"
        quad_pos = (quad_pos + 1) % 4
    return (
        f"invalid base64: the text ends inside a group of 4 characters ({quad_pos + pads} given); "
        "it is truncated or lacks '=' padding"
    )


def b64decode_text(data: Any, start: int) -> bytes:
    """base64::decode_text of data[start:] (an ASCII str or bytes-like)."""
    if isinstance(data, str):
        try:
            text = data.encode("ascii")
        except UnicodeEncodeError as exc:
            where = exc.start
            raise DecodeError(
                f"invalid base64: character {_describe_char(ord(data[where]))} at position {where} "
                "is not in the base64 alphabet"
            ) from None
    else:
        text = bytes(data)
    payload = text[start:].translate(None, _WHITESPACE)
    if len(payload) % 4 != 0 or _PADDED_BASE64.fullmatch(payload) is None:
        raise DecodeError(_base64_error(text, start))
    return _a2b_base64(payload)


def describe_unknown(data: bytes) -> str:
    if not data:
        return "no image data: the base64 payload is empty"
    return "not a JPEG or PNG image: the decoded data starts with " + " ".join(f"{b:02x}" for b in data[:8])


def _warning_message(detail: str) -> str:
    return f"JPEG data has a defect that libjpeg-turbo reports as a warning (strict=True rejects it): {detail}"


def run_turbo(function: Any, *args: Any, **kwargs: Any) -> Tuple[str, str, Any]:
    """Run a PyTurboJPEG call: ("ok" | "warning" | "fatal", libjpeg's message, result)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = function(*args, **kwargs)
        except OSError as exc:  # PyTurboJPEG raises OSError for TJERR_FATAL
            return "fatal", str(exc), None
    if caught:
        return "warning", str(caught[-1].message), result
    return "ok", "", result


def _read_header(turbo: Any, jpeg: bytes, strict: bool) -> Tuple[int, int]:
    status, detail, header = run_turbo(turbo.decode_header, jpeg)
    if status == "fatal":
        raise DecodeError(f"corrupt JPEG header: {detail}")
    width, height, _, colorspace = header
    has_size = width > 0 and height > 0
    if status == "warning":
        if not has_size:
            raise DecodeError(f"corrupt JPEG header: {detail}")
        if strict:
            raise DecodeError(_warning_message(detail))
    elif not has_size:
        raise DecodeError("JPEG data holds no image: it is truncated or holds only tables")
    if colorspace in (TJCS_CMYK, TJCS_YCCK):
        raise DecodeError("CMYK and YCCK JPEGs are not supported")
    return width, height


def _decompress(turbo: Any, jpeg: bytes, pixels: np.ndarray, pixel_format: int, strict: bool) -> None:
    """Into pixels (H, W, C), telling warnings from fatal errors as
    TurboDecompressor::decompress does: a canary in the last row."""
    last_row = pixels[-1]
    last_row.fill(0x00)
    flags = decompress_flags(strict)

    def run() -> Tuple[str, str]:
        status, detail, result = run_turbo(turbo.decode, jpeg, pixel_format=pixel_format, flags=flags, dst=pixels)
        if status != "fatal" and result is not pixels:
            raise RuntimeError("PyTurboJPEG did not decode into the given dst array")
        return status, detail

    status, detail = run()
    if status == "ok":
        return
    if status == "fatal":
        raise DecodeError(f"corrupt JPEG data: {detail}")
    if strict:
        raise DecodeError(_warning_message(detail))
    if last_row.any():
        return
    last_row.fill(0xFF)
    status, detail = run()
    if status == "ok" or (status == "warning" and not (last_row == 0xFF).all()):
        return
    raise DecodeError(f"corrupt JPEG data: {detail}")


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    pixels = width * height
    if pixels > max_pixels:
        raise DecodeError(
            f"image is {width}x{height} ({pixels} pixels), over max_pixels={max_pixels}; "
            "pass a larger max_pixels to decode it"
        )


def _decode_png(image: bytes, pixel_format: int, out: Any, max_pixels: int, strict: bool) -> np.ndarray:
    """The PNG branch: the same checks, in the same order, as the C++ one."""
    try:
        header = png.PngFile(image, strict)
        _check_pixels(header.width, header.height, max_pixels)
        shape = expected_shape(header.height, header.width, PIXEL_SIZE[pixel_format])
        target = None if out is None else check_out(out, shape)
        pixels = png.decode_pixels(header, pixel_format)
    except PngError as exc:
        raise DecodeError(str(exc)) from None
    if target is None:
        return pixels
    target[...] = pixels
    return out  # type: ignore[no-any-return]


def decode_image_bytes(data: Any, pixel_format: int, out: Any, max_pixels: int, strict: bool) -> np.ndarray:
    """Same contract as frame64._core.decode_image_bytes: raw image bytes, no base64."""
    channels = PIXEL_SIZE.get(pixel_format)
    if channels is None:
        raise ValueError(f"pixel_format: unsupported TurboJPEG pixel format {pixel_format}")
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
    image = bytes(data) if not isinstance(data, bytes) else data
    kind = sniff(image)
    if kind == "png":
        return _decode_png(image, pixel_format, out, max_pixels, strict)
    if kind is None:
        raise DecodeError(describe_unknown(image))
    turbo = turbojpeg()
    with _warnings_lock:
        width, height = _read_header(turbo, image, strict)
        _check_pixels(width, height, max_pixels)
        shape = expected_shape(height, width, channels)
        target = np.empty(shape, np.uint8) if out is None else check_out(out, shape)
        _decompress(turbo, image, target.reshape(height, width, channels), pixel_format, strict)
    return target if out is None else out


def decode_image(data: Any, start: int, pixel_format: int, out: Any, max_pixels: int, strict: bool) -> np.ndarray:
    """Same contract as frame64._core.decode_image (arguments checked by frame64.decode)."""
    if pixel_format not in PIXEL_SIZE:
        raise ValueError(f"pixel_format: unsupported TurboJPEG pixel format {pixel_format}")
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
    if not 0 <= start <= len(data):
        raise ValueError("start is past the end of data")
    return decode_image_bytes(b64decode_text(data, start), pixel_format, out, max_pixels, strict)
