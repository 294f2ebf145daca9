"""Argument validation shared by both backends.

Every public entry point converts its arguments here, once, so that the C++
core and the pure-Python fallback see exactly the same request and raise
exactly the same errors for bad input. The facts the checks read (pixel
formats, limits, codes) live in ``_formats``.
"""

from __future__ import annotations

import functools
import numbers
import os
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ._formats import (
    BEST_EFFORT,
    CHANNELS,
    DEFAULT_STRICTNESS,
    FORMATS,
    FULL_SCALE,
    MAX_JPEG_SIDE,
    PIXEL_FORMATS,
    STRICT,
    SUBSAMPLINGS,
    TJPF,
    TJSAMP,
    sniff,
)

MAX_PIXELS_DEFAULT = 178_956_970
"""Default ``max_pixels`` of every decode: Pillow's DecompressionBombError threshold.

At 3 bytes per pixel it caps a BGR result at 512 MiB, while an 8K UHD frame
(33 Mpx) passes with room to spare. A JPEG header can claim up to
65535 x 65535 pixels (12 GiB as BGR) in a few hundred bytes.
"""
DEFAULT_MAX_PIXELS = MAX_PIXELS_DEFAULT

# max_pixels=None: more than any JPEG holds (65535**2); a PNG beyond it cannot
# be allocated anyway.
NO_PIXEL_LIMIT = 1 << 32
MIN_COMPRESSION, MAX_COMPRESSION, DEFAULT_COMPRESSION = 0, 9, 1


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {', '.join(map(repr, allowed))}; got {type(value).__name__}")
    if value in allowed:
        return value
    folded = {a.lower(): a for a in allowed}
    if value.lower() in folded:
        return folded[value.lower()]
    raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def flag(name: str, value: Any) -> bool:
    if value is True or value is False:  # fast path
        return value
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


ORIENTATIONS = ("exif", "ignore")


def strictness(strict: Any, best_effort: Any) -> int:
    """The decode strictness code (_formats.BEST_EFFORT, DEFAULT_STRICTNESS, STRICT) of frame64.decode's flags."""
    strict = flag("strict", strict)
    best_effort = flag("best_effort", best_effort)
    if strict and best_effort:
        raise ValueError("strict=True and best_effort=True contradict each other; pass one of them")
    return STRICT if strict else BEST_EFFORT if best_effort else DEFAULT_STRICTNESS


def check_orientation(value: Any) -> bool:
    """True when the EXIF Orientation is to be applied ('exif'), False for 'ignore'."""
    return choice("orientation", value, ORIENTATIONS) == "exif"


def check_format(value: Any) -> str:
    """The output format name, case-insensitive ('jpg' means 'jpeg')."""
    if isinstance(value, str) and value.lower() == "jpg":
        value = "jpeg"
    return choice("format", value, FORMATS)


def check_quality(value: Any) -> int:
    quality = _integer("quality", value, "an int in 1..100")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be in 1..100, got {quality}")
    return quality


def available_cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def resize_threads(threads: int | None = None) -> int:
    """Threads for one area resize (its pixels are the same for any count): ``threads``
    (already checked; None: all), at most the cores this process may run on."""
    cores = available_cores()
    return cores if threads is None else min(threads, cores)


def check_threads(value: Any) -> int:
    """A thread count: an int >= 1."""
    threads = _integer("threads", value, "an int >= 1 (or None for all cores)")
    if threads < 1:
        raise ValueError(f"threads must be >= 1 (or None for all cores), got {threads}")
    return threads


MAX_DECODE_THREADS = 8192


def decode_threads(value: Any) -> int:
    """frame64.decode's thread count: None means 1 (one thread, as before); else an int >= 1."""
    if value is None:
        return 1
    threads = _integer("threads", value, "an int >= 1 (or None for one thread)")
    if threads < 1:
        raise ValueError(f"threads must be >= 1 (or None for one thread), got {threads}")
    # A frame has at most 8192 MCU rows (65535 lines of 8), so no more bands: a
    # larger count changes nothing, and the backends take a C int.
    return min(threads, MAX_DECODE_THREADS)


def _integer(name: str, value: Any, expected: str) -> int:
    if type(value) is int:  # fast path: the ABC check below costs a microsecond
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__}")
    return int(value)


def check_max_side(value: Any) -> int | None:
    """``max_side``: None (no limit) or an int >= 1."""
    if value is None:
        return None
    side = _integer("max_side", value, "an int >= 1 or None")
    if side < 1:
        raise ValueError(f"max_side must be >= 1 (or None), got {side}")
    return side


_SCALE_NAMES = "1/8, 1/4, 3/8, 1/2, 5/8, 3/4, 7/8 or 1"


