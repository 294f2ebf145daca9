"""The contenders of the JPEG + base64 benchmarks, shared by bench_encode.py and encode_ratios.py.

Every contender takes an OpenCV BGR uint8 frame and encodes it at quality 90
with 4:2:0 chroma subsampling and the accurate DCT, as frame64.encode does by
default. The bare compress (no base64) is a few lines of ctypes around the
system libturbojpeg's tjCompress2, the library frame64._core links: one
handle and one worst-case output buffer, made once, and TJFLAG_NOREALLOC, so
each call is tjCompress2 and nothing else.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import io
from typing import Any, Callable

import numpy as np

import frame64
from frame64 import _backend, _fallback, _formats, _options

QUALITY = 90
TJPF_BGR = _options.TJPF["BGR"]
TJSAMP_420 = _options.TJSAMP["420"]
TJFLAG_NOREALLOC = 1024  # turbojpeg.h
ACCURATE_FLAGS = _formats.TJFLAG_ACCURATEDCT
FAST_FLAGS = _formats.TJFLAG_FASTDCT


def frame64_on(backend: Any, frame: np.ndarray, fast_dct: bool = False) -> str:
    """frame64.encode with its backend module set to `backend` for the call."""
    with _backend.use(backend):
        return frame64.encode(frame, quality=QUALITY, fast_dct=fast_dct)


def frame64_cpp(frame: np.ndarray) -> str:
    """frame64.encode on the compiled backend, frame64._core."""
    from frame64 import _core

    return frame64_on(_core, frame)


def frame64_cpp_fast_dct(frame: np.ndarray) -> str:
    """The same with fast_dct=True: what simplejpeg's fastdct=False really does below quality 96."""
    from frame64 import _core

    return frame64_on(_core, frame, fast_dct=True)


def frame64_fallback(frame: np.ndarray) -> str:
    """frame64.encode as FRAME64_BACKEND=python runs it (PyTurboJPEG + stdlib base64)."""
    return frame64_on(_fallback, frame)


def opencv_base64(frame: np.ndarray) -> str:
    import cv2

    params = [cv2.IMWRITE_JPEG_QUALITY, QUALITY, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]
    ok, jpeg = cv2.imencode(".jpg", frame, params)
    assert ok
    return base64.b64encode(jpeg).decode()


def pil_base64(frame: np.ndarray) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(frame[:, :, ::-1]).save(buffer, "JPEG", quality=QUALITY, subsampling="4:2:0")
    return base64.b64encode(buffer.getvalue()).decode()


_pyturbojpeg: Any = None


def pyturbojpeg_base64(frame: np.ndarray) -> str:
    global _pyturbojpeg
    if _pyturbojpeg is None:
        from turbojpeg import TurboJPEG

        _pyturbojpeg = TurboJPEG()
    import turbojpeg

    jpeg = _pyturbojpeg.encode(
        frame, quality=QUALITY, pixel_format=turbojpeg.TJPF_BGR, jpeg_subsample=turbojpeg.TJSAMP_420,
        flags=turbojpeg.TJFLAG_ACCURATEDCT,
    )  # fmt: skip
    return base64.b64encode(jpeg).decode()


# simplejpeg calls tjCompress2 without TJFLAG_ACCURATEDCT, so its
# fastdct=False still gets TurboJPEG's fast DCT below quality 96 (the 2.x
# function API keeps that default even in libjpeg-turbo 3.x): its output
# equals frame64's with fast_dct=True, and that is the fair comparison.


def simplejpeg_bytes(frame: np.ndarray) -> bytes:
    """simplejpeg's compress alone (it bundles its own libjpeg-turbo 3.x)."""
    import simplejpeg

    jpeg = simplejpeg.encode_jpeg(frame, quality=QUALITY, colorspace="BGR", colorsubsampling="420", fastdct=False)
    return bytes(jpeg)


def simplejpeg_pybase64(frame: np.ndarray) -> str:
    import pybase64
    import simplejpeg

    jpeg = simplejpeg.encode_jpeg(frame, quality=QUALITY, colorspace="BGR", colorsubsampling="420", fastdct=False)
    return str(pybase64.b64encode_as_string(jpeg))


class BareTurboJpeg:
    """tjCompress2 of the system libturbojpeg through ctypes, into a reused buffer."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0"
        lib = ctypes.CDLL(name)
        lib.tjInitCompress.restype = ctypes.c_void_p
        lib.tjDestroy.argtypes = [ctypes.c_void_p]
        lib.tjBufSize.restype = ctypes.c_ulong
        lib.tjBufSize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.tjCompress2.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
            ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int, ctypes.c_int,
        ]  # fmt: skip
        self._lib = lib
        self._handle = ctypes.c_void_p(lib.tjInitCompress())
        self._buffer = np.empty(0, np.uint8)
        self._buffer_pointer = ctypes.c_void_p()
        self._size = ctypes.c_ulong()
        self.flags = ACCURATE_FLAGS

    def compress(self, frame: np.ndarray) -> int:
        """Compresses a C-contiguous BGR frame; returns the JPEG's size (bytes in self.jpeg)."""
        height, width = frame.shape[:2]
        needed = self._lib.tjBufSize(width, height, TJSAMP_420)
        if self._buffer.size < needed:
            self._buffer = np.empty(needed, np.uint8)
            self._buffer_pointer = ctypes.c_void_p(self._buffer.ctypes.data)
        self._size.value = self._buffer.size
        status = self._lib.tjCompress2(
            self._handle, frame.ctypes.data, width, 0, height, TJPF_BGR, ctypes.byref(self._buffer_pointer),
            ctypes.byref(self._size), TJSAMP_420, QUALITY, self.flags | TJFLAG_NOREALLOC,
        )  # fmt: skip
        assert status == 0, "tjCompress2 failed"
        return self._size.value

    def jpeg(self, size: int) -> bytes:
        return self._buffer[:size].tobytes()

    def close(self) -> None:
        if self._handle:
            self._lib.tjDestroy(self._handle)
            self._handle = ctypes.c_void_p()


# Contenders that return base64 text, in table order.
BASE64_CONTENDERS: dict[str, Callable[[np.ndarray], str]] = {
    "frame64 (C++)": frame64_cpp,
    "frame64 (C++, fast_dct)": frame64_cpp_fast_dct,
    "frame64 (fallback)": frame64_fallback,
    "cv2.imencode + base64": opencv_base64,
    "PIL + BytesIO + base64": pil_base64,
    "PyTurboJPEG + base64": pyturbojpeg_base64,
    "simplejpeg + pybase64": simplejpeg_pybase64,
}
