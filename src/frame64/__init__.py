"""frame64: numpy frames to base64 image strings and data URIs, in one call.

    >>> import frame64, numpy as np
    >>> frame = np.zeros((480, 640, 3), np.uint8)        # an OpenCV BGR frame
    >>> uri = frame64.encode(frame, data_uri=True)        # "data:image/jpeg;base64,/9j/..."

The compiled backend (``frame64._core``: TurboJPEG plus SIMD base64 written
straight into the returned ``str``) is used when it imports; otherwise a
pure-Python fallback built on PyTurboJPEG and the standard library gives
identical strings. ``FRAME64_BACKEND=python`` forces the fallback and
``FRAME64_BACKEND=cpp`` makes a missing extension an ImportError.
``frame64.backend`` says which one is in use.

Base64 runs on the best SIMD kernel the CPU supports (``frame64.simd``
names it). ``FRAME64_SIMD=scalar|avx2|avx512vbmi|neon|auto`` forces one at
import; a kernel that this build or CPU cannot run makes the import fail
with an ImportError (never an illegal instruction). The pure-Python backend
has no kernels: with it, any value other than "auto" (or "python") is an
ImportError too. ``frame64.b64encode``/``b64decode`` and friends are exact
drop-ins for the standard library's ``base64`` functions.
"""

from __future__ import annotations

from typing import Any

from . import _backend
from ._base64 import (
    b64decode,
    b64encode,
    b64encode_str,
    standard_b64decode,
    standard_b64encode,
    urlsafe_b64decode,
    urlsafe_b64encode,
)
from ._decode import MAX_PIXELS_DEFAULT, decode
from ._decoder import Decoder
from ._encode import encode
from ._encoder import Encoder
from ._errors import DecodeError, JpegDecodeError, JpegError, PngDecodeError
from ._resize import resize
from ._vision import PROVIDER_LIMITS, image_block

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Read live: the differential tests switch the backend (frame64._backend.use)
    # and the base64 kernel (_core.set_simd) at run time.
    if name == "backend":  # "cpp" or "python": the backend this call would use
        return _backend.name_of(_backend.current())
    if name == "simd":  # the base64 kernel in use ("python" for the fallback)
        return _backend.current().simd()
    raise AttributeError(f"module 'frame64' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The public surface only: the private modules and typing names are not API.
    return sorted(__all__)


__all__ = [
    "b64decode",
    "b64encode",
    "b64encode_str",
    "backend",
    "decode",
    "DecodeError",
    "JpegDecodeError",
    "encode",
    "Decoder",
    "Encoder",
    "image_block",
    "JpegError",
    "MAX_PIXELS_DEFAULT",
    "PngDecodeError",
    "PROVIDER_LIMITS",
    "resize",
    "simd",
    "standard_b64decode",
    "standard_b64encode",
    "urlsafe_b64decode",
    "urlsafe_b64encode",
    "__version__",
]