def check_scale(value: Any) -> int:
    """``scale`` of frame64.decode as eighths (1..8): None or a number or (num, denom) pair equal to k/8."""
    if value is None:
        return FULL_SCALE
    if isinstance(value, tuple) and len(value) == 2:
        num = _integer("scale", value[0], f"one of {_SCALE_NAMES} (a number or a (num, denom) pair)")
        denom = _integer("scale", value[1], f"one of {_SCALE_NAMES} (a number or a (num, denom) pair)")
        if denom == 0:
            raise ValueError(f"scale must be one of {_SCALE_NAMES}, got {num}/0")
        fraction = Fraction(num, denom)
    elif isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"scale must be one of {_SCALE_NAMES} (a number or a (num, denom) pair), got {type(value).__name__}")
    else:
        try:
            fraction = Fraction(float(value))  # exact for every k/8
        except (ValueError, OverflowError):  # nan, inf
            raise ValueError(f"scale must be one of {_SCALE_NAMES}, got {value!r}") from None
    eighths = fraction * FULL_SCALE
    if eighths.denominator != 1 or not 1 <= eighths.numerator <= FULL_SCALE:
        raise ValueError(
            f"scale must be one of {_SCALE_NAMES} (libjpeg-turbo's DCT scaling factors), got {value!r}"
        )
    return int(eighths.numerator)


def decode_scaling(scale: Any, max_side: Any) -> tuple[int, int]:
    """(scale_eighths, max_side or 0) for the backends' decode_image; scale and max_side exclude each other."""
    side = check_max_side(max_side)
    eighths = check_scale(scale)
    if side is not None and scale is not None:
        raise ValueError("pass scale or max_side, not both: max_side picks the scale")
    return eighths, 0 if side is None else side


