"""The pure-Python backend: PyTurboJPEG, numpy and the standard library.

It exports the same functions, with the same signatures, as the compiled
``frame64._core`` and returns identical results (PNG: identical pixels; see
``png``). ``frame64._backend`` picks it when the extension is missing or
``FRAME64_BACKEND=python`` is set. Its modules mirror ``cpp/bindings/`` file
for file:

==============  ======================  =======================================
module          mirrors                 what
==============  ======================  =======================================
``base64``      ``bind_base64.cpp``     base64 drop-in primitives, SIMD report
``jpeg``        ``bind_jpeg.cpp``       encode_jpeg (PyTurboJPEG)
``encoder``     ``bind_encoder.cpp``    BatchEncoder: frames and strips in parallel
``decode``      ``bind_decode.cpp``     decode_image, decode_image_bytes, jpeg_band_count, parallel_bands
``decoder``     ``bind_decoder.cpp``    BatchDecoder: frames decoded in parallel
``png``         ``bind_png.cpp``        encode_png, png_deflate, the PNG reader
``yuv``         ``bind_yuv.cpp``        encode_yuv (numpy planes, PyTurboJPEG)
``exif``        ``image/exif.cpp``      the EXIF Orientation and the turn that undoes it
``resize``      ``bind_resize.cpp``     the area filter (numpy), kernel report
``arrays``      ``arrays.cpp``          the ``out=`` check, base64 into a str
``_turbo``      (libturbojpeg)          the one PyTurboJPEG handle, ``encode`` (a leaf)
==============  ======================  =======================================
"""

from __future__ import annotations

from .._errors import JpegError, PngError
from .._formats import TJPF, TJSAMP
from .base64 import (
    _set_binascii_rules,
    b64decode,
    b64encode,
    b64encode_str,
    binascii_rules,
    compiled_simd,
    set_simd,
    simd,
    supported_simd,
)
from .decode import decode_image, decode_image_bytes, jpeg_band_count, parallel_bands
from .decoder import BatchDecoder, PendingDecode
from .encoder import BatchEncoder, PendingFrame
from .jpeg import encode_jpeg
from .png import encode_png, png_deflate, png_simd, set_png_simd, supported_png_simd
from .yuv import encode_yuv, set_yuv_kernel, supported_yuv_kernels, yuv_kernel
from .resize import resize, resize_kernel, set_resize_kernel, supported_resize_kernels

__version__ = "fallback"

__all__ = [
    "BatchDecoder",
    "BatchEncoder",
    "JpegError",
    "PendingDecode",
    "PendingFrame",
    "PngError",
    "TJPF",
    "TJSAMP",
    "b64decode",
    "b64encode",
    "b64encode_str",
    "binascii_rules",
    "compiled_simd",
    "decode_image",
    "decode_image_bytes",
    "jpeg_band_count",
    "parallel_bands",
    "encode_jpeg",
    "encode_png",
    "encode_yuv",
    "png_deflate",
    "png_simd",
    "resize",
    "resize_kernel",
    "set_png_simd",
    "set_resize_kernel",
    "set_simd",
    "set_yuv_kernel",
    "simd",
    "supported_png_simd",
    "supported_resize_kernels",
    "supported_simd",
    "supported_yuv_kernels",
    "yuv_kernel",
]
