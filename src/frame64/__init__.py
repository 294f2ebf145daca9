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

import os
from types import ModuleType
from typing import Any

from . import _options, _png
from ._decode import MAX_PIXELS_DEFAULT, decode
from ._errors import DecodeError
from ._png import PngDecodeError

__version__ = "0.1.0"


def _load_backend() -> tuple[ModuleType, str]:
    choice = os.environ.get("FRAME64_BACKEND", "auto").strip().lower() or "auto"
    if choice not in ("auto", "cpp", "python"):
        raise ImportError(f"FRAME64_BACKEND must be 'auto', 'cpp' or 'python', got {choice!r}")
    if choice != "python":
        try:
            from . import _core
        except ImportError as exc:
            if choice == "cpp":
                raise ImportError(
                    "FRAME64_BACKEND=cpp, but the compiled extension frame64._core could not be imported "
                    f"({exc}). Install its system libraries (Debian/Ubuntu: apt-get install pkg-config "
                    "libturbojpeg0-dev libdeflate-dev libspng-dev) and reinstall frame64, or unset "
                    "FRAME64_BACKEND to use the fallback."
                ) from exc
        else:
            return _core, "cpp"
    from . import _fallback

    return _fallback, "python"


_impl, backend = _load_backend()
"""``"cpp"`` or ``"python"``: the backend this process uses."""

from . import _encoder  # noqa: E402  (needs _impl)
from ._encoder import Encoder  # noqa: E402


def _force_simd_from_env() -> None:
    choice = os.environ.get("FRAME64_SIMD", "").strip().lower()
    if not choice:
        return
    try:
        _impl.set_simd(choice)
    except ValueError as exc:
        raise ImportError(f"FRAME64_SIMD={choice}: {exc}") from exc


_force_simd_from_env()

from ._base64 import (  # noqa: E402  (needs _impl)
    b64decode,
    b64encode,
    b64encode_str,
    standard_b64decode,
    standard_b64encode,
    urlsafe_b64decode,
    urlsafe_b64encode,
)


def encode(
    image: Any,
    *,
    format: str = "jpeg",
    quality: int = 90,
    subsampling: str = "420",
    pixel_format: str = "BGR",
    fast_dct: bool = False,
    progressive: bool = False,
    data_uri: bool = False,
    compression: int | None = None,
    threads: int | None = 1,
) -> str:
    """Encode a uint8 frame as a base64 JPEG or PNG string (or a ``data:`` URI).

    Args:
        image: a uint8 array (or any buffer with a shape) of shape (H, W, 3)
            for "BGR"/"RGB", (H, W, 4) for "BGRA"/"RGBA", (H, W) or (H, W, 1)
            for "GRAY". Crops with strided rows are compressed without a copy;
            other views (negative strides, Fortran order, channel slices) are
            copied to C order first and give the same string as that copy.
            A ``PIL.Image.Image`` is accepted too: modes "RGB", "RGBA" and
            "L" are read as they are (its mode sets the pixel format), 8-bit
            modes such as "P", "1", "LA" and "CMYK" are converted to RGB(A)
            or L first, and 16-bit/float modes raise ValueError.
        format: "jpeg" (default; "jpg" is accepted) or "png" (lossless: the
            exact pixels come back).
        quality: JPEG quality, 1..100. Default 90.
        subsampling: chroma subsampling, "444", "422", "420" (default), "440",
            "411" or "gray" (a grayscale JPEG). GRAY input always gives a
            grayscale JPEG.
        pixel_format: channel order of ``image``: "BGR" (OpenCV, default),
            "RGB", "BGRA", "RGBA" or "GRAY".
        fast_dct: use the faster, slightly less accurate integer DCT. It has
            no effect at quality 96 and above, where libjpeg-turbo 2.x always
            uses the accurate DCT (frame64 applies that rule on every version).
        progressive: write a progressive JPEG (smaller, slower).
        data_uri: prefix the result with "data:image/jpeg;base64," (or
            "data:image/png;base64,").
        compression: PNG only: 0 (stored) .. 9 (smallest, slowest); None
            means 1, the fast default (see frame64._png for the scale).
            Passing it with format="jpeg" is a ValueError. The JPEG options
            (quality, subsampling, fast_dct, progressive) are still checked
            with format="png" but have no effect.
        threads: threads for one large JPEG frame (default 1; None means
            all cores): a baseline JPEG is compressed in horizontal strips in
            parallel and stitched with restart markers, as
            ``Encoder(threads=...).encode`` does (same bytes; see Encoder).
            PNG is always encoded on one thread.

    Returns:
        The base64 text (RFC 4648, padded), as a str.

    Raises:
        TypeError: ``image`` is not uint8 pixels, or an option has the wrong type.
        ValueError: a wrong shape for ``pixel_format``, an empty image, a side
            over 65500 (libjpeg's limit) for JPEG or 2**31-1 for PNG, quality outside 1..100,
            compression outside 0..9 or given for JPEG, threads < 1, or an
            unknown option value.
    """
    image, pixel_format = _options.from_pil(image, pixel_format)  # a PIL image's mode sets its format
    image_format = _options.check_format(format)
    options = _options.jpeg_options(
        quality=quality,
        subsampling=subsampling,
        pixel_format=pixel_format,
        fast_dct=fast_dct,
        progressive=progressive,
        data_uri=data_uri,
    )
    thread_count = _encoder.resolve_threads(threads)
    if image_format == "png":
        return _png.encode_png(
            _impl, image, pixel_format=pixel_format, compression=compression, data_uri=data_uri
        )
    if compression is not None:
        raise ValueError("compression applies to format='png' only; use quality= for JPEG")
    array = _options.prepare_image(image, options.pixel_format)
    if thread_count > 1:
        return _encoder.encode_threaded(array, options, thread_count)
    return _impl.encode_jpeg(  # type: ignore[no-any-return]
        array, options.tjpf, options.quality, options.tjsamp, options.fast_dct, options.progressive, options.data_uri
    )


def __getattr__(name: str) -> Any:
    if name == "simd":
        # Read live: tests may switch the base64 kernel at run time.
        return _impl.simd()
    raise AttributeError(f"module 'frame64' has no attribute {name!r}")


__all__ = [
    "b64decode",
    "b64encode",
    "b64encode_str",
    "backend",
    "decode",
    "DecodeError",
    "encode",
    "Encoder",
    "MAX_PIXELS_DEFAULT",
    "PngDecodeError",
    "simd",
    "standard_b64decode",
    "standard_b64encode",
    "urlsafe_b64decode",
    "urlsafe_b64encode",
    "__version__",
]
