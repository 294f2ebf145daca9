"""decode_image for the pure-Python backend: stdlib base64 and PyTurboJPEG (mirrors bind_decode.cpp).

Mirrors frame64._core.decode_image (cpp/bindings/bind_decode.cpp,
cpp/jpeg/jpeg_decoder.cpp) step by step, so that both backends accept the
same inputs, return identical arrays and raise the same errors with the same
messages.
"""

from __future__ import annotations

import re
import threading
from math import gcd
import warnings
from binascii import a2b_base64 as _a2b_base64
from typing import Any, Callable, Iterator, List, Optional, Tuple

import numpy as np

from .._errors import DecodeError, JpegDecodeError, PngDecodeError, PngError
from .._formats import (
    BENIGN_JPEG_WARNINGS,
    BEST_EFFORT,
    BLUE_FIRST,
    DEFAULT_STRICTNESS,
    EOI as _EOI,
    FULL_SCALE,
    JPEG_WARNINGS,
    PIXEL_SIZE,
    RST0 as _RST0,
    SOI as _SOI,
    SOS as _SOS,
    STRICT,
    TJCS_CMYK,
    TJCS_YCCK,
    TJFLAG_ACCURATEDCT,
    TJFLAG_LIMITSCANS,
    TJFLAG_STOPONWARNING,
    TJPF_CMYK,
    expected_shape,
    is_sof,
    libjpeg_2x_wording,
    scale_for_max_side,
    scaled_side,
    sniff,
)
from . import exif, png
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


def _strict_message(detail: str) -> str:
    return f"JPEG data has a defect that libjpeg-turbo reports as a warning (strict=True rejects it): {detail}"


def _made_up_message(detail: str) -> str:
    return (
        f"JPEG data is truncated or corrupt, so part of the frame would be made up: {detail} "
        "(best_effort=True returns that frame anyway)"
    )


def _format_pattern(text: str) -> "re.Pattern[str]":
    """A regex matching what libjpeg's format_message makes of a jerror.h format."""
    parts = re.split(r"(%0?\d*[dux])", text)
    pieces = []
    for part in parts:
        if part.startswith("%"):
            pieces.append("[0-9a-f]+" if part.endswith("x") else "-?[0-9]+")
        else:
            pieces.append(re.escape(part))
    return re.compile("".join(pieces))


_WARNING_PATTERNS = [(name, _format_pattern(text)) for name, text in JPEG_WARNINGS.items()]
_EXTRANEOUS = re.compile(r"([0-9]+) extraneous bytes before marker 0x([0-9a-f]+)")


def is_benign(name: Optional[str], detail: str) -> bool:
    """jpeg::warning_is_benign: bytes skipped before an RSTn marker mean a garbled restart interval."""
    if name != "JWRN_EXTRANEOUS_DATA":
        return name in BENIGN_JPEG_WARNINGS
    found = _EXTRANEOUS.search(detail)
    return found is not None and not 0xD0 <= int(found.group(2), 16) <= 0xD7


def warning_name(detail: str) -> Optional[str]:
    """The JWRN_* name of a libjpeg warning from its message (PyTurboJPEG gives only the text), or None."""
    for name, pattern in _WARNING_PATTERNS:
        if pattern.fullmatch(detail):
            return name
    return None


