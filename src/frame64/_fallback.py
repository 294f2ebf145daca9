"""The pure-Python backend: PyTurboJPEG and the standard library.

It has the same functions and signatures as the compiled ``frame64._core``
and returns identical results; ``frame64`` uses it when the extension is
missing or ``FRAME64_BACKEND=python`` is set. It works with PyTurboJPEG 1.8
(libjpeg-turbo 2.x or 3.x) and PyTurboJPEG 2.x (libjpeg-turbo 3.x): both
accept TurboJPEG's 2.x-style ``flags``, and frame64 passes every
output-changing flag explicitly.
"""

from __future__ import annotations

import base64
import binascii
import threading
from typing import Any

import numpy as np

from ._options import DATA_URI_PREFIX, jpeg_flags
from ._png_fallback import PngError, decode_png, encode_png, png_deflate  # noqa: F401  (PNG, pure numpy + zlib)

__version__ = "fallback"

_turbo_lock = threading.Lock()
_turbo: Any = None


def _turbojpeg() -> Any:
    """The shared PyTurboJPEG instance (it loads libturbojpeg once)."""
    global _turbo
    if _turbo is None:
        with _turbo_lock:
            if _turbo is None:
                try:
                    from turbojpeg import TurboJPEG
                except ImportError as exc:
                    raise ImportError(
                        "frame64's pure-Python backend needs PyTurboJPEG: pip install 'frame64[fallback]'"
                    ) from exc
                _turbo = TurboJPEG()
    return _turbo


def simd() -> str:
    return "python"


def compiled_simd() -> list[str]:
    """The pure-Python backend has no SIMD kernels; "python" stands for it."""
    return ["python"]


def supported_simd() -> list[str]:
    return ["python"]


def set_simd(name: str) -> None:
    """Accepts only "auto" and "python": there is no kernel to force here."""
    if name not in ("auto", "python"):
        raise ValueError(
            f"the {name!r} base64 kernel needs the compiled backend; the pure-Python backend has none "
            "(expected 'auto' or 'python')"
        )


def b64encode(data: Any, c62: int = 43, c63: int = 47) -> bytes:
    """Same contract as frame64._core.b64encode: chars 62 and 63 given as byte values."""
    if not (0 <= c62 <= 255 and 0 <= c63 <= 255):
        raise ValueError("altchars must be two bytes")
    encoded = binascii.b2a_base64(data, newline=False)
    if (c62, c63) == (43, 47):
        return encoded
    return encoded.translate(bytes.maketrans(b"+/", bytes((c62, c63))))


def b64decode(data: Any, strict: bool = False) -> bytes:
    """Same contract as frame64._core.b64decode: binascii.a2b_base64(data, strict_mode=strict)."""
    if isinstance(data, str):
        if not data.isascii():
            raise ValueError("string argument should contain only ASCII characters")
    elif not isinstance(data, (bytes, bytearray)):
        try:
            data = memoryview(data).tobytes()
        except TypeError:
            raise TypeError(
                f"argument should be a bytes-like object or ASCII string, not '{type(data).__name__}'"
            ) from None
    return binascii.a2b_base64(data, strict_mode=strict)


def encode_jpeg(
    image: np.ndarray,
    pixel_format: int,
    quality: int,
    subsampling: int,
    fast_dct: bool,
    progressive: bool,
    data_uri: bool,
) -> str:
    """Same contract as frame64._core.encode_jpeg (image already validated)."""
    jpeg = _turbojpeg().encode(
        image,
        quality=quality,
        pixel_format=pixel_format,
        jpeg_subsample=subsampling,
        flags=jpeg_flags(fast_dct, progressive, quality),
    )
    text = base64.b64encode(jpeg).decode("ascii")
    return DATA_URI_PREFIX["jpeg"] + text if data_uri else text


def b64encode_str(data: Any, prefix: str = "") -> str:
    return prefix + binascii.b2a_base64(data, newline=False).decode("ascii")


from ._fallback_encoder import BatchEncoder, PendingFrame  # noqa: E402,F401  (frame64.Encoder's pool)
from ._fallback_decode import decode_image, decode_image_bytes  # noqa: E402,F401  (frame64.decode's backend)
