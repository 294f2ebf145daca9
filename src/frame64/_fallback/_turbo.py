"""The pure-Python backend's one PyTurboJPEG handle (a leaf: it imports nothing of frame64).

PyTurboJPEG loads libturbojpeg with ctypes once per ``TurboJPEG()``; its
calls release the GIL, so one shared instance serves every thread.
``encode`` and ``encode_from_yuv`` are the only places the backend
compresses, immune to the environment variables libjpeg-turbo reads
(``COMPRESS_ENVIRONMENT``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from typing import Any

_lock = threading.Lock()
_turbo: Any = None


def turbojpeg() -> Any:
    """The shared PyTurboJPEG instance, made on first use.

    Raises:
        ImportError: PyTurboJPEG is not installed (``pip install 'frame64[fallback]'``).
    """
    global _turbo
    if _turbo is None:
        with _lock:
            if _turbo is None:
                try:
                    from turbojpeg import TurboJPEG
                except ImportError as exc:
                    raise ImportError(
                        "frame64's pure-Python backend needs PyTurboJPEG: pip install 'frame64[fallback]'"
                    ) from exc
                _turbo = TurboJPEG()
    return _turbo


# The environment variables that change what libjpeg-turbo 2.x's compressor
# writes, or make it fail: tjCompress2 reads the TJ_* ones on every call, and
# libjpeg's memory manager reads JPEGMEM (a small limit makes progressive
# compression fail with "Backing store not supported"). libjpeg-turbo 3.x's
# TurboJPEG reads no TJ_* variable and resets the memory limit on every call
# (TJPARAM_MAXMEMORY), whichever API PyTurboJPEG uses. frame64._core reads
# none of them (cpp/jpeg/jpeg_encoder.cpp drives libjpeg directly).
# PyTurboJPEG can only call TurboJPEG, so while one of them is set, encode()
# and encode_from_yuv() run TurboJPEG in a child process whose environment lacks them, unless
# PyTurboJPEG is 2.x (which needs libjpeg-turbo 3.x); this process's
# environment is never changed. With PyTurboJPEG 1.8 the library may be 2.x
# or 3.x, and the child process is used for both. libjpeg-turbo's JSIMD_*
# variables only choose SIMD code, which writes the same bytes
# (tests/hardening/test_environment.py checks all of this).
COMPRESS_ENVIRONMENT = ("TJ_OPTIMIZE", "TJ_ARITHMETIC", "TJ_RESTART", "TJ_PROGRESSIVE", "JPEGMEM")

_CLEAN_CHILD = r"""
import json, sys
header = json.loads(sys.stdin.buffer.readline())
sys.path[:] = header["path"]
import numpy as np
from turbojpeg import TurboJPEG
pixels = np.frombuffer(sys.stdin.buffer.read(), np.uint8).reshape(header["shape"])
try:
    jpeg = getattr(TurboJPEG(), header["method"])(pixels, **header["options"])
except OSError as exc:
    sys.stderr.write(str(exc))
    sys.exit(3)
sys.stdout.buffer.write(jpeg)
"""


def compress_environment() -> list[str]:
    """The COMPRESS_ENVIRONMENT variables set (non-empty: libjpeg-turbo ignores empty ones) in this process."""
    return [name for name in COMPRESS_ENVIRONMENT if os.environ.get(name)]


def _reads_environment() -> bool:
    """Whether the loaded PyTurboJPEG may run on libjpeg-turbo 2.x (PyTurboJPEG 2.x needs 3.x)."""
    import turbojpeg as module

    major = str(getattr(module, "__version__", "1")).split(".")[0]
    return not (major.isdigit() and int(major) >= 2)


def encode(pixels: Any, quality: int, pixel_format: int, jpeg_subsample: int, flags: int) -> bytes:
    """``TurboJPEG.encode`` of a C-order uint8 array, whatever COMPRESS_ENVIRONMENT holds.

    With none of those variables set (or with PyTurboJPEG 2.x, on
    libjpeg-turbo 3.x, which reads none of them), the shared handle
    compresses in this process; otherwise a child process without them does
    (slow: it starts a Python interpreter, roughly 0.1 s).

    Raises:
        OSError: libjpeg-turbo's failure (its message), or the child process
            could not run.
    """
    return _compress("encode", pixels, dict(quality=quality, pixel_format=pixel_format,
                                            jpeg_subsample=jpeg_subsample, flags=flags))


def encode_from_yuv(buffer: Any, height: int, width: int, quality: int, jpeg_subsample: int, flags: int) -> bytes:
    """``TurboJPEG.encode_from_yuv`` of TurboJPEG's one-buffer YUV image (pad=4), as ``encode`` runs it.

    Raises:
        OSError: as ``encode``.
    """
    return _compress("encode_from_yuv", buffer, dict(height=height, width=width, quality=quality,
                                                     jpeg_subsample=jpeg_subsample, flags=flags))


def _compress(method: str, pixels: Any, options: dict[str, int]) -> bytes:
    """``getattr(TurboJPEG, method)(pixels, **options)`` here, or in a clean child process while one is set."""
    turbo = turbojpeg()
    overridden = compress_environment()
    if not overridden or not _reads_environment():
        return getattr(turbo, method)(pixels, **options)  # type: ignore[no-any-return]
    path = [entry for entry in sys.path if isinstance(entry, str)]  # so the child finds the same PyTurboJPEG
    header = json.dumps({"path": path, "method": method, "shape": list(pixels.shape), "options": options}).encode()
    header += b"\n"
    clean = {name: value for name, value in os.environ.items() if name not in COMPRESS_ENVIRONMENT}
    try:
        child: subprocess.CompletedProcess[bytes] = subprocess.run(
            [sys.executable, "-c", _CLEAN_CHILD], input=header + pixels.tobytes(), capture_output=True, env=clean
        )
    except OSError as exc:
        raise OSError(
            f"cannot compress without {', '.join(overridden)} (set in the environment, they change libjpeg-turbo's "
            f"output): starting {sys.executable!r} failed: {exc}"
        ) from None
    if child.returncode != 0:
        message = child.stderr.decode(errors="replace").strip().splitlines()
        raise OSError(message[-1] if message else f"compression in a child process failed ({child.returncode})")
    return child.stdout