def run_turbo(function: Any, *args: Any, **kwargs: Any) -> Tuple[str, str, Any]:
    """Run a PyTurboJPEG call: ("ok" | "warning" | "fatal", libjpeg's message, result)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = function(*args, **kwargs)
        except OSError as exc:  # PyTurboJPEG raises OSError for TJERR_FATAL
            return "fatal", libjpeg_2x_wording(str(exc)), None
    if caught:
        return "warning", libjpeg_2x_wording(str(caught[-1].message)), result
    return "ok", "", result


def _read_header(turbo: Any, jpeg: bytes, strict: bool) -> Tuple[int, int, int]:
    status, detail, header = run_turbo(turbo.decode_header, jpeg)
    if status == "fatal":
        raise JpegDecodeError(f"corrupt JPEG header: {detail}")
    width, height, _, colorspace = header
    has_size = width > 0 and height > 0
    if status == "warning":
        if not has_size:
            raise JpegDecodeError(f"corrupt JPEG header: {detail}")
        if strict:
            raise JpegDecodeError(_strict_message(detail))
    elif not has_size:
        raise JpegDecodeError("JPEG data holds no image: it is truncated or holds only tables")
    return width, height, colorspace


# --- the warnings TurboJPEG hides --------------------------------------------
# libjpeg says which warning it met (msg_code); TurboJPEG keeps only the text of
# the first one (or of a fatal error after it). The C++ core raises at the first
# warning that makes pixels up, so the fallback must find that warning even
# behind benign ones: it stops at the first warning (TJFLAG_STOPONWARNING),
# and while that warning is benign, removes its cause from a copy of the data
# (pixel-neutrally: exactly what libjpeg skips or assumes) and looks again.

_MAX_BENIGN_WARNINGS = 64


def _marker_boundaries(jpeg: bytes) -> Iterator[Tuple[int, int, int, int, bool]]:
    """(marker, start of the skipped bytes, start of its 0xFF run, libjpeg's count of
    skipped bytes, it ends entropy-coded data) for each marker after SOI.

    The walk of libjpeg's next_marker (jdmarker.c) between marker segments;
    after SOS, the entropy-coded data runs to the next 0xFF that is neither
    stuffing (0xFF 0x00) nor fill.
    """
    size = len(jpeg)
    at = 2
    after_entropy = False
    while at < size:
        skipped_from = at
        count = 0
        while True:
            while at < size and jpeg[at] != 0xFF:
                at += 1
                count += 1
            run_start = at
            while at < size and jpeg[at] == 0xFF:
                at += 1
            if at >= size:
                return
            marker = jpeg[at]
            at += 1
            if marker != 0:
                break
            count += 2  # a stuffed 0xFF 0x00 pair
        yield marker, skipped_from, run_start, count, after_entropy
        after_entropy = False
        if marker in (0x01, _SOI) or _RST0 <= marker <= _RST0 + 7:
            after_entropy = _RST0 <= marker <= _RST0 + 7
            if after_entropy:
                at = _entropy_end(jpeg, at)
            continue
        if marker == _EOI or size - at < 2:
            return
        # A length below 2 (bogus) is fatal in the table readers; skip_variable
        # and the APPn readers take it as no payload: 2 bytes.
        at += max((jpeg[at] << 8) | jpeg[at + 1], 2)
        if marker == _SOS:
            at = _entropy_end(jpeg, at)
            after_entropy = True


def _entropy_end(jpeg: bytes, at: int) -> int:
    """Where entropy-coded data from ``at`` ends: its first 0xFF that is neither stuffing nor fill."""
    size = len(jpeg)
    while at + 1 < size and not (jpeg[at] == 0xFF and jpeg[at + 1] not in (0x00, 0xFF)):
        at += 1
    return at


def _without_extraneous_bytes(
    jpeg: bytes, detail: str, leaves_bytes: Callable[[bytes, int], bool]
) -> Optional[bytes]:
    found_numbers = _EXTRANEOUS.search(detail)
    if found_numbers is None:
        return None
    count, marker = int(found_numbers.group(1)), int(found_numbers.group(2), 16)
    sites = []  # (the JPEG without the bytes, where the marker's 0xFF run starts)
    for found, skipped_from, run_start, counted, after_entropy in _marker_boundaries(jpeg):
        if found != marker:
            continue
        if after_entropy and run_start >= count:
            # after entropy-coded data: the bytes the decoder did not need
            sites.append((jpeg[: run_start - count] + jpeg[run_start:], run_start))
        elif not after_entropy and counted == count:  # between marker segments: libjpeg's count exactly
            return jpeg[:skipped_from] + jpeg[run_start:]
    if len(sites) == 1:
        return sites[0][0]
    # Several scans (or restart intervals) end with this marker, so which one
    # the decoder left the bytes at is asked of libjpeg: cut there, the stream
    # must end with the same count left before the EOI put in its place.
    return next((cut for cut, run_start in sites if leaves_bytes(jpeg[:run_start], count)), None)


def _patched_segments(jpeg: bytes, marker: int, signature: bytes, at: int, value: Any) -> Optional[bytes]:
    """jpeg with payload byte ``at`` of every ``marker`` segment starting with ``signature`` set by ``value(old)``."""
    data = bytearray(jpeg)
    changed = False
    for found, _, run_start, _, _ in _marker_boundaries(jpeg):
        if found == _SOS:
            break
        payload = run_start + 4
        if found == marker and jpeg[payload : payload + len(signature)] == signature and payload + at < len(jpeg):
            new = value(jpeg[payload + at])
            changed = changed or new != jpeg[payload + at]
            data[payload + at] = new
    return bytes(data) if changed else None


def _without_cause(
    jpeg: bytes, name: str, detail: str, components: int, leaves_bytes: Callable[[bytes, int], bool]
) -> Optional[bytes]:
    """A copy of jpeg without the cause of the benign warning ``name`` (same pixels), or None."""
    if name == "JWRN_EXTRANEOUS_DATA":
        return _without_extraneous_bytes(jpeg, detail, leaves_bytes)
    if name == "JWRN_JFIF_MAJOR":  # libjpeg reads on; version 1 reads the same
        return _patched_segments(jpeg, 0xE0, b"JFIF\x00", 5, lambda v: v if v in (1, 2) else 1)
    # JWRN_ADOBE_XFORM: libjpeg assumes YCbCr (transform 1) for 3 components, YCCK (2) for 4
    assumed = 2 if components == 4 else 1
    return _patched_segments(jpeg, 0xEE, b"Adobe", 11, lambda v: v if v in (0, assumed) else assumed)


# tjDecompressHeader3's own refusals (sampling factors, colour space or size it
# cannot name), which TurboJPEG 2.x downgrades to a warning after any libjpeg warning.
_HEADER_CHECK = "tjDecompressHeader3(): "


def _decompress_unchecked(turbo: Any, jpeg: bytes, dst: np.ndarray, tjpf: int, flags: int) -> None:
    """PyTurboJPEG's decode into ``dst`` (its shape picks the scale) without the tjDecompressHeader3
    call in front: tjDecompress2 alone, which decodes any sampling factors libjpeg does. Warnings
    and errors are reported as PyTurboJPEG's decode reports them (run_turbo reads them)."""
    handle = turbo._TurboJPEG__init_decompress()
    try:
        source = np.frombuffer(jpeg, np.uint8)
        status = turbo._TurboJPEG__decompress(
            handle, turbo._TurboJPEG__getaddr(source), source.size, turbo._TurboJPEG__getaddr(dst),
            dst.shape[1], 0, dst.shape[0], tjpf, flags,
        )
        if status != 0:
            turbo._TurboJPEG__report_error(handle)
    finally:
        turbo._TurboJPEG__destroy(handle)


