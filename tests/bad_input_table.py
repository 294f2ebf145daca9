"""The bad-input table: every class of bad input, the exception and the message.

This one data structure is the source of docs/bad-input.md (rendered by
``python tests/bad_input_table.py --write``) and of
tests/hardening/test_bad_input_table.py, which walks exactly these rows on both
backends and checks that the committed document is the rendering of them,
so the two cannot drift apart.

Each row's ``call`` is a Python expression evaluated in NAMESPACE; it must
raise exactly ``exception`` with exactly ``message``.
"""

from __future__ import annotations

import argparse
import binascii
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "bad-input.md"


@dataclass(frozen=True)
class BadInput:
    category: str
    what: str
    call: str
    exception: str
    message: str


def namespace() -> dict[str, Any]:
    """Names the calls use: small frames (F: 4x4 BGR), broadcast views that
    allocate nothing however large their shape."""
    import frame64

    frame = np.zeros((4, 4, 3), np.uint8)
    noisy = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    jpeg_text = frame64.encode(frame)
    jpeg = binascii.a2b_base64(jpeg_text)
    read_only = np.zeros((4, 4, 3), np.uint8)
    read_only.flags.writeable = False
    return {
        "J": jpeg_text,
        "J_TRUNCATED": binascii.b2a_base64(jpeg[:100], newline=False).decode(),
        "J_CUT_SCAN": binascii.b2a_base64(binascii.a2b_base64(frame64.encode(noisy))[:-30], newline=False).decode(),
        "READ_ONLY": read_only,
        "BROADCAST": np.broadcast_to(frame[:1, :1], (4, 4, 3)),
        "np": np,
        "frame64": frame64,
        "binascii": binascii,
        "F": frame,
        "HUGE_TALL": np.broadcast_to(frame[:1, :1], (65501, 1, 3)),
        "HUGE_WIDE": np.broadcast_to(frame[:1, :1], (1, 70000, 3)),
        "HUGE_SQUARE": np.broadcast_to(frame[:1, :1], (70000, 70000, 3)),
        "JPEG_FILE": jpeg,
        "Y": np.zeros((4, 4), np.uint8),
        "C": np.zeros((2, 2), np.uint8),
        **_photo_names(frame64),
    }


def _photo_names(frame64: Any) -> dict[str, Any]:
    """The photo rows' names: real JPEGs and a PNG (tests/photo_corpus.py), their cuts, hostile EXIF."""
    from collections import Counter

    from frame64._sample import exif_segment, with_segment

    try:
        from .photo_corpus import cmyk_corpus, real_jpegs, real_png
    except ImportError:  # run as a script
        from photo_corpus import cmyk_corpus, real_jpegs, real_png  # type: ignore[no-redef]

    def b64(data: bytes) -> str:
        return binascii.b2a_base64(data, newline=False).decode()

    def every_cut(data: bytes, **options: Any) -> str:
        """How frame64.decode ends for every truncation data[:n], 3 <= n < len(data)."""
        ends: Counter[str] = Counter()
        for length in range(3, len(data)):
            try:
                frame64.decode(b64(data[:length]), **options)
                ends["return a frame"] += 1
            except ValueError as exc:
                ends[f"raise {type(exc).__name__}"] += 1
        return f"{len(data) - 3} cuts: " + ", ".join(f"{count} {end}" for end, count in sorted(ends.items()))

    photos = real_jpegs()
    base = photos["opencv-baseline"]
    sos = base.index(b"\xff\xda")
    scan = sos + 2 + int.from_bytes(base[sos + 2 : sos + 4], "big")
    corrupt = bytearray(base)
    corrupt[scan + 40 : scan + 48] = b"\xff\x00" * 4  # a run of stuffed 0xFF bytes: codes no Huffman table has
    return {
        "every_cut": every_cut,
        "b64": b64,
        "PHOTO1": photos["opencv-baseline"],
        "PHOTO2": photos["pillow-progressive-exif"],
        "PHOTO3": photos["opencv-restart-markers"],
        "PNG_PHOTO": real_png(),
        "J_CORRUPT_SCAN": b64(bytes(corrupt)),
        "EXIF_OFFSET_PAST_END": b64(with_segment(base, exif_segment(6, ifd_offset=1 << 30))),
        "EXIF_HUGE_COUNT": b64(with_segment(base, exif_segment(6, count=65535))),
        "EXIF_LOOP": b64(with_segment(base, exif_segment(3)[:-4] + b"\x08\x00\x00\x00")),
        "EXIF_BAD_VALUE": b64(with_segment(base, exif_segment(9))),
        "EXIF_SHORT": b64(with_segment(base, b"\xff\xe1\x00\x0cExif\x00\x00II*\x00")),
        "CMYK": b64(cmyk_corpus()["adobe-small"][0]),
        "CMYK_CUT": b64(cmyk_corpus()["adobe-wide"][0][:-40]),
        "YCCK": b64(cmyk_corpus()["ycck"][0]),
    }


