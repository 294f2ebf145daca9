"""Fuzzing of frame64.encode with random shapes, strides, dtypes and options.

The only acceptable failures are TypeError and ValueError (raised for bad
arguments, before any pixel is read). A successful result must be the
base64 of a JPEG (or PNG) and, for JPEG, equal what the pure-Python fallback
returns for the same request, so a wrong-but-fast answer is caught as well.
"""

from __future__ import annotations

import binascii

import atheris
import numpy as np
from _common import core, frame64, main, pick_kernel

from frame64 import _backend, _fallback, _options, _png

DTYPES = [np.uint8, np.int8, np.uint16, np.float32, np.bool_, np.int64, np.complex64, object]
FORMATS = ["jpeg", "jpg", "JPEG", "png", "png", "PNG", "webp", "", 3, None]
PIXEL_FORMATS = ["BGR", "RGB", "BGRA", "RGBA", "GRAY", "bgr", "YUV", "", 1, None]
SUBSAMPLINGS = ["444", "422", "420", "440", "411", "gray", "GRAY", "410", 420, None]
QUALITIES = [1, 50, 90, 95, 96, 100, 0, 101, -1, 2**40, 90.0, True, "90", None, np.int32(75)]
FLAGS = [False, True, np.bool_(True), 0, 1, None, "yes"]
COMPRESSIONS = [None, 0, 1, 2, 3, 5, 9, 10, -1, 1.5, True, "1"]
OPTIONAL = object()  # "leave this keyword out"


@atheris.instrument_func
def make_image(fdp: atheris.FuzzedDataProvider) -> object:
    # Mostly plausible frames (so that the compressor runs), sometimes anything.
    plausible = fdp.ConsumeProbability() < 0.8
    ndim = fdp.PickValueInList([2, 3, 3]) if plausible else fdp.ConsumeIntInRange(0, 4)
    shape = tuple(fdp.ConsumeIntInRange(1 if plausible else 0, 40) for _ in range(ndim))
    if ndim == 3 and plausible:
        shape = shape[:2] + (fdp.PickValueInList([1, 3, 4]),)
    dtype = np.uint8 if plausible else fdp.PickValueInList(DTYPES)
    size = int(np.prod(shape, dtype=np.int64))
    raw = np.frombuffer(fdp.ConsumeBytes(size) + bytes(size), np.uint8)[:size]
    array = raw.astype(dtype).reshape(shape) if dtype is not object else raw.astype(object).reshape(shape)
    for _ in range(fdp.ConsumeIntInRange(0, 3)):  # views: crops, steps, flips, transposes
        kind = fdp.ConsumeIntInRange(0, 4)
        if array.ndim == 0:
            break
        axis = fdp.ConsumeIntInRange(0, array.ndim - 1)
        index = [slice(None)] * array.ndim
        if kind == 0:
            index[axis] = slice(fdp.ConsumeIntInRange(0, 3), None, fdp.PickValueInList([1, 2, 3, -1, -2]))
            array = array[tuple(index)]
        elif kind == 1:
            array = np.swapaxes(array, 0, axis)
        elif kind == 2:
            array = np.asfortranarray(array)
        elif kind == 3 and array.dtype == np.uint8 and array.flags.c_contiguous:
            array.flags.writeable = False
        elif kind == 4:
            array = np.broadcast_to(array[..., :1], array.shape) if array.shape[-1] else array
    wrapper = fdp.ConsumeIntInRange(0, 5)
    if wrapper == 1 and array.dtype != object:
        try:
            return memoryview(array)
        except (TypeError, ValueError, BufferError):
            return array
    if wrapper == 2:
        return array.tolist()
    if wrapper == 3:
        return bytes(array.tobytes()) if array.dtype != object else array
    return array


@atheris.instrument_func
def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    pick_kernel(fdp)
    image = make_image(fdp)
    choices = {
        "format": FORMATS,
        "quality": QUALITIES,
        "subsampling": SUBSAMPLINGS,
        "pixel_format": PIXEL_FORMATS,
        "fast_dct": FLAGS,
        "progressive": FLAGS,
        "data_uri": FLAGS,
        "compression": COMPRESSIONS,
    }
    kwargs = {}
    for name, values in choices.items():
        if fdp.ConsumeProbability() < 0.6:
            kwargs[name] = fdp.PickValueInList(values)
    try:
        text = frame64.encode(image, **kwargs)
    except (TypeError, ValueError):
        return
    assert isinstance(text, str)
    body = text.split(",", 1)[1] if text.startswith("data:") else text
    raw = binascii.a2b_base64(body, strict_mode=True)
    assert raw.startswith(b"\xff\xd8\xff") or raw.startswith(b"\x89PNG\r\n\x1a\n"), raw[:8]
    with _backend.use(_fallback):
        reference = frame64.encode(image, **kwargs)
    if raw.startswith(b"\xff\xd8"):
        # The same request through the pure-Python backend gives the same string.
        assert reference == text, "C++ and fallback JPEG strings differ"
    else:
        # PNG is lossless: both backends' files decode to exactly the input.
        array = _options.prepare_image(image, _options.choice("pixel_format", kwargs.get("pixel_format", "BGR"),
                                                               _options.PIXEL_FORMATS), max_dimension=2**31 - 1)
        pixel_format = kwargs.get("pixel_format", "BGR")
        for png_text in (text, reference):
            body = png_text.split(",", 1)[1] if png_text.startswith("data:") else png_text
            pixels = _png.decode_png(binascii.a2b_base64(body), pixel_format=pixel_format)
            assert np.array_equal(pixels, array.reshape(pixels.shape)), "PNG round trip changed the pixels"


if __name__ == "__main__":
    main(TestOneInput)