def _first_made_up_warning(
    turbo: Any, jpeg: bytes, components: int, probe: np.ndarray, tjpf: int, scaling: Optional[Tuple[int, int]]
) -> Optional[str]:
    """The text of the first warning that makes pixels up, as the C++ core stops at it; None if none."""
    flags = decompress_flags(True)
    data: Optional[bytes] = jpeg

    def first_outcome(candidate: bytes) -> Tuple[str, str]:
        status, text, _ = run_turbo(
            turbo.decode, candidate, pixel_format=tjpf, scaling_factor=scaling, flags=flags, dst=probe
        )
        if status == "fatal" and text.startswith(_HEADER_CHECK) and hasattr(turbo, "_TurboJPEG__decompress"):
            # The header passed that check only because the benign warning just
            # taken out came before it (TurboJPEG 2.x then reports a warning,
            # not an error); the C++ core reads on past it, so the probe does
            # too (found by CI's fuzz smoke, tests/hardening/test_regressions.py;
            # PyTurboJPEG 1.x, the one for TurboJPEG 2.x, has the calls it needs).
            status, text, _ = run_turbo(_decompress_unchecked, turbo, candidate, probe, tjpf, flags)
        return status, text

    def leaves_bytes(prefix: bytes, count: int) -> bool:
        # The first warning is libjpeg's count of the bytes it skipped there
        # (none can come before: this is the first warning of the stream). A
        # scan the decoder needed all of instead ends cleanly, or short of data.
        # Comparing pixels could not tell: bytes the decoder read ahead into but
        # did not need leave them alike (found by CI's fuzz smoke,
        # tests/hardening/test_regressions.py).
        return first_outcome(prefix + bytes((0xFF, _EOI))) == (
            "warning",
            f"Corrupt JPEG data: {count} extraneous bytes before marker 0x{_EOI:02x}",
        )

    for _ in range(_MAX_BENIGN_WARNINGS):
        assert data is not None
        status, detail = first_outcome(data)
        if status != "warning":
            return None
        name = warning_name(detail)
        if name is None or not is_benign(name, detail):
            return detail
        data = _without_cause(data, name, detail, components, leaves_bytes)
        if data is None:  # not found: taken as benign (see docs/bad-input.md)
            return None
    return None


