"""JPEG and PNG files made as real encoders make them, for the decode tests and the bad-input table.

Built at run time from frame64._sample.camera_frame (no binary files in the
repository): OpenCV's baseline JFIF, Pillow's progressive JPEG with EXIF,
OpenCV's JPEG with restart markers, frame64's PNG, and a CMYK/YCCK corpus
from Pillow's CMYK writer and TurboJPEG.
"""

from __future__ import annotations

import io
from functools import lru_cache
from types import ModuleType

import numpy as np
from PIL import Image, ImageChops

from frame64._sample import camera_frame


def _cv2() -> ModuleType:
    """OpenCV, imported when a corpus needs it: Pillow's files alone need no cv2
    (free-threaded CPython has no OpenCV wheel; docs/wheels.md)."""
    import cv2

    return cv2


def _cv2_jpeg(frame: np.ndarray, *params: int) -> bytes:
    ok, buffer = _cv2().imencode(".jpg", frame, list(params))
    assert ok
    return buffer.tobytes()


def pillow_jpeg(frame: np.ndarray, orientation: int | None = None, **options: object) -> bytes:
    """Pillow's JPEG of a BGR frame, with an EXIF Orientation when given."""
    image = Image.fromarray(np.ascontiguousarray(frame[..., ::-1]))
    out = io.BytesIO()
    if orientation is not None:
        exif = image.getexif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    image.save(out, "JPEG", **options)
    return out.getvalue()


# real_jpegs()'s names, sorted: test ids known at collection, without OpenCV.
REAL_JPEG_NAMES = ("opencv-baseline", "opencv-restart-markers", "pillow-progressive-exif")


@lru_cache(maxsize=None)
def real_jpegs() -> dict[str, bytes]:
    """Three JPEGs as cameras and libraries write them."""
    cv2 = _cv2()
    jpegs = {
        "opencv-baseline": _cv2_jpeg(camera_frame(96, 128, seed=1), cv2.IMWRITE_JPEG_QUALITY, 90),
        "pillow-progressive-exif": pillow_jpeg(camera_frame(80, 120, seed=2), 6, quality=85, progressive=True),
        "opencv-restart-markers": _cv2_jpeg(
            camera_frame(72, 88, seed=3), cv2.IMWRITE_JPEG_RST_INTERVAL, 2,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444,
        ),
    }
    assert tuple(sorted(jpegs)) == REAL_JPEG_NAMES
    return jpegs


@lru_cache(maxsize=None)
def real_png() -> bytes:
    ok, buffer = _cv2().imencode(".png", camera_frame(40, 48, seed=4))
    assert ok
    return buffer.tobytes()


def segment_span(jpeg: bytes, marker: int) -> tuple[int, int]:
    at = jpeg.index(bytes([0xFF, marker]))
    return at, at + 2 + int.from_bytes(jpeg[at + 2 : at + 4], "big")


@lru_cache(maxsize=None)
def cmyk_corpus() -> dict[str, tuple[bytes, Image.Image]]:
    """name -> (JPEG, the CMYK image whose Pillow conversion is the oracle).

    adobe-*: Pillow's CMYK writer (inverted values, Adobe APP14, as Photoshop);
    plain-*: true CMYK values and no Adobe segment; ycck: TurboJPEG's YCCK.
    """
    corpus: dict[str, tuple[bytes, Image.Image]] = {}
    for name, (height, width) in {"small": (17, 33), "wide": (48, 96)}.items():
        cmyk = Image.fromarray(np.ascontiguousarray(camera_frame(height, width, seed=5)[..., ::-1])).convert("CMYK")
        out = io.BytesIO()
        cmyk.save(out, "JPEG", quality=92)
        adobe = out.getvalue()
        corpus[f"adobe-{name}"] = (adobe, Image.open(io.BytesIO(adobe)))
        out = io.BytesIO()
        ImageChops.invert(cmyk).save(out, "JPEG", quality=92)  # Pillow inverts on write: stores the true values
        start, end = segment_span(out.getvalue(), 0xEE)
        plain = out.getvalue()[:start] + out.getvalue()[end:]
        corpus[f"plain-{name}"] = (plain, ImageChops.invert(Image.open(io.BytesIO(plain)).convert("CMYK")))
    from turbojpeg import TurboJPEG

    cmyk = np.asarray(corpus["adobe-wide"][1].convert("CMYK"))
    ycck = TurboJPEG().encode(np.ascontiguousarray(cmyk), pixel_format=11, jpeg_subsample=2, quality=92)
    corpus["ycck"] = (ycck, Image.open(io.BytesIO(ycck)))
    return corpus
