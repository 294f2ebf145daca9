"""Argument validation shared by both backends.

Every public entry point converts its arguments here, once, so that the C++
core and the pure-Python fallback see exactly the same request and raise
exactly the same errors for bad input.
"""

from __future__ import annotations

import numbers
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

# TurboJPEG's enum values (turbojpeg.h). They are part of its stable ABI and
# identical in libjpeg-turbo 2.x and 3.x, and PyTurboJPEG uses the same ones.
TJPF = {"RGB": 0, "BGR": 1, "GRAY": 6, "RGBA": 7, "BGRA": 8}
TJSAMP = {"444": 0, "422": 1, "420": 2, "gray": 3, "440": 4, "411": 5}
TJFLAG_PROGRESSIVE = 16384
TJFLAG_FASTDCT = 2048
TJFLAG_ACCURATEDCT = 4096

CHANNELS = {"RGB": 3, "BGR": 3, "GRAY": 1, "RGBA": 4, "BGRA": 4}
PIXEL_FORMATS = tuple(CHANNELS)
SUBSAMPLINGS = tuple(TJSAMP)
FORMATS = ("jpeg", "png")
ACCURATE_DCT_QUALITY = 96  # from here up fast_dct has no effect (see jpeg_flags)
# MCU width and height in pixels for each TJSAMP value (turbojpeg.h tjMCUWidth/Height).
MCU_SIZE = {0: (8, 8), 1: (16, 8), 2: (16, 16), 3: (8, 8), 4: (8, 16), 5: (32, 8)}
# JPEG stores each side in 16 bits (ITU T.81 B.2.2), but libjpeg(-turbo) refuses
# sides over JPEG_MAX_DIMENSION = 65500 (jmorecfg.h) with a compression error;
# refuse them here, as bad input, before any work.
MAX_JPEG_DIMENSION = 65500
DATA_URI_PREFIX = {"jpeg": "data:image/jpeg;base64,", "png": "data:image/png;base64,"}


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {', '.join(map(repr, allowed))}; got {type(value).__name__}")
    if value in allowed:
        return value
    folded = {a.lower(): a for a in allowed}
    if value.lower() in folded:
        return folded[value.lower()]
    raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def check_format(value: Any) -> str:
    """The output format name, case-insensitive ('jpg' means 'jpeg')."""
    if isinstance(value, str) and value.lower() == "jpg":
        value = "jpeg"
    return _choice("format", value, FORMATS)


def check_quality(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"quality must be an int in 1..100, got {type(value).__name__}")
    quality = int(value)
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be in 1..100, got {quality}")
    return quality


def check_threads(value: Any) -> int:
    """A thread count: an int >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"threads must be an int >= 1 (or None for all cores), got {type(value).__name__}")
    threads = int(value)
    if threads < 1:
        raise ValueError(f"threads must be >= 1 (or None for all cores), got {threads}")
    return threads


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



def jpeg_flags(fast_dct: bool, progressive: bool, quality: int) -> int:
    """TurboJPEG flags, every output-changing one explicit.

    TurboJPEG 2.x silently picks the fast DCT below quality 96 unless
    TJFLAG_ACCURATEDCT is given; 3.x defaults to the accurate one. The 2.x
    function API also ignores TJFLAG_FASTDCT at quality >= 96 (in 3.x too),
    while 3.x's own API (TJPARAM_FASTDCT, used by PyTurboJPEG 2.x) honours it
    there; so the fast DCT is only requested below 96, and the bytes depend
    neither on the library version nor on the API. The C++ core computes the same value in compress_flags()
    (jpeg_encoder.cpp).
    """
    fast = fast_dct and quality < ACCURATE_DCT_QUALITY
    flags = TJFLAG_FASTDCT if fast else TJFLAG_ACCURATEDCT
    if progressive:
        flags |= TJFLAG_PROGRESSIVE
    return flags


def jpeg_options(
    *, quality: Any, subsampling: Any, pixel_format: Any, fast_dct: Any, progressive: Any, data_uri: Any
) -> JpegOptions:
    return JpegOptions(
        pixel_format=_choice("pixel_format", pixel_format, PIXEL_FORMATS),
        quality=check_quality(quality),
        subsampling=_choice("subsampling", subsampling, SUBSAMPLINGS),
        fast_dct=_flag("fast_dct", fast_dct),
        progressive=_flag("progressive", progressive),
        data_uri=_flag("data_uri", data_uri),
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


def prepare_image(image: Any, pixel_format: str, *, max_dimension: int = MAX_JPEG_DIMENSION) -> np.ndarray:
    """Validate a frame for pixel_format; return it, or a packed copy of an odd view."""
    try:
        array = np.asarray(image)
    except Exception as exc:  # e.g. a buffer with an unsupported format
        raise TypeError(f"image must be a numpy array or a buffer of uint8 pixels, got {type(image).__name__}") from exc
    if array.dtype == object:
        raise TypeError(f"image must be a numpy array or a buffer of uint8 pixels, got {type(image).__name__}")
    if array.dtype != np.uint8:
        raise TypeError(f"image must have dtype uint8, got {array.dtype}")
    channels = CHANNELS[pixel_format]
    shape = array.shape
    if channels == 1 and array.ndim == 3 and shape[2] == 1:
        array = array[:, :, 0]
    elif not (array.ndim == 3 and shape[2] == channels) and not (channels == 1 and array.ndim == 2):
        expected = "(H, W) or (H, W, 1)" if channels == 1 else f"(H, W, {channels})"
        raise ValueError(f"image must have shape {expected} for pixel_format {pixel_format!r}, got {shape}")
    height, width = array.shape[:2]
    if height == 0 or width == 0:
        raise ValueError(f"image is empty (shape {shape})")
    if height > max_dimension or width > max_dimension:
        raise ValueError(f"image is {width}x{height}; the format holds at most {max_dimension} pixels per side")
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
    if _choice("pixel_format", pixel_format, PIXEL_FORMATS) not in ("BGR", implied):
        raise ValueError(
            f"pixel_format: a PIL image in mode {mode!r} is read as {implied!r}; "
            f"leave pixel_format at its default or pass {implied!r}, got {pixel_format!r}"
        )
    return np.asarray(image), implied
