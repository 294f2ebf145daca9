"""JPEG encode for the pure-Python backend: PyTurboJPEG (mirrors bind_jpeg.cpp).

It works with PyTurboJPEG 1.8 (libjpeg-turbo 2.x or 3.x) and PyTurboJPEG 2.x
(libjpeg-turbo 3.x): both accept TurboJPEG's 2.x-style ``flags``, and
frame64 passes every output-changing flag explicitly.
"""

from __future__ import annotations

import numpy as np

from .._errors import JpegError
from .._formats import (
    ACCURATE_DCT_QUALITY,
    DATA_URI_PREFIX,
    TJFLAG_ACCURATEDCT,
    TJFLAG_FASTDCT,
    TJFLAG_PROGRESSIVE,
)
from ._turbo import encode
from .arrays import base64_str
from .resize import check_threads, resized


def jpeg_flags(fast_dct: bool, progressive: bool, quality: int) -> int:
    """TurboJPEG flags, every output-changing one explicit (as compress_flags in jpeg_encoder.cpp).

    TurboJPEG 2.x silently picks the fast DCT below quality 96 unless
    TJFLAG_ACCURATEDCT is given; 3.x defaults to the accurate one. The 2.x
    function API also ignores TJFLAG_FASTDCT at quality >= 96 (in 3.x too),
    while 3.x's own API (TJPARAM_FASTDCT, used by PyTurboJPEG 2.x) honours it
    there; so the fast DCT is only requested below 96, and the bytes depend
    neither on the library version nor on the API.
    """
    fast = fast_dct and quality < ACCURATE_DCT_QUALITY
    flags = TJFLAG_FASTDCT if fast else TJFLAG_ACCURATEDCT
    if progressive:
        flags |= TJFLAG_PROGRESSIVE
    return flags


def compress(image: np.ndarray, pixel_format: int, quality: int, subsampling: int, fast_dct: bool,
             progressive: bool) -> bytes:
    """The JPEG bytes of a validated frame; libjpeg-turbo's failures raise JpegError."""
    try:
        return encode(image, quality, pixel_format, subsampling, jpeg_flags(fast_dct, progressive, quality))
    except OSError as exc:  # PyTurboJPEG raises OSError with libjpeg-turbo's message
        raise JpegError(str(exc)) from None


def encode_jpeg(
    image: np.ndarray,
    pixel_format: int,
    quality: int,
    subsampling: int,
    fast_dct: bool,
    progressive: bool,
    data_uri: bool,
    width: int = 0,
    height: int = 0,
    resize_threads: int = 1,
) -> str:
    """Same contract as frame64._core.encode_jpeg (image already validated; width, height 0: as it is;
    one thread, whatever ``resize_threads``)."""
    check_threads("resize_threads", resize_threads)
    image = resized(image, width, height)
    jpeg = compress(image, pixel_format, quality, subsampling, fast_dct, progressive)
    return base64_str(jpeg, DATA_URI_PREFIX["jpeg"] if data_uri else "")
