"""Type stubs for frame64._core, the compiled backend (cpp/bindings/*.cpp).

Keep in step with the bindings: tests/api/test_typing.py checks that this file
names exactly what the compiled module exports.
"""

import numpy as np
from collections.abc import Sequence

from typing_extensions import Buffer

import frame64._errors

__version__: str
turbojpeg_version: str
parallel_bands: bool  # built with jpegint.h: one baseline frame decodes across threads

# The facts of cpp/image/formats.hpp, under frame64._formats's names (tests/api/test_formats.py).
TJPF: dict[str, int]
TJSAMP: dict[str, int]
PIXEL_SIZE: dict[int, int]
BLUE_FIRST: frozenset[int]
MCU_SIZE: dict[int, tuple[int, int]]
MAX_JPEG_SIDE: int
MAX_PNG_SIDE: int
JPEG_MAGIC: bytes
PNG_SIGNATURE: bytes
DATA_URI_PREFIX: dict[str, str]
YUV_COEFFICIENTS: dict[tuple[int, int], tuple[int, int, int, int, int, int, int]]

# The classes of frame64._errors themselves (cpp/bindings/errors.cpp raises them).
JpegError = frame64._errors.JpegError
PngError = frame64._errors.PngError

# base64 (bind_base64.cpp)
def b64encode(data: Buffer, c62: int = 43, c63: int = 47) -> bytes: ...
def b64encode_str(data: Buffer, prefix: str = "") -> str: ...
def b64decode(data: str | Buffer, strict: bool = False) -> bytes: ...
def simd() -> str: ...
def set_simd(name: str) -> None: ...
def compiled_simd() -> list[str]: ...
def supported_simd() -> list[str]: ...
def binascii_rules() -> str: ...  # the '=' rules of this interpreter's binascii that b64decode follows
def _set_binascii_rules(rules: str) -> None: ...  # tests only

# JPEG (bind_jpeg.cpp)
def encode_jpeg(
    image: Buffer,
    pixel_format: int,
    quality: int,
    subsampling: int,
    fast_dct: bool,
    progressive: bool,
    data_uri: bool,
    width: int = 0,
    height: int = 0,
    resize_threads: int = 1,
) -> str: ...

# YUV input (bind_yuv.cpp): planes validated by frame64._yuv
def encode_yuv(
    planes: tuple[Buffer, ...],
    layout: int,
    width: int,
    height: int,
    yuv_range: int,
    yuv_matrix: int,
    quality: int,
    subsampling: int,
    fast_dct: bool,
    progressive: bool,
    data_uri: bool,
) -> str: ...
def yuv_kernel() -> str: ...
def set_yuv_kernel(name: str) -> None: ...
def supported_yuv_kernels() -> list[str]: ...

# decode (bind_decode.cpp): base64 text from `start` (after a data URI header), or raw image bytes
# strictness: 0 best effort, 1 default, 2 strict (frame64._formats BEST_EFFORT, DEFAULT_STRICTNESS, STRICT); orientation: apply EXIF's
def decode_image(
    data: str | Buffer,
    start: int,
    pixel_format: int,
    out: np.ndarray | None,
    max_pixels: int,
    strictness: int,
    orientation: bool,
    scale_eighths: int = 8,
    max_side: int = 0,
    threads: int = 1,
) -> np.ndarray: ...
def decode_image_bytes(
    data: Buffer,
    pixel_format: int,
    out: np.ndarray | None,
    max_pixels: int,
    strictness: int,
    orientation: bool,
    scale_eighths: int = 8,
    max_side: int = 0,
    threads: int = 1,
) -> np.ndarray: ...
def jpeg_band_count(data: Buffer, threads: int) -> int: ...

# PNG (bind_png.cpp; raw PNG bytes are decoded by decode_image_bytes)
def encode_png(
    image: Buffer,
    pixel_format: int,
    compression: int,
    data_uri: bool,
    width: int = 0,
    height: int = 0,
    threads: int = 1,
    resize_threads: int = 1,
) -> str: ...
def png_deflate(data: Buffer, compression: int) -> bytes: ...
def png_simd() -> str: ...
def set_png_simd(name: str) -> None: ...
def supported_png_simd() -> list[str]: ...

# Encoder pool (bind_encoder.cpp). The option arguments are encode_jpeg's;
# strip_rows is the strip height in MCU rows (0: the frame in one piece).
class PendingFrame:
    def done(self) -> bool: ...
    def result(self) -> str: ...

class BatchEncoder:
    def __init__(self, threads: int) -> None: ...
    @property
    def threads(self) -> int: ...
    def encode(
        self,
        image: Buffer,
        pixel_format: int,
        quality: int,
        subsampling: int,
        fast_dct: bool,
        progressive: bool,
        data_uri: bool,
        strip_rows: int,
    ) -> str: ...
    def encode_batch(
        self,
        images: Sequence[Buffer],
        pixel_format: int,
        quality: int,
        subsampling: int,
        fast_dct: bool,
        progressive: bool,
        data_uri: bool,
        strip_rows: Sequence[int],
    ) -> list[str]: ...
    def submit(
        self,
        image: Buffer,
        pixel_format: int,
        quality: int,
        subsampling: int,
        fast_dct: bool,
        progressive: bool,
        data_uri: bool,
        strip_rows: int,
    ) -> PendingFrame: ...
    # YUV frames: frame64._yuv.YuvFrame tuples (planes, layout, width, height, yuv_range, yuv_matrix)
    # (their type is spelled out: the stub names nothing the module lacks)
    def encode_yuv(
        self, frame: tuple[tuple[Buffer, ...], int, int, int, int, int], quality: int, fast_dct: bool, progressive: bool, data_uri: bool, strip_rows: int
    ) -> str: ...
    def encode_yuv_batch(
        self,
        frames: Sequence[tuple[tuple[Buffer, ...], int, int, int, int, int]],
        quality: int,
        fast_dct: bool,
        progressive: bool,
        data_uri: bool,
        strip_rows: Sequence[int],
    ) -> list[str]: ...
    def submit_yuv(
        self, frame: tuple[tuple[Buffer, ...], int, int, int, int, int], quality: int, fast_dct: bool, progressive: bool, data_uri: bool, strip_rows: int
    ) -> PendingFrame: ...

# area resize (bind_resize.cpp)
def resize(image: Buffer, channels: int, width: int, height: int, threads: int = 1) -> np.ndarray: ...
def resize_kernel() -> str: ...
def set_resize_kernel(name: str) -> None: ...
def supported_resize_kernels() -> list[str]: ...

# Decoder pool (bind_decoder.cpp). The option arguments are decode_image's;
# errors of a batch start with "items[i]: ".
class PendingDecode:
    def done(self) -> bool: ...
    def result(self) -> np.ndarray: ...

class BatchDecoder:
    def __init__(self, threads: int) -> None: ...
    @property
    def threads(self) -> int: ...
    def decode_batch(
        self,
        data: Sequence[str | Buffer],
        starts: Sequence[int],
        pixel_format: int,
        out: np.ndarray | None,
        max_pixels: int,
        strictness: int,
        orientation: bool,
        scale_eighths: int,
        max_side: int,
    ) -> list[np.ndarray] | np.ndarray: ...
    def submit(
        self,
        data: str | Buffer,
        start: int,
        pixel_format: int,
        max_pixels: int,
        strictness: int,
        orientation: bool,
        scale_eighths: int,
        max_side: int,
    ) -> PendingDecode: ...
