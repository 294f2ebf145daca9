"""Fuzzing of frame64.decode with JPEG and PNG data (seed corpus: make_seeds.py).

Input layout: byte 0 holds the options (see OPTIONS below), the rest is an
image file (JPEGs with EXIF segments, hostile ones too, CMYK, YCCK and PNGs
among the seeds), which the harness base64-encodes (plain, as a data URI, MIME
wrapped) or, in "raw" mode, passes as the text itself so that the data URI
and base64 parsing see arbitrary bytes too. The only acceptable failures are
ValueError (frame64.DecodeError is one) and TypeError; a returned frame must
have the requested layout and respect max_pixels.
"""

from __future__ import annotations

import base64

import atheris
import numpy as np
from _common import core, frame64, main, pick_kernel

from frame64 import _backend, _fallback, _png

HAS_DECODE = hasattr(frame64, "decode")


def decode(text: bytes | str, **kwargs: object) -> np.ndarray:
    """frame64.decode, or (until it exists) the same steps through the PNG reader."""
    if HAS_DECODE:
        return frame64.decode(text, **kwargs)  # type: ignore[no-any-return]
    if isinstance(text, str):
        text = text.encode("latin-1")
    if text.startswith(b"data:"):
        header, _, text = text.partition(b",")
        if not header.endswith(b";base64"):
            raise ValueError("not a base64 data URI")
    raw = core.b64decode(text, bool(kwargs.pop("strict", False)))
    if not _png.is_png(raw):
        raise ValueError("only PNG can be decoded before frame64.decode exists")
    return _png.decode_png(raw, **kwargs)  # type: ignore[arg-type]

PIXEL_FORMATS = ["BGR", "RGB", "GRAY", "BGRA", "RGBA"]
CHANNELS = {"BGR": 3, "RGB": 3, "GRAY": 1, "BGRA": 4, "RGBA": 4}
MIME = ["image/jpeg", "image/png", "image/gif", "text/plain", "IMAGE/JPEG", ""]
SMALL_MAX_PIXELS = 300


@atheris.instrument_func
def build_text(mode: int, mime: str, wrap: bool, image: bytes) -> bytes:
    if mode == 3:
        return image  # raw: the fuzzer writes the text itself
    text = base64.b64encode(image)
    if wrap:
        text = b"\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    if mode == 1:
        return b"data:" + mime.encode() + b";base64," + text
    if mode == 2:
        return b"data:" + mime.encode() + b"," + text  # not base64-marked
    return text


@atheris.instrument_func
def TestOneInput(data: bytes) -> None:
    if not data:
        return
    options, image = data[0], data[1:]
    fdp = atheris.FuzzedDataProvider(image[-2:])  # kernel choice from the tail, image bytes left intact
    pick_kernel(fdp)
    mode = options & 3
    wrap = bool(options & 4)
    variant = (options >> 3) & 7
    small = bool(options & 64)
    as_str = bool(options & 128)
    mime = MIME[(options >> 3) % len(MIME)]
    text: bytes | str = build_text(mode, mime, wrap, image)
    if as_str:
        text = text.decode("latin-1")
    kwargs: dict[str, object] = {}
    pixel_format = PIXEL_FORMATS[variant % 5]
    kwargs["pixel_format"] = pixel_format
    if small:
        kwargs["max_pixels"] = SMALL_MAX_PIXELS
    if variant == 5:
        kwargs["strict"] = True
    # The third byte from the end (the last two pick the kernel): orientation,
    # best_effort, scaling and the Decoder, so EXIF parsing, every strictness
    # and every DCT scale are reached.
    extra = image[-3] if len(image) >= 3 else 0
    if HAS_DECODE:
        kwargs["orientation"] = "ignore" if extra & 1 else "exif"
        if extra & 2 and variant != 5:
            kwargs["best_effort"] = True
        # Bits 3-5: a DCT scale k/8 (8: none); bit 6 turns it into max_side.
        eighths = ((extra >> 3) & 7) + 1
        if extra & 64:
            kwargs["max_side"] = eighths * 5
        elif eighths != 8:
            kwargs["scale"] = (eighths, 8)
    try:
        frame = decode(text, **kwargs)
    except (ValueError, TypeError) as exc:
        if HAS_DECODE and extra & 4:
            # The pure-Python backend refuses it with the same exception and message.
            with _backend.use(_fallback):
                try:
                    decode(text, **kwargs)
                except (ValueError, TypeError) as again:
                    assert type(again) is type(exc), (again, exc)
                    assert str(again) == str(exc), (again, exc)
                else:
                    raise AssertionError(f"the fallback decoded what the C++ core refused: {exc}") from None
        return
    assert isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.flags.c_contiguous
    channels = CHANNELS[pixel_format]
    assert frame.ndim == (2 if channels == 1 else 3), frame.shape
    if channels > 1:
        assert frame.shape[2] == channels, frame.shape
    if small:
        assert frame.shape[0] * frame.shape[1] <= SMALL_MAX_PIXELS, frame.shape
    if HAS_DECODE and (kwargs.get("strict") or extra & 4):
        # The same pixels on the pure-Python backend (any strictness, any orientation).
        with _backend.use(_fallback):
            reference = frame64.decode(text, **kwargs)
        assert np.array_equal(reference, frame), "C++ and fallback pixels differ"
    if HAS_DECODE and extra & 128:
        # A Decoder batch of the same item (twice) gives the same pixels.
        decoder = frame64.Decoder(threads=2, **kwargs)  # kwargs holds decode's options only
        for again in decoder.decode_batch([text, text]):
            assert np.array_equal(again, frame), "Decoder and frame64.decode pixels differ"
    if variant in (6, 7):
        # Decoding into a preallocated frame gives the same pixels, in place.
        out = np.empty_like(frame)
        again = decode(text, out=out, **kwargs)
        assert again is out and np.array_equal(out, frame)
        wrong = np.empty((frame.shape[0] + 1,) + frame.shape[1:], np.uint8)
        try:
            decode(text, out=wrong, **kwargs)
        except ValueError:
            pass
        else:
            raise AssertionError("a wrongly shaped out= was accepted")


if __name__ == "__main__":
    main(TestOneInput)