def fit_max_side(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    """(width, height) with the longer side at most ``max_side``, aspect kept.

    The longer side becomes ``max_side`` when it is longer; the shorter one is
    rounded to nearest, halves up: ``(2 * shorter * max_side + longer) //
    (2 * longer)``, at least 1. Never larger than the image.
    """
    longer, shorter = max(width, height), min(width, height)
    if max_side is None or longer <= max_side:
        return width, height
    rounded = max(1, (2 * shorter * max_side + longer) // (2 * longer))
    return (max_side, rounded) if width >= height else (rounded, max_side)


def check_compression(value: Any) -> int:
    """The PNG compression level: an int in 0..9; None means the default (1)."""
    if value is None:
        return DEFAULT_COMPRESSION
    level = _integer("compression", value, "an int in 0..9")
    if not MIN_COMPRESSION <= level <= MAX_COMPRESSION:
        raise ValueError(f"compression must be in 0..9, got {level}")
    return level


def check_max_pixels(value: Any) -> int:
    """The decompression-bomb guard: an int >= 1, None meaning no limit (NO_PIXEL_LIMIT)."""
    if type(value) is int and 1 <= value <= NO_PIXEL_LIMIT:  # fast path
        return value
    if value is None:
        return NO_PIXEL_LIMIT
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"max_pixels must be an int or None, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"max_pixels must be at least 1, got {value}")
    return min(int(value), NO_PIXEL_LIMIT)


def check_out_type(out: Any) -> None:
    """``out`` is None or an ndarray (its shape is checked by the backend, against the image)."""
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")


def pixel_format_code(value: Any) -> int:
    """The TJPF code of a pixel format name (case-insensitive)."""
    code = TJPF.get(value) if type(value) is str else None  # fast path: an exact name
    return TJPF[choice("pixel_format", value, PIXEL_FORMATS)] if code is None else code


@dataclass(frozen=True)
class JpegOptions:
    """A validated JPEG request, in TurboJPEG's terms."""

    pixel_format: str
    quality: int
    subsampling: str
    fast_dct: bool
    progressive: bool
    data_uri: bool

    @property
    def tjpf(self) -> int:
        return TJPF[self.pixel_format]

    @property
    def tjsamp(self) -> int:
        # A one-channel frame can only make a one-component (grayscale) JPEG.
        return TJSAMP["gray"] if self.pixel_format == "GRAY" else TJSAMP[self.subsampling]

    @property
    def channels(self) -> int:
        return CHANNELS[self.pixel_format]

    @functools.cached_property
    def args(self) -> tuple[int, int, int, bool, bool, bool]:
        """The options as both backends' JPEG functions take them after the frame:
        (pixel_format, quality, subsampling, fast_dct, progressive, data_uri)."""
        return (self.tjpf, self.quality, self.tjsamp, self.fast_dct, self.progressive, self.data_uri)

    def args_at(self, quality: int) -> tuple[int, int, int, bool, bool, bool]:
        """``args`` with another (already checked) quality."""
        args = self.args
        return args if quality == args[1] else (args[0], quality, *args[2:])

    def as_dict(self) -> dict[str, Any]:
        """The options by the names ``frame64.encode`` takes."""
        return {
            "quality": self.quality,
            "subsampling": self.subsampling,
            "pixel_format": self.pixel_format,
            "fast_dct": self.fast_dct,
            "progressive": self.progressive,
            "data_uri": self.data_uri,
        }


_JPEG_OPTIONS_CACHE: dict[tuple[Any, ...], JpegOptions] = {}
_CACHE_LIMIT = 256


def jpeg_options(
    *, quality: Any, subsampling: Any, pixel_format: Any, fast_dct: Any, progressive: Any, data_uri: Any
) -> JpegOptions:
    """The validated options; the same exact-typed arguments (int, str, bool) again are a dict lookup."""
    key = (quality, subsampling, pixel_format, fast_dct, progressive, data_uri)
    exact = (
        type(quality) is int and type(subsampling) is str and type(pixel_format) is str
        and type(fast_dct) is bool and type(progressive) is bool and type(data_uri) is bool
    )
    if exact:
        cached = _JPEG_OPTIONS_CACHE.get(key)
        if cached is not None:
            return cached
    options = _checked_jpeg_options(quality, subsampling, pixel_format, fast_dct, progressive, data_uri)
    if exact and len(_JPEG_OPTIONS_CACHE) < _CACHE_LIMIT:  # only valid options reach here
        _JPEG_OPTIONS_CACHE[key] = options
    return options


def _checked_jpeg_options(
    quality: Any, subsampling: Any, pixel_format: Any, fast_dct: Any, progressive: Any, data_uri: Any
) -> JpegOptions:
    return JpegOptions(
        pixel_format=choice("pixel_format", pixel_format, PIXEL_FORMATS),
        quality=check_quality(quality),
        subsampling=choice("subsampling", subsampling, SUBSAMPLINGS),
        fast_dct=flag("fast_dct", fast_dct),
        progressive=flag("progressive", progressive),
        data_uri=flag("data_uri", data_uri),
    )


def _rows_packed(array: np.ndarray, channels: int) -> bool:
    """True when every row is one contiguous run of pixels at a positive pitch.

    Such views (crops above all) go to TurboJPEG as they are, with their row
    pitch; anything else is copied first.
    """
    height, width = array.shape[:2]
    row_bytes = width * channels
    if array.ndim == 3 and channels > 1 and array.strides[2] != 1:
        return False
    if width > 1 and array.strides[1] != channels:
        return False
    # Even for one row: PyTurboJPEG (the fallback) passes strides[0] as the
    # pitch, and TurboJPEG rejects a negative one (a flipped single row,
    # found by fuzz/fuzz_encode.py).
    return bool(array.strides[0] >= row_bytes)


def _bytes_hint(image: Any) -> str:
    """A hint for encoded file bytes passed where pixels belong ("" for anything else)."""
    if not isinstance(image, (bytes, bytearray, memoryview)):
        return ""
    kind = sniff(bytes(image[:8]))
    if kind is None:
        return "; bytes are not pixels: frame64.b64encode_str(data) gives the base64 of bytes as they are"
    return (
        f"; these look like the bytes of an encoded {kind.upper()} file, not pixels: "
        "frame64.b64encode_str(data) gives their base64 as they are, and "
        "frame64.decode(frame64.b64encode_str(data)) their pixels"
    )


def _dtype_hint(dtype: np.dtype[Any]) -> str:
    """How to make uint8 pixels from another dtype."""
    if dtype.kind == "f":
        return "; convert first, e.g. (np.clip(image, 0.0, 1.0) * 255 + 0.5).astype(np.uint8) for floats in 0..1"
    if dtype.kind == "b":
        return "; convert first, e.g. image.astype(np.uint8) * 255"
    if dtype == np.uint16:
        return "; convert first, e.g. (image >> 8).astype(np.uint8) for 16-bit samples"
    if dtype.kind in "iu":
        return "; convert first, e.g. np.clip(image, 0, 255).astype(np.uint8)"
    return ""


def _shape_hint(shape: tuple[int, ...], channels: int) -> str:
    """The pixel_format that fits an image of this shape, when another one was asked for."""
    depth = 1 if len(shape) == 2 else (shape[2] if len(shape) == 3 else 0)
    if depth == channels or depth not in (1, 3, 4):
        return ""
    suggestion = {1: "'GRAY'", 3: "'BGR' (OpenCV) or 'RGB'", 4: "'BGRA' (OpenCV) or 'RGBA'"}[depth]
    kind = "a one-channel" if depth == 1 else f"a {depth}-channel"
    return f"; for {kind} image pass pixel_format={suggestion}"


def prepare_image(
    image: Any, pixel_format: str, *, max_dimension: int = MAX_JPEG_SIDE, max_pixels: int = MAX_PIXELS_DEFAULT
) -> np.ndarray:
    """Validate a frame for pixel_format; return it, or a packed copy of an odd view.

    ``max_pixels`` (already checked by check_max_pixels) is compared with the
    shape before anything is copied or allocated.
    """
    try:
        array = np.asarray(image)
    except Exception as exc:  # e.g. a buffer with an unsupported format
        raise TypeError(f"image must be a numpy array or a buffer of uint8 pixels, got {type(image).__name__}") from exc
    if array.dtype == object:
        raise TypeError(f"image must be a numpy array or a buffer of uint8 pixels, got {type(image).__name__}")
    if array.dtype != np.uint8:
        hint = _bytes_hint(image) or _dtype_hint(array.dtype)
        raise TypeError(f"image must have dtype uint8, got {array.dtype}{hint}")
    channels = CHANNELS[pixel_format]
    shape = array.shape
    if channels == 1 and array.ndim == 3 and shape[2] == 1:
        array = array[:, :, 0]
    elif not (array.ndim == 3 and shape[2] == channels) and not (channels == 1 and array.ndim == 2):
        expected = "(H, W) or (H, W, 1)" if channels == 1 else f"(H, W, {channels})"
        hint = _bytes_hint(image) or _shape_hint(shape, channels)
        raise ValueError(f"image must have shape {expected} for pixel_format {pixel_format!r}, got {shape}{hint}")
    height, width = array.shape[:2]
    if height == 0 or width == 0:
        raise ValueError(f"image is empty (shape {shape})")
    if height > max_dimension or width > max_dimension:
        raise ValueError(f"image is {width}x{height}; the format holds at most {max_dimension} pixels per side")
    if height * width > max_pixels:
        raise ValueError(
            f"image is {width}x{height} ({height * width} pixels), over max_pixels={max_pixels}; "
            "pass a larger max_pixels to encode it"
        )
    if not _rows_packed(array, channels):
        # A real copy: ascontiguousarray returns a one-row view with a
        # negative row stride unchanged (numpy calls it contiguous).
        array = array.copy(order="C")
    return array


# PIL modes read as they are, and the pixel_format each one is.
PIL_PIXEL_FORMATS = {"RGB": "RGB", "RGBA": "RGBA", "L": "GRAY"}
# 8-bit PIL modes converted first (to the mode named): palette and bilevel
# images, gray+alpha, and the other colour spaces. Deeper modes ("I", "I;16",
# "F") are refused: squeezing them into 8 bits would pick a scaling for the
# user.
PIL_CONVERSIONS = {"1": "L", "P": "RGB", "PA": "RGBA", "LA": "RGBA", "La": "RGBA", "RGBa": "RGBA",
                   "RGBX": "RGB", "CMYK": "RGB", "YCbCr": "RGB", "LAB": "RGB", "HSV": "RGB"}


def from_pil(image: Any, pixel_format: Any) -> tuple[Any, Any]:
    """(pixels, pixel_format) for a PIL image; anything else passes through.

    A PIL image carries its own channel order, so its mode decides the pixel
    format: "RGB", "RGBA" and "L" (as "GRAY") are read without conversion,
    the 8-bit modes in PIL_CONVERSIONS are converted first ("P" keeps its
    transparency as RGBA), and other modes raise ValueError. ``pixel_format``
    must be left at its default ("BGR") or name the format the mode gives.
    PIL is never imported here: an image can only be a PIL image if PIL is.
    """
    pil = sys.modules.get("PIL.Image")
    if pil is None or not isinstance(image, pil.Image):
        return image, pixel_format
    mode = image.mode
    if mode == "P" and "transparency" in image.info:
        image, mode = image.convert("RGBA"), "RGBA"
    elif mode in PIL_CONVERSIONS:
        mode = PIL_CONVERSIONS[mode]
        image = image.convert(mode)
    if mode not in PIL_PIXEL_FORMATS:
        raise ValueError(
            f"image: PIL mode {mode!r} is not supported; convert it first, e.g. image.convert('RGB') "
            f"(read directly: {', '.join(PIL_PIXEL_FORMATS)}; converted: {', '.join(PIL_CONVERSIONS)})"
        )
    implied = PIL_PIXEL_FORMATS[mode]
    if choice("pixel_format", pixel_format, PIXEL_FORMATS) not in ("BGR", implied):
        raise ValueError(
            f"pixel_format: a PIL image in mode {mode!r} is read as {implied!r}; "
            f"leave pixel_format at its default or pass {implied!r}, got {pixel_format!r}"
        )
    return np.asarray(image), implied