def _scaling_factor(scale_eighths: int) -> Optional[Tuple[int, int]]:
    """PyTurboJPEG's scaling_factor for k/8: reduced, as tjGetScalingFactors lists it (None: full size)."""
    if scale_eighths == FULL_SCALE:
        return None
    common = gcd(scale_eighths, FULL_SCALE)
    return scale_eighths // common, FULL_SCALE // common


def _decompress(
    turbo: Any, jpeg: bytes, pixels: np.ndarray, tjpf: int, strictness: int, components: int, scale_eighths: int
) -> None:
    """Into pixels (H, W, C) as stored (scaled), with the C++ core's verdicts (jpeg::decompress)."""
    flags = decompress_flags(strictness == STRICT)
    scaling = _scaling_factor(scale_eighths)
    status, detail, result = run_turbo(
        turbo.decode, jpeg, pixel_format=tjpf, scaling_factor=scaling, flags=flags, dst=pixels
    )
    if status != "fatal" and result is not pixels:
        raise RuntimeError("PyTurboJPEG did not decode into the given dst array")
    if status == "ok":
        return
    if status == "fatal":
        raise JpegDecodeError(f"corrupt JPEG data: {detail}")
    if strictness == STRICT:  # TJFLAG_STOPONWARNING: the first warning
        raise JpegDecodeError(_strict_message(detail))
    # TurboJPEG reports TJERR_WARNING both for warnings alone (the text is the
    # first warning's) and for a fatal error after a warning (the text is the
    # error's): the text tells them apart.
    name = warning_name(detail)
    if strictness == DEFAULT_STRICTNESS:
        if name is not None and not is_benign(name, detail):
            raise JpegDecodeError(_made_up_message(detail))  # the first warning
        made_up = _first_made_up_warning(turbo, jpeg, components, np.empty_like(pixels), tjpf, scaling)
        if made_up is not None:
            raise JpegDecodeError(_made_up_message(made_up))
    if name is None:
        raise JpegDecodeError(f"corrupt JPEG data: {detail}")


