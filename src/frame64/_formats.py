"""The facts about pixels and files, once for all of Python.

Pixel formats and their channel counts, chroma subsamplings and their MCU
sizes, side limits, file signatures, data-URI prefixes and MIME types, and
the readers that sniff a file's format and size from its first bytes. The
C++ core keeps the same facts in ``cpp/image/formats.hpp``;
tests/api/test_formats.py checks that the two agree.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional, Tuple

# TurboJPEG's enum values (turbojpeg.h). They are part of its stable ABI,
# identical in libjpeg-turbo 2.x and 3.x, and PyTurboJPEG uses the same ones;
# frame64 names every pixel format by its TJPF code, PNG included.
TJPF = {"RGB": 0, "BGR": 1, "GRAY": 6, "RGBA": 7, "BGRA": 8}
TJSAMP = {"444": 0, "422": 1, "420": 2, "gray": 3, "440": 4, "411": 5}

CHANNELS = {"RGB": 3, "BGR": 3, "GRAY": 1, "RGBA": 4, "BGRA": 4}
PIXEL_FORMATS = tuple(CHANNELS)
SUBSAMPLINGS = tuple(TJSAMP)
# Channels by TJPF code (TurboJPEG's tjPixelSize for the codes frame64 accepts).
PIXEL_SIZE = {TJPF[name]: channels for name, channels in CHANNELS.items()}
# Formats whose first channel is blue (PNG stores RGB, so these are swapped).
BLUE_FIRST = frozenset({TJPF["BGR"], TJPF["BGRA"]})
# TurboJPEG flags (turbojpeg.h), the same values in 2.x and 3.x. frame64 passes
# every output-changing one explicitly (see compress_flags in
# cpp/jpeg/jpeg_encoder.cpp and jpeg_flags in _fallback/jpeg.py).
TJFLAG_FASTDCT = 2048
TJFLAG_ACCURATEDCT = 4096
TJFLAG_STOPONWARNING = 8192
TJFLAG_PROGRESSIVE = 16384
TJFLAG_LIMITSCANS = 32768
# From this quality up, libjpeg-turbo 2.x's function API always uses the accurate DCT.
ACCURATE_DCT_QUALITY = 96
# JPEG colour spaces decoded through CMYK (TJCS_CMYK, TJCS_YCCK), and TurboJPEG's CMYK pixel format.
TJCS_CMYK, TJCS_YCCK = 3, 4
TJPF_CMYK = 11

# How frame64.decode treats libjpeg's warnings (jpeg::Strictness in cpp/jpeg/jpeg_decoder.hpp):
# best_effort=True: only fatal errors raise; default: warnings that make pixels up raise; strict=True: all raise.
BEST_EFFORT, DEFAULT_STRICTNESS, STRICT = 0, 1, 2
# libjpeg's warnings (jerror.h: JWRN_* and their message formats, the same in
# libjpeg-turbo 2.1 and 3.x). Those in BENIGN_JPEG_WARNINGS lose no pixel
# (jpeg::warning_is_benign); every other one, known or not, makes pixels up.
JPEG_WARNINGS = {
    "JWRN_ADOBE_XFORM": "Unknown Adobe color transform code %d",
    "JWRN_ARITH_BAD_CODE": "Corrupt JPEG data: bad arithmetic code",
    "JWRN_BOGUS_PROGRESSION": "Inconsistent progression sequence for component %d coefficient %d",
    "JWRN_EXTRANEOUS_DATA": "Corrupt JPEG data: %u extraneous bytes before marker 0x%02x",
    "JWRN_HIT_MARKER": "Corrupt JPEG data: premature end of data segment",
    "JWRN_HUFF_BAD_CODE": "Corrupt JPEG data: bad Huffman code",
    "JWRN_JFIF_MAJOR": "Warning: unknown JFIF revision number %d.%02d",
    "JWRN_JPEG_EOF": "Premature end of JPEG file",
    "JWRN_MUST_RESYNC": "Corrupt JPEG data: found marker 0x%02x instead of RST%d",
    "JWRN_NOT_SEQUENTIAL": "Invalid SOS parameters for sequential JPEG",
    "JWRN_TOO_MUCH_DATA": "Application transferred too many scanlines",
    "JWRN_BOGUS_ICC": "Corrupt JPEG data: bad ICC marker",
}
# The libjpeg messages that libjpeg-turbo 3.0 reworded (for its lossless mode),
# as (3.x start, 2.x start): frame64 words them as 2.x does, whichever version
# it is built with or PyTurboJPEG loads (jpeg_decoder.cpp format_message).
LIBJPEG_REWORDED = (
    ("Invalid progressive/lossless parameters", "Invalid progressive parameters"),
    ("DCT coefficient (lossy) or spatial difference (lossless) out of range", "DCT coefficient out of range"),
    ("Memory limit exceeded", "Backing store not supported"),
)


def libjpeg_2x_wording(message: str) -> str:
    """message with a 3.x rewording of LIBJPEG_REWORDED put back as 2.x words it."""
    for new, old in LIBJPEG_REWORDED:
        if message.startswith(new):
            return old + message[len(new) :]
    return message


# libjpeg's DCT scaling factors that shrink (k/8, k = 1..8), as scale_eighths
# k: jpeg::kFullScale and the scaled sides, ceil(side * k / 8), of
# jpeg::JpegHeader (and TurboJPEG's TJSCALED).
FULL_SCALE = 8
SCALE_EIGHTHS = tuple(range(1, FULL_SCALE + 1))


def scaled_side(side: int, scale_eighths: int) -> int:
    """A side decoded at scale_eighths / 8, rounded up as libjpeg-turbo rounds it."""
    return (side * scale_eighths + FULL_SCALE - 1) // FULL_SCALE


def scale_for_max_side(width: int, height: int, max_side: int) -> int:
    """jpeg::scale_for_max_side: the smallest k whose scaled longer side is >= max_side (FULL_SCALE if none)."""
    longer = max(width, height)
    if max_side > 0:
        for k in SCALE_EIGHTHS[:-1]:
            if scaled_side(longer, k) >= max_side:
                return k
    return FULL_SCALE


BENIGN_JPEG_WARNINGS = frozenset({"JWRN_EXTRANEOUS_DATA", "JWRN_JFIF_MAJOR", "JWRN_ADOBE_XFORM"})
# MCU width and height in pixels for each TJSAMP value (turbojpeg.h tjMCUWidth/Height).
MCU_SIZE = {0: (8, 8), 1: (16, 8), 2: (16, 16), 3: (8, 8), 4: (8, 16), 5: (32, 8)}

# YUV input layouts. They are not TJPF codes: TurboJPEG takes YUV as planes
# (tjCompressFromYUVPlanes, libjpeg's raw-data API), so these are frame64's own codes (as
# cpp/jpeg/yuv_encoder.hpp kYuv*), each with the subsampling it compresses to.
YUV_FORMATS = {"I420": 0, "NV12": 1, "YUYV": 2, "UYVY": 3}
YUV_SUBSAMPLING = {"I420": "420", "NV12": "420", "YUYV": "422", "UYVY": "422"}
# yuv_range and yuv_matrix codes (cpp/image/yuv_convert.hpp).
YUV_RANGES = {"full": 0, "limited": 1}
YUV_MATRICES = {"bt601": 0, "bt709": 1}
# Q14 coefficients (KY, KYB, KYR, KBB, KBR, KRB, KRR) of the fixed-point rule
# that turns (range, matrix) planes into full-range BT.601 (documented in
# cpp/image/yuv_convert.hpp and frame64._yuv): round(16384 * c) of
# KY = sy, [KYB KYR; KBB KBR; KRB KRR] = sc * (M601 @ inv(M709))[rows, 1:],
# with sy = 255/219, sc = 255/224 for limited range (1 for full) and the
# identity for bt601; M is the RGB -> (Y, Cb, Cr) matrix of Kr, Kb
# (BT.601: 0.299, 0.114; BT.709: 0.2126, 0.0722). tests/api/test_yuv.py
# derives them again. Full-range BT.601 is absent: it needs no conversion.
YUV_COEFFICIENTS = {
    (1, 0): (19077, 0, 0, 18651, 0, 0, 18651),
    (0, 1): (16384, 1664, 3213, 16218, -1813, -1187, 16112),
    (1, 1): (19077, 1895, 3657, 18462, -2064, -1351, 18342),
}

# JPEG stores each side in 16 bits (ITU T.81 B.2.2), but libjpeg(-turbo) refuses
# sides over JPEG_MAX_DIMENSION = 65500 (jmorecfg.h) with a compression error.
MAX_JPEG_SIDE = 65500
# IHDR width and height are 31-bit (PNG specification 11.2.1).
MAX_PNG_SIDE = 2**31 - 1
MAX_SIDE = {"jpeg": MAX_JPEG_SIDE, "png": MAX_PNG_SIDE}

FORMATS = ("jpeg", "png")
JPEG_MAGIC = b"\xff\xd8\xff"  # SOI, then the first marker's 0xFF
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # PNG specification 5.2
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp", "bmp": "image/bmp"}
DATA_URI_PREFIX = {fmt: f"data:{MIME_TYPES[fmt]};base64," for fmt in FORMATS}
# File name endings and the format each names (the keys of MIME_TYPES).
SUFFIXES = {".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png", ".gif": "gif", ".webp": "webp",
            ".bmp": "bmp"}


def data_uri_prefix(fmt: str) -> str:
    """"data:<mime>;base64," for any format in MIME_TYPES (DATA_URI_PREFIX holds frame64's own two)."""
    return f"data:{MIME_TYPES[fmt]};base64,"


def sniff(data: bytes) -> Optional[str]:
    """"jpeg", "png" or None, from the magic bytes of decoded image data (as image::sniff)."""
    if data[:3] == JPEG_MAGIC:
        return "jpeg"
    if data[:8] == PNG_SIGNATURE:
        return "png"
    return None


# --- JPEG markers (ITU T.81, B.1.1.2 and table B.1) ---------------------------

SOI, EOI, SOS, DRI, RST0 = 0xD8, 0xD9, 0xDA, 0xDD, 0xD0
# DHT, JPG and DAC share the 0xC0..0xCF range with the SOFn markers.
_NOT_SOF = (0xC4, 0xC8, 0xCC)


def is_sof(marker: int) -> bool:
    """True for a start-of-frame marker SOF0..SOF15."""
    return 0xC0 <= marker <= 0xCF and marker not in _NOT_SOF


def jpeg_segments(jpeg: bytes) -> Iterator[Tuple[int, int, int]]:
    """(marker, offset of its 0xFF, length field) for each marker segment, in file order.

    Fill bytes (0xFF 0xFF) are skipped and standalone markers (TEM, SOI,
    RSTn) are passed over. The walk stops at the first byte that is not a
    marker; it does not check that a segment fits in ``jpeg``: each caller
    checks what it reads (``offset + 2 + length`` may run past the end).
    """
    at = 2
    size = len(jpeg)
    while at + 4 <= size:
        if jpeg[at] != 0xFF:
            return
        marker = jpeg[at + 1]
        if marker == 0xFF:  # a fill byte
            at += 1
            continue
        if marker in (0x01, SOI) or RST0 <= marker <= RST0 + 7:  # standalone markers
            at += 2
            continue
        (length,) = struct.unpack_from(">H", jpeg, at + 2)
        yield marker, at, length
        at += 2 + length


# --- what a file is, read from its header -------------------------------------


@dataclass(frozen=True)
class ImageInfo:
    """An encoded image's format and, where its header says so cheaply, its size."""

    format: str
    width: Optional[int]
    height: Optional[int]


def _jpeg_size(data: bytes) -> Optional[Tuple[int, int]]:
    """(width, height) from the first SOFn segment (ITU T.81, B.2.2), if found."""
    for marker, at, length in jpeg_segments(data):
        if is_sof(marker) and at + 9 <= len(data):
            height, width = struct.unpack_from(">HH", data, at + 5)
            return width, height
    return None


def image_info(data: bytes) -> Optional[ImageInfo]:
    """The format of an encoded image (from its magic bytes) and its size where cheap to read."""
    if data.startswith(JPEG_MAGIC):
        size = _jpeg_size(data)
        return ImageInfo("jpeg", *(size or (None, None)))
    if data.startswith(PNG_SIGNATURE):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack_from(">II", data, 16)
            return ImageInfo("png", width, height)
        return ImageInfo("png", None, None)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack_from("<HH", data, 6) if len(data) >= 10 else (None, None)
        return ImageInfo("gif", width, height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageInfo("webp", None, None)
    if data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack_from("<ii", data, 18)
        return ImageInfo("bmp", width, abs(height))
    return None


def expected_shape(height: int, width: int, channels: int) -> Tuple[int, ...]:
    """The array shape of a frame: (H, W) for one channel, else (H, W, C)."""
    return (height, width) if channels == 1 else (height, width, channels)