ENCODE_CHOICES_FORMAT = "'jpeg', 'png'"
PIXEL_FORMATS = "'RGB', 'BGR', 'GRAY', 'RGBA', 'BGRA'"
SUBSAMPLINGS = "'444', '422', '420', 'gray', '440', '411'"

ROWS: list[BadInput] = [
    # --- the image -------------------------------------------------------
    BadInput("dtype", "float pixels", "frame64.encode(F.astype(np.float32))", "TypeError",
             "image must have dtype uint8, got float32; convert first, e.g. (np.clip(image, 0.0, 1.0) * 255 + 0.5)"
             ".astype(np.uint8) for floats in 0..1"),
    BadInput("dtype", "bool pixels", "frame64.encode(F.astype(bool))", "TypeError",
             "image must have dtype uint8, got bool; convert first, e.g. image.astype(np.uint8) * 255"),
    BadInput("dtype", "16-bit pixels", "frame64.encode(F.astype(np.uint16))", "TypeError",
             "image must have dtype uint8, got uint16; convert first, e.g. (image >> 8).astype(np.uint8) for 16-bit samples"),
    BadInput("dtype", "Python objects", "frame64.encode(np.array([[object()]]))", "TypeError",
             "image must be a numpy array or a buffer of uint8 pixels, got ndarray"),
    BadInput("dtype", "not an array at all", "frame64.encode(None)", "TypeError",
             "image must be a numpy array or a buffer of uint8 pixels, got NoneType"),
    BadInput("dtype", "a str", "frame64.encode('abc')", "TypeError", "image must have dtype uint8, got <U3"),
    BadInput("ndim", "1-D", "frame64.encode(np.zeros(4, np.uint8))", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (4,)"),
    BadInput("ndim", "4-D (a batch)", "frame64.encode(np.zeros((2, 4, 4, 3), np.uint8))", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (2, 4, 4, 3)"),
    BadInput("ndim", "2-D for a colour format", "frame64.encode(F[:, :, 0])", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (4, 4); for a one-channel image pass "
             "pixel_format='GRAY'"),
    BadInput("channels", "2 channels", "frame64.encode(np.zeros((4, 4, 2), np.uint8))", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (4, 4, 2)"),
    BadInput("channels", "3 channels for BGRA", "frame64.encode(F, pixel_format='BGRA')", "ValueError",
             "image must have shape (H, W, 4) for pixel_format 'BGRA', got (4, 4, 3); for a 3-channel image pass "
             "pixel_format='BGR' (OpenCV) or 'RGB'"),
    BadInput("channels", "3 channels for GRAY", "frame64.encode(F, pixel_format='GRAY')", "ValueError",
             "image must have shape (H, W) or (H, W, 1) for pixel_format 'GRAY', got (4, 4, 3); for a 3-channel image "
             "pass pixel_format='BGR' (OpenCV) or 'RGB'"),
    BadInput("zero size", "no rows", "frame64.encode(np.zeros((0, 4, 3), np.uint8))", "ValueError",
             "image is empty (shape (0, 4, 3))"),
    BadInput("zero size", "no columns", "frame64.encode(np.zeros((4, 0, 3), np.uint8))", "ValueError",
             "image is empty (shape (4, 0, 3))"),
    BadInput("huge size", "65501 rows (refused before any allocation)", "frame64.encode(HUGE_TALL)", "ValueError",
             "image is 1x65501; the format holds at most 65500 pixels per side"),
    BadInput("huge size", "70000 columns (refused before any allocation)", "frame64.encode(HUGE_WIDE)",
             "ValueError", "image is 70000x1; the format holds at most 65500 pixels per side"),
    BadInput("huge size", "a 70000x70000 view as PNG (refused before it is copied)",
             "frame64.encode(HUGE_SQUARE, format='png')", "ValueError",
             "image is 70000x70000 (4900000000 pixels), over max_pixels=178956970; pass a larger max_pixels to "
             "encode it"),
    BadInput("dtype", "a JPEG file's bytes instead of pixels", "frame64.encode(JPEG_FILE)", "TypeError",
             "image must have dtype uint8, got |S631; these look like the bytes of an encoded JPEG file, not "
             "pixels: frame64.b64encode_str(data) gives their base64 as they are, and "
             "frame64.decode(frame64.b64encode_str(data)) their pixels"),
    BadInput("options", "encode max_pixels below 1", "frame64.encode(F, max_pixels=0)", "ValueError",
             "max_pixels must be at least 1, got 0"),
    # --- the options -----------------------------------------------------
    BadInput("unknown format", "an unsupported output format", "frame64.encode(F, format='webp')", "ValueError",
             f"format must be one of {ENCODE_CHOICES_FORMAT}; got 'webp'"),
    BadInput("unknown format", "format of the wrong type", "frame64.encode(F, format=None)", "TypeError",
             f"format must be a str, one of {ENCODE_CHOICES_FORMAT}; got NoneType"),
    BadInput("options", "quality out of range", "frame64.encode(F, quality=0)", "ValueError",
             "quality must be in 1..100, got 0"),
    BadInput("options", "quality out of range", "frame64.encode(F, quality=101)", "ValueError",
             "quality must be in 1..100, got 101"),
    BadInput("options", "quality not an int", "frame64.encode(F, quality=90.0)", "TypeError",
             "quality must be an int in 1..100, got float"),
    BadInput("options", "quality a bool", "frame64.encode(F, quality=True)", "TypeError",
             "quality must be an int in 1..100, got bool"),
    BadInput("options", "unknown subsampling", "frame64.encode(F, subsampling='410')", "ValueError",
             f"subsampling must be one of {SUBSAMPLINGS}; got '410'"),
    BadInput("options", "subsampling as an int", "frame64.encode(F, subsampling=420)", "TypeError",
             f"subsampling must be a str, one of {SUBSAMPLINGS}; got int"),
    BadInput("options", "unknown pixel format", "frame64.encode(F, pixel_format='YUV')", "ValueError",
             f"pixel_format must be one of {PIXEL_FORMATS}; got 'YUV'"),
    BadInput("options", "a flag that is not a bool", "frame64.encode(F, progressive=1)", "TypeError",
             "progressive must be a bool, got int"),
    BadInput("options", "a flag that is not a bool", "frame64.encode(F, data_uri='yes')", "TypeError",
             "data_uri must be a bool, got str"),
    BadInput("options", "an unknown keyword", "frame64.encode(F, speed=1)", "TypeError",
             "encode() got an unexpected keyword argument 'speed'"),
    BadInput("options", "options passed positionally", "frame64.encode(F, 90)", "TypeError",
             "encode() takes 1 positional argument but 2 were given"),
    BadInput("options", "PNG threads below 1", "frame64.encode(F, format='png', threads=0)", "ValueError",
             "threads must be >= 1 (or None for all cores), got 0"),
    BadInput("options", "PNG threads not an int", "frame64.encode(F, format='png', threads=2.0)", "TypeError",
             "threads must be an int >= 1 (or None for all cores), got float"),
    BadInput("options", "PNG threads a bool", "frame64.encode(F, format='png', threads=True)", "TypeError",
             "threads must be an int >= 1 (or None for all cores), got bool"),
    BadInput("options", "PNG compression out of range", "frame64.encode(F, format='png', compression=10, threads=2)",
             "ValueError", "compression must be in 0..9, got 10"),
    BadInput("size", "a PNG side over 2**31-1, threaded",
             "frame64.encode(np.broadcast_to(F[:1, :1], (2, 2**31, 3)), format='png', threads=2)", "ValueError",
             "image is 2147483648x2; the format holds at most 2147483647 pixels per side"),
]

ROWS += [
    # --- decode: the text ---------------------------------------------------
    BadInput("wrong base64", "a character outside the alphabet", "frame64.decode('/9j/!AAA')",
             "frame64.DecodeError", "invalid base64: character '!' at position 4 is not in the base64 alphabet"),
    BadInput("wrong base64", "missing padding", "frame64.decode('YWJ')", "frame64.DecodeError",
             "invalid base64: the text ends inside a group of 4 characters (3 given); it is truncated or lacks "
             "'=' padding"),
    BadInput("wrong base64", "nothing at all", "frame64.decode('')", "frame64.DecodeError",
             "no image data: the base64 payload is empty"),
    BadInput("wrong base64", "a non-ASCII str", "frame64.decode('\u00e9')", "frame64.DecodeError",
             "invalid base64: character 0xE9 at position 0 is not in the base64 alphabet"),
    BadInput("wrong base64", "not text", "frame64.decode(12345)", "TypeError",
             "data must be a str, bytes, bytearray or memoryview of base64 text, got int"),
    BadInput("truncated image", "a JPEG cut inside its tables", "frame64.decode(J_TRUNCATED)",
             "frame64.JpegDecodeError", "JPEG data holds no image: it is truncated or holds only tables"),
    BadInput("truncated image", "a JPEG cut inside its scan", "frame64.decode(J_CUT_SCAN)",
             "frame64.JpegDecodeError", "JPEG data is truncated or corrupt, so part of the frame would be made up: "
             "Premature end of JPEG file (best_effort=True returns that frame anyway)"),
    BadInput("truncated image", "a JPEG cut inside its scan, strict", "frame64.decode(J_CUT_SCAN, strict=True)",
             "frame64.JpegDecodeError", "JPEG data has a defect that libjpeg-turbo reports as a warning (strict=True "
             "rejects it): Premature end of JPEG file"),
    BadInput("unknown format", "a GIF", "frame64.decode('R0lGODlhAQABAAAAACw=')", "frame64.DecodeError",
             "not a JPEG or PNG image: the decoded data starts with 47 49 46 38 39 61 01 00"),
    BadInput("unknown format", "text, not an image", "frame64.decode('YWJj')", "frame64.DecodeError",
             "not a JPEG or PNG image: the decoded data starts with 61 62 63"),
    BadInput("wrong data URI", "not an image media type", "frame64.decode('data:text/plain;base64,' + J)",
             "frame64.DecodeError", "data URI media type 'text/plain' is not an image type (image/...)"),
    BadInput("wrong data URI", "not marked base64", "frame64.decode('data:image/jpeg,' + J)", "frame64.DecodeError",
             "data URI is not base64: its header 'data:image/jpeg,' does not end in ';base64'"),
    BadInput("wrong data URI", "no comma after the header", "frame64.decode('data:image/jpeg;base64')",
             "frame64.DecodeError", "malformed data URI: no ',' ends its header within 1024 characters of 'data:'"),
    BadInput("huge size", "more pixels than max_pixels (checked on the header)", "frame64.decode(J, max_pixels=15)",
             "frame64.JpegDecodeError", "image is 4x4 (16 pixels), over max_pixels=15; pass a larger max_pixels to "
             "decode it"),
    # --- decode: out= ---------------------------------------------------------
    BadInput("read-only out", "a read-only array", "frame64.decode(J, out=READ_ONLY)", "ValueError",
             "out is read-only; it must be a writable uint8 array of shape (4, 4, 3)"),
    BadInput("read-only out", "a broadcast view (not writable, stride 0)", "frame64.decode(J, out=BROADCAST)",
             "ValueError", "out must be C-contiguous with shape (4, 4, 3); pass np.empty((4, 4, 3), np.uint8)"),
    BadInput("odd strides", "a flipped out", "frame64.decode(J, out=np.empty((4, 4, 3), np.uint8)[::-1])",
             "ValueError", "out must be C-contiguous with shape (4, 4, 3); pass np.empty((4, 4, 3), np.uint8)"),
    BadInput("odd strides", "a column-strided out", "frame64.decode(J, out=np.empty((4, 8, 3), np.uint8)[:, ::2])",
             "ValueError", "out must be C-contiguous with shape (4, 4, 3); pass np.empty((4, 4, 3), np.uint8)"),
    BadInput("dtype", "out of the wrong dtype", "frame64.decode(J, out=np.empty((4, 4, 3), np.uint16))",
             "ValueError", "out must have dtype uint8 and shape (4, 4, 3); got dtype uint16"),
    BadInput("channels", "out with the wrong channel count", "frame64.decode(J, out=np.empty((4, 4, 4), np.uint8))",
             "ValueError", "out has shape (4, 4, 4); this image needs (4, 4, 3)"),
    BadInput("ndim", "out of the wrong rank for GRAY",
             "frame64.decode(J, pixel_format='GRAY', out=np.empty((4, 4, 1), np.uint8))", "ValueError",
             "out has shape (4, 4, 1); this image needs (4, 4)"),
    BadInput("dtype", "out not an array", "frame64.decode(J, out=[0])", "TypeError",
             "out must be a numpy.ndarray or None, got list"),
    # --- decode: options --------------------------------------------------------
    BadInput("options", "unknown pixel format", "frame64.decode(J, pixel_format='YUV')", "ValueError",
             f"pixel_format must be one of {PIXEL_FORMATS}; got 'YUV'"),
    BadInput("options", "max_pixels below 1", "frame64.decode(J, max_pixels=0)", "ValueError",
             "max_pixels must be at least 1, got 0"),
    BadInput("options", "max_pixels not an int", "frame64.decode(J, max_pixels=1.5)", "TypeError",
             "max_pixels must be an int or None, got float"),
    BadInput("options", "strict not a bool", "frame64.decode(J, strict=1)", "TypeError",
             "strict must be a bool, got int"),
]

ROWS += [
    # --- YUV input (pixel_format='I420', 'NV12', 'YUYV', 'UYVY') ------------
    BadInput("yuv", 'I420: a chroma plane of the wrong shape', "frame64.encode((Y, C, C[:1]), pixel_format='I420')", 'ValueError',
             'image plane 2 (V) must have shape (2, 2), got (1, 2)'),
    BadInput("yuv", 'I420: two planes', "frame64.encode((Y, C), pixel_format='I420')", 'ValueError',
             'image: I420 planes are a tuple (Y, U, V), got 2 plane(s)'),
    BadInput("yuv", "NV12: a UV plane of U's size", "frame64.encode((Y, C), pixel_format='NV12')", 'ValueError',
             'image plane 1 (UV) must have shape (2, 4), got (2, 2)'),
    BadInput("yuv", 'I420 plane of another dtype', "frame64.encode((Y, C.astype(np.uint16), C), pixel_format='I420')", 'TypeError',
             'image plane 1 (U) must have dtype uint8, got uint16'),
    BadInput("yuv", 'one-array I420 of odd width', "frame64.encode(np.zeros((6, 5), np.uint8), pixel_format='I420')", 'ValueError',
             'image: the one-array I420 layout needs an even width and height, got 5x4; pass a tuple of planes for odd sizes'),
    BadInput("yuv", 'one-array I420 with a row count not H*3/2', "frame64.encode(np.zeros((5, 4), np.uint8), pixel_format='I420')", 'ValueError',
             "image must have shape (H*3/2, W) for pixel_format 'I420' (or pass a tuple of planes), got (5, 4)"),
    BadInput("yuv", 'YUYV of odd width', "frame64.encode(np.zeros((2, 3, 2), np.uint8), pixel_format='YUYV')", 'ValueError',
             'image: packed 4:2:2 (YUYV) needs an even width, got 3'),
    BadInput("yuv", 'YUYV not (H, W, 2)', "frame64.encode(F, pixel_format='YUYV')", 'ValueError',
             "image must have shape (H, W, 2) for pixel_format 'YUYV', got (4, 4, 3)"),
    BadInput("yuv", "subsampling other than the input's", "frame64.encode((Y, C, C), pixel_format='I420', subsampling='444')", 'ValueError',
             "subsampling: I420 input is 4:2:0 and compresses to subsampling='420' (or leave it out); got '444'"),
    BadInput("yuv", 'an unknown yuv_range', "frame64.encode((Y, C, C), pixel_format='I420', yuv_range='tv')", 'ValueError',
             "yuv_range must be one of 'full', 'limited'; got 'tv'"),
    BadInput("yuv", 'an unknown yuv_matrix', "frame64.encode((Y, C, C), pixel_format='I420', yuv_matrix='bt2020')", 'ValueError',
             "yuv_matrix must be one of 'bt601', 'bt709'; got 'bt2020'"),
    BadInput("yuv", 'yuv_range for BGR input', "frame64.encode(F, yuv_range='full')", 'ValueError',
             "yuv_range and yuv_matrix apply to YUV input only (pixel_format='I420', 'NV12', 'YUYV', 'UYVY' or a PyAV VideoFrame)"),
    BadInput("yuv", 'YUV input to PNG', "frame64.encode((Y, C, C), pixel_format='I420', format='png')", 'ValueError',
             'format: YUV input is compressed to JPEG only; convert to BGR for PNG'),
    BadInput("yuv", 'max_side 0 with YUV input', "frame64.encode((Y, C, C), pixel_format='I420', max_side=0)", 'ValueError',
             'max_side must be >= 1 (or None), got 0'),
    BadInput("yuv", "Encoder: subsampling other than the input's", "frame64.Encoder(pixel_format='YUYV', subsampling='420')", "ValueError",
             "subsampling: YUYV input is 4:2:2 and compresses to subsampling='422' (or leave it out); got '420'"),
    BadInput("yuv", "Encoder: yuv_range for pixel frames", "frame64.Encoder(yuv_range='full')", "ValueError",
             "yuv_range and yuv_matrix apply to YUV input only (pixel_format='I420', 'NV12', 'YUYV', 'UYVY'); a VideoFrame supplies its own"),
    BadInput("yuv", "Encoder: a bad YUV frame in a batch", "frame64.Encoder(pixel_format='I420').encode_batch([(Y, C, C), (Y,)])", "ValueError",
             "frames[1]: image: I420 planes are a tuple (Y, U, V), got 1 plane(s)"),
    # --- decode: defective photos (a "returns" row gives str() of what the call returns) ---------------
    BadInput("truncated image", "every cut of a baseline JPEG (OpenCV)", "every_cut(PHOTO1)", "returns",
             "2835 cuts: 2835 raise JpegDecodeError"),
    BadInput("truncated image", "every cut of a progressive JPEG with EXIF (Pillow)", "every_cut(PHOTO2)", "returns",
             "1847 cuts: 1847 raise JpegDecodeError"),
    BadInput("truncated image", "every cut of a JPEG with restart markers (OpenCV)", "every_cut(PHOTO3)", "returns",
             "4296 cuts: 4296 raise JpegDecodeError"),
    BadInput("truncated image", "every cut of a PNG (OpenCV; under 8 bytes its signature is incomplete)",
             "every_cut(PNG_PHOTO)", "returns", "3620 cuts: 5 raise DecodeError, 3615 raise PngDecodeError"),
    BadInput("truncated image", "every cut of the baseline JPEG, best_effort", "every_cut(PHOTO1, best_effort=True)",
             "returns", "2835 cuts: 617 raise JpegDecodeError, 2218 return a frame"),
    BadInput("corrupt image", "corrupt entropy-coded data", "frame64.decode(J_CORRUPT_SCAN)",
             "frame64.JpegDecodeError", "JPEG data is truncated or corrupt, so part of the frame would be made up: "
             "Corrupt JPEG data: bad Huffman code (best_effort=True returns that frame anyway)"),
    BadInput("corrupt image", "a CMYK JPEG cut short", "frame64.decode(CMYK_CUT)", "frame64.JpegDecodeError",
             "JPEG data is truncated or corrupt, so part of the frame would be made up: Premature end of JPEG file "
             "(best_effort=True returns that frame anyway)"),
    BadInput("hostile EXIF", "IFD0 offset past the segment (ignored)", "frame64.decode(EXIF_OFFSET_PAST_END).shape",
             "returns", "(96, 128, 3)"),
    BadInput("hostile EXIF", "65535 entries claimed, one present (only entries inside are read)",
             "frame64.decode(EXIF_HUGE_COUNT).shape", "returns", "(128, 96, 3)"),
    BadInput("hostile EXIF", "next-IFD link back to IFD0, a loop (never followed)",
             "frame64.decode(EXIF_LOOP).shape", "returns", "(96, 128, 3)"),
    BadInput("hostile EXIF", "Orientation 9 (ignored)", "frame64.decode(EXIF_BAD_VALUE).shape", "returns",
             "(96, 128, 3)"),
    BadInput("hostile EXIF", "TIFF header cut short (ignored)", "frame64.decode(EXIF_SHORT).shape", "returns",
             "(96, 128, 3)"),
    BadInput("CMYK", "CMYK (Adobe, inverted) decodes, as Pillow converts it", "frame64.decode(CMYK).shape",
             "returns", "(17, 33, 3)"),
    BadInput("CMYK", "YCCK decodes to GRAY too", "frame64.decode(YCCK, pixel_format='GRAY').shape", "returns",
             "(48, 96)"),
    BadInput("options", "strict and best_effort together", "frame64.decode(J, strict=True, best_effort=True)",
             "ValueError", "strict=True and best_effort=True contradict each other; pass one of them"),
    BadInput("options", "an unknown orientation", "frame64.decode(J, orientation='auto')", "ValueError",
             "orientation must be one of 'exif', 'ignore'; got 'auto'"),
]

ROWS += [
    # --- the base64 drop-ins: exactly what the standard library raises ------
    BadInput("wrong base64", "b64decode: a length of 1 mod 4", "frame64.b64decode(b'YWJjZ')", "binascii.Error",
             "Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4"),
    BadInput("wrong base64", "b64decode: missing padding", "frame64.b64decode(b'YWJjZA')", "binascii.Error",
             "Incorrect padding"),
    BadInput("wrong base64", "b64decode(validate=True): a character outside the alphabet",
             "frame64.b64decode(b'YWJj!', validate=True)", "binascii.Error", "Only base64 data is allowed"),
    BadInput("wrong base64", "b64decode(validate=True): leading padding",
             "frame64.b64decode(b'=YWJj', validate=True)", "binascii.Error", "Leading padding not allowed"),
    BadInput("wrong base64", "b64decode: a non-ASCII str", "frame64.b64decode('\u00e9')", "ValueError",
             "string argument should contain only ASCII characters"),
    BadInput("dtype", "b64decode: not bytes-like", "frame64.b64decode(12)", "TypeError",
             "argument should be a bytes-like object or ASCII string, not 'int'"),
    BadInput("dtype", "b64encode: a str", "frame64.b64encode('abc')", "TypeError",
             "a bytes-like object is required, not 'str'"),
]

ROWS += [
    # --- encode to a budget (issue 14): max_side, max_chars, resize, image_block --
    BadInput("options", "max_side below 1", "frame64.encode(F, max_side=0)", "ValueError",
             "max_side must be >= 1 (or None), got 0"),
    BadInput("options", "max_side not an int", "frame64.encode(F, max_side=2.5)", "TypeError",
             "max_side must be an int >= 1 or None, got float"),
    BadInput("options", "max_chars smaller than any image", "frame64.encode(F, max_chars=100)", "ValueError",
             "max_chars=100 is too small: the smallest image (1x1) takes 840 characters"),
    BadInput("options", "max_chars below 1", "frame64.encode(F, max_chars=0)", "ValueError",
             "max_chars must be >= 1 (or None), got 0"),
    BadInput("options", "resize: a size larger than the image", "frame64.resize(F, (5, 4))", "ValueError",
             "size must be within the image's 4x4 (the area filter only downscales), got 5x4"),
    BadInput("options", "resize: neither size nor max_side", "frame64.resize(F)", "ValueError",
             "resize needs exactly one of size=(width, height) and max_side="),
    BadInput("options", "resize: threads below 1", "frame64.resize(F, (2, 2), threads=0)", "ValueError",
             "threads must be >= 1 (or None for all cores), got 0"),
    BadInput("options", "resize: threads not an int", "frame64.resize(F, (2, 2), threads=1.5)", "TypeError",
             "threads must be an int >= 1 (or None for all cores), got float"),
    BadInput("options", "image_block: an unknown provider", "frame64.image_block(F, 'claude')", "ValueError",
             "provider must be one of 'openai', 'anthropic', 'gemini'; got 'claude'"),
    BadInput("options", "image_block: a format the provider does not take",
             "frame64.image_block(F, 'gemini', format='gif')", "ValueError",
             "format: provider 'gemini' accepts 'jpeg', 'png'; got 'gif'"),
    BadInput("options", "image_block: data_uri (the block decides it)",
             "frame64.image_block(F, 'openai', data_uri=True)", "TypeError",
             "image_block() sets data_uri itself for provider 'openai'; do not pass it"),
]

HEADER = """# Bad input: what frame64 raises

Every class of bad input, the exception it raises and its exact message.
frame64 never crashes and never reads or writes outside a buffer, whatever
the input; this table is what it says instead. Both backends (the C++ core
and the pure-Python fallback) raise the same exceptions with the same
messages.

This file is generated from `tests/bad_input_table.py` (`python
tests/bad_input_table.py --write`); `tests/hardening/test_bad_input_table.py` runs
every row on both backends and fails if this file and the table disagree.
In the calls, `F` is a 4x4 BGR uint8 frame; `HUGE_TALL` and `HUGE_WIDE` are
`np.broadcast_to` views of one pixel, so the huge-size rows allocate
nothing. `J` is `frame64.encode(F)`; `J_TRUNCATED` is the base64 of its
first 100 bytes, `J_CUT_SCAN` that of a 32x32 noise JPEG without its last 30
bytes; `READ_ONLY` is a
4x4x3 array with `writeable=False` and `BROADCAST` a broadcast view.
`frame64.DecodeError` is a ValueError; `JpegDecodeError` and `PngDecodeError`
are DecodeErrors. The photo rows use real files built by `tests/photo_corpus.py`
(`PHOTO1..3`: OpenCV's baseline JPEG, Pillow's progressive JPEG with EXIF
orientation 6, OpenCV's JPEG with restart markers; `PNG_PHOTO`: OpenCV's PNG);
`every_cut(data)` decodes every truncation `data[:n]` (n >= 3) and counts how
each ended; a row whose exception is `returns` shows `str()` of what the call
returns. Hostile EXIF segments are not errors: they are ignored, never
trusted. One known difference between the backends: in a progressive JPEG
with a benign warning (extraneous bytes) before corrupt data, the fallback
(which sees only TurboJPEG's first warning) may name a later warning than the
C++ core; both raise JpegDecodeError. The base64 drop-ins raise exactly
what the running CPython's `base64` module raises for the same input.

Views with odd strides (negative steps, Fortran order, channel slices,
broadcasts) are not errors for `encode`: they are copied to C order first
and give the string of that copy.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    lines = [HEADER, "| class | bad input | call | exception | message |", "| --- | --- | --- | --- | --- |"]
    for row in ROWS:
        lines.append(
            f"| {row.category} | {_cell(row.what)} | `{_cell(row.call)}` | `{row.exception}` | {_cell(row.message)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Render docs/bad-input.md from the bad-input table.")
    parser.add_argument("--write", action="store_true", help="write docs/bad-input.md (default: print it)")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.write:
        DOC_PATH.write_text(text)
        print(f"wrote {DOC_PATH} ({len(ROWS)} rows)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