def cmyk_to(cmyk: np.ndarray, inverted: bool, pixel_format: int) -> np.ndarray:
    """Pillow's CMYK -> RGB (image::cmyk_to, libImaging/Convert.c cmyk2rgb) in a pixel format's layout."""
    values = cmyk.astype(np.uint32)
    if inverted:  # Photoshop's convention: 0 is full ink
        values = 255 - values
    ink_free = 255 - values[..., 3:4]
    product = values[..., :3] * ink_free + 128
    rgb = ink_free - (((product >> 8) + product) >> 8)  # Pillow's MULDIV255
    channels = PIXEL_SIZE[pixel_format]
    if channels == 1:
        luma: np.ndarray = (rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16
        return luma.astype(np.uint8)
    if pixel_format in BLUE_FIRST:
        rgb = rgb[..., ::-1]
    result = np.empty(cmyk.shape[:2] + (channels,), np.uint8)
    result[..., :3] = rgb
    if channels == 4:
        result[..., 3] = 255
    return result


_PROGRESSIVE_SOF = (0xC2, 0xC6, 0xCA, 0xCE)


def _jpeg_facts(jpeg: bytes) -> Tuple[int, bool]:
    """(components of the frame, an Adobe APP14 segment seen) as libjpeg reads them (jdmarker.c).

    libjpeg takes an APP14 segment for Adobe's when its length leaves at
    least 12 data bytes and they start with "Adobe" (examine_app14; bytes past
    the segment do not count). jpeg_start_decompress reads a multi-scan file
    (progressive, or a first scan without every component) to its end, so the
    segments between its scans count too; a single-scan file is read up to
    its scan.
    """
    components, adobe, progressive = 0, False, False
    size = len(jpeg)
    for marker, _, run_start, _, _ in _marker_boundaries(jpeg):
        at = run_start
        while at < size and jpeg[at] == 0xFF:  # fill bytes, then the marker's own 0xFF
            at += 1
        data = at + 3  # past the marker code and the two length bytes
        length = int.from_bytes(jpeg[at + 1 : data], "big")
        if marker == 0xEE and length - 2 >= 12 and jpeg[data : data + 5] == b"Adobe":
            adobe = True
        elif is_sof(marker) and not components and data + 6 <= size:
            components = jpeg[data + 5]
            progressive = marker in _PROGRESSIVE_SOF
        elif marker == _SOS and data < size and not (progressive or jpeg[data] < components):
            break
    return components, adobe


def _decode_jpeg(image: bytes, channels: int, pixel_format: int, out: Any, max_pixels: int, strictness: int,
                 orientation: bool, scale_eighths: int, max_side: int) -> np.ndarray:
    turbo = turbojpeg()
    with _warnings_lock:
        full_width, full_height, colorspace = _read_header(turbo, image, strictness == STRICT)
        turn = exif.jpeg_exif_orientation(image) if orientation else 1
        swap = exif.swaps_sides(turn)
        full = (full_width, full_height) if swap else (full_height, full_width)
        if max_side > 0:
            scale_eighths = scale_for_max_side(full_width, full_height, max_side)
        width, height = scaled_side(full_width, scale_eighths), scaled_side(full_height, scale_eighths)
        shown = (width, height) if swap else (height, width)
        _check_pixels(full[1], full[0], max_pixels, JpegDecodeError)  # the full-size frame, as the C++ core
        shape = expected_shape(shown[0], shown[1], channels)
        target = np.empty(shape, np.uint8) if out is None else check_out(out, shape)
        cmyk = colorspace in (TJCS_CMYK, TJCS_YCCK)
        components, adobe = _jpeg_facts(image)
        if not cmyk and turn == 1:
            _decompress(
                turbo, image, target.reshape(height, width, channels), pixel_format, strictness, components,
                scale_eighths,
            )
            return target if out is None else out
        stored = np.empty((height, width, 4 if cmyk else channels), np.uint8)
        _decompress(turbo, image, stored, TJPF_CMYK if cmyk else pixel_format, strictness, components, scale_eighths)
        pixels = cmyk_to(stored, adobe, pixel_format) if cmyk else stored.reshape(expected_shape(height, width, channels))
        target[...] = exif.apply_orientation(pixels, turn)
    return target if out is None else out


def _check_pixels(width: int, height: int, max_pixels: int, error: type) -> None:
    pixels = width * height
    if pixels > max_pixels:
        raise error(
            f"image is {width}x{height} ({pixels} pixels), over max_pixels={max_pixels}; "
            "pass a larger max_pixels to decode it"
        )


def png_scale_message(scale_eighths: int) -> str:
    """The C++ core's png_scale_message (bind_decode.cpp)."""
    common = gcd(scale_eighths, FULL_SCALE)
    return (
        f"scale={scale_eighths // common}/{FULL_SCALE // common} applies to JPEG only: this is a PNG, which has no "
        "DCT scaling; decode it at full size and shrink it with frame64.resize"
    )


def _decode_png(
    image: bytes, pixel_format: int, out: Any, max_pixels: int, strict: bool, scale_eighths: int
) -> np.ndarray:
    """The PNG branch: the same checks, in the same order, as the C++ one."""
    if scale_eighths != FULL_SCALE:  # max_side only bounds the work from below: a PNG has one scale
        raise PngDecodeError(png_scale_message(scale_eighths))
    try:
        header = png.PngFile(image, strict)
        _check_pixels(header.width, header.height, max_pixels, PngDecodeError)
        shape = expected_shape(header.height, header.width, PIXEL_SIZE[pixel_format])
        target = None if out is None else check_out(out, shape)
        pixels = png.decode_pixels(header, pixel_format)
    except PngDecodeError:
        raise
    except PngError as exc:
        raise PngDecodeError(str(exc)) from None
    if target is None:
        return pixels
    target[...] = pixels
    return out  # type: ignore[no-any-return]


def _check_strictness(strictness: int) -> None:
    if strictness not in (BEST_EFFORT, DEFAULT_STRICTNESS, STRICT):
        raise ValueError("strictness must be 0, 1 or 2")


def _check_threads(threads: int) -> None:
    """checked_threads in bind_decode.cpp (the fallback decodes on one thread: the same arrays)."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")


def _check_scaling(scale_eighths: int, max_side: int) -> None:
    """checked_scaling in bind_decode.cpp."""
    if not 1 <= scale_eighths <= FULL_SCALE:
        raise ValueError(f"scale: scale_eighths must be 1 to 8, got {scale_eighths}")
    if max_side < 0:
        raise ValueError(f"max_side must be >= 0 (0: none), got {max_side}")


def decode_image_bytes(
    data: Any,
    pixel_format: int,
    out: Any,
    max_pixels: int,
    strictness: int,
    orientation: bool,
    scale_eighths: int = FULL_SCALE,
    max_side: int = 0,
    threads: int = 1,
) -> np.ndarray:
    """Same contract as frame64._core.decode_image_bytes: raw image bytes, no base64."""
    channels = PIXEL_SIZE.get(pixel_format)
    if channels is None:
        raise ValueError(f"pixel_format: unsupported TurboJPEG pixel format {pixel_format}")
    _check_strictness(strictness)
    _check_scaling(scale_eighths, max_side)
    _check_threads(threads)
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
    image = bytes(data) if not isinstance(data, bytes) else data
    kind = sniff(image)
    if kind == "png":
        return _decode_png(image, pixel_format, out, max_pixels, strictness == STRICT, scale_eighths)
    if kind is None:
        raise DecodeError(describe_unknown(image))
    return _decode_jpeg(image, channels, pixel_format, out, max_pixels, strictness, orientation, scale_eighths, max_side)


# The C++ core's parallel_bands: this backend decodes every frame on one thread.
parallel_bands = False


def jpeg_band_count(data: Any, threads: int) -> int:
    """The C++ core's jpeg_band_count: this backend decodes every frame on one thread, in no bands (0)."""
    _check_threads(threads)
    with _warnings_lock:
        _read_header(turbojpeg(), bytes(data), False)  # the same header errors
    return 0


def decode_image(
    data: Any,
    start: int,
    pixel_format: int,
    out: Any,
    max_pixels: int,
    strictness: int,
    orientation: bool,
    scale_eighths: int = FULL_SCALE,
    max_side: int = 0,
    threads: int = 1,
) -> np.ndarray:
    """Same contract as frame64._core.decode_image (arguments checked by frame64.decode)."""
    if pixel_format not in PIXEL_SIZE:
        raise ValueError(f"pixel_format: unsupported TurboJPEG pixel format {pixel_format}")
    _check_strictness(strictness)
    _check_scaling(scale_eighths, max_side)
    _check_threads(threads)
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
    if not 0 <= start <= len(data):
        raise ValueError("start is past the end of data")
    return decode_image_bytes(
        b64decode_text(data, start), pixel_format, out, max_pixels, strictness, orientation, scale_eighths, max_side
    )
