"""Writes the seed corpora of the harnesses into fuzz/seeds/<harness>/.

Small valid files only (a few hundred bytes each), generated here rather
than committed: JPEGs in every subsampling, grayscale, progressive and with
restart markers; PNGs in every colour type and bit depth that PIL and
OpenCV write, interlaced included where a writer supports it; base64 texts
that hit each branch of the decoder's state machine.

    python fuzz/make_seeds.py [--out fuzz/seeds]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from frame64._fallback._turbo import turbojpeg
from frame64._sample import camera_frame, exif_segment, with_segment

SIZES = [(1, 1), (8, 8), (13, 17), (16, 33)]


def jpeg_seeds() -> list[bytes]:
    seeds = []
    for height, width in SIZES:
        frame = camera_frame(height, width)
        for sampling in (cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_422,
                         cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_411,
                         cv2.IMWRITE_JPEG_SAMPLING_FACTOR_440):
            ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 75,
                                                   cv2.IMWRITE_JPEG_SAMPLING_FACTOR, sampling])
            assert ok
            seeds.append(buf.tobytes())
        for params in ([cv2.IMWRITE_JPEG_PROGRESSIVE, 1], [cv2.IMWRITE_JPEG_RST_INTERVAL, 1],
                       [cv2.IMWRITE_JPEG_OPTIMIZE, 1]):
            ok, buf = cv2.imencode(".jpg", frame, params)
            seeds.append(buf.tobytes())
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
        seeds.append(buf.tobytes())
    # CMYK (4 components, Adobe marker) from PIL, the same without its Adobe
    # segment (plain CMYK), and YCCK (TurboJPEG compresses CMYK pixels as YCCK).
    out = io.BytesIO()
    Image.fromarray(camera_frame(8, 8, 4)).convert("CMYK").save(out, "JPEG")
    cmyk = out.getvalue()
    seeds.append(cmyk)
    adobe = cmyk.find(b"\xff\xee")
    if adobe > 0:
        seeds.append(cmyk[:adobe] + cmyk[adobe + 2 + int.from_bytes(cmyk[adobe + 2 : adobe + 4], "big") :])
    seeds.append(turbojpeg().encode(camera_frame(9, 7, 4), pixel_format=11, jpeg_subsample=2))
    # EXIF: every orientation in both byte orders, and hostile IFD0s.
    small = seeds[0]
    for orientation in range(1, 9):
        for little in (True, False):
            seeds.append(with_segment(small, exif_segment(orientation, little_endian=little)))
    for hostile in (exif_segment(6, ifd_offset=1 << 30), exif_segment(6, count=65535), exif_segment(6, value_type=4),
                    exif_segment(9), exif_segment(6, ifd_offset=0)):
        seeds.append(with_segment(small, hostile))
    return seeds


def png_seeds() -> list[bytes]:
    seeds = []
    for height, width in SIZES[:3]:
        rgb = camera_frame(height, width)[:, :, ::-1]
        rgba = camera_frame(height, width, 4)
        for image in (
            Image.fromarray(np.ascontiguousarray(rgb)),
            Image.fromarray(rgba, "RGBA"),
            Image.fromarray(np.ascontiguousarray(rgb)).convert("L"),
            Image.fromarray(np.ascontiguousarray(rgb)).convert("LA"),
            Image.fromarray(np.ascontiguousarray(rgb)).convert("P", palette=Image.ADAPTIVE, colors=200),
            Image.fromarray(np.ascontiguousarray(rgb)).convert("1"),
            Image.fromarray(np.ascontiguousarray(rgb)).convert("I;16"),
        ):
            out = io.BytesIO()
            image.save(out, "PNG")
            seeds.append(out.getvalue())
        for colors, bits in ((2, 1), (4, 2), (16, 4)):
            out = io.BytesIO()
            Image.fromarray(np.ascontiguousarray(rgb)).convert("P", palette=Image.ADAPTIVE, colors=colors).save(
                out, "PNG", bits=bits
            )
            seeds.append(out.getvalue())
        # 16-bit colour from OpenCV.
        ok, buf = cv2.imencode(".png", camera_frame(height, width).astype(np.uint16) * 257)
        seeds.append(buf.tobytes())
        ok, buf = cv2.imencode(".png", camera_frame(height, width), [cv2.IMWRITE_PNG_COMPRESSION, 0])
        seeds.append(buf.tobytes())
    # A palette PNG with transparency (tRNS).
    out = io.BytesIO()
    paletted = Image.fromarray(np.ascontiguousarray(camera_frame(8, 8)[:, :, ::-1])).convert("P", colors=16)
    paletted.info["transparency"] = 0
    paletted.save(out, "PNG", transparency=0)
    seeds.append(out.getvalue())
    return seeds


def b64_seeds() -> list[bytes]:
    # Bytes 0-2: kernel choice, strict, as-str (see fuzz_b64decode.py), then the text.
    texts = [
        base64.b64encode(bytes(range(n))) for n in (0, 1, 2, 3, 31, 32, 33, 47, 48, 49, 63, 64, 65, 200)
    ] + [
        b"YWJj\nZGVm\r\nZ2g=", b"=YWJj", b"YW=Jj", b"YWJj=", b"YWJj==", b"YQ==YQ==", b"YQ", b"Y", b"YWJj!ZGVm",
        b"YWJ\x80j", b" YWJj ", base64.encodebytes(bytes(range(256))),
    ]
    return [bytes([kernel, strict, 0]) + text for text in texts for kernel in (0, 1, 2) for strict in (0, 1)]


def write(folder: Path, seeds: list[bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{folder}: {len(seeds)} seeds, {sum(map(len, seeds))} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "seeds")
    args = parser.parse_args()
    images = jpeg_seeds() + png_seeds()
    # fuzz_decode: byte 0 = options (plain base64, data URI, MIME-wrapped, str/bytes, each pixel format).
    write(args.out / "decode", [bytes([options]) + image for image in images for options in (0, 1 | 8, 4 | 128, 16 | 64, 56)])
    write(args.out / "b64decode", b64_seeds())
    write(args.out / "encode", [bytes(range(n)) * 3 for n in (8, 32, 64, 200)])


if __name__ == "__main__":
    main()
