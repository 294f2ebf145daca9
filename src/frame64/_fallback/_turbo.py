"""The pure-Python backend's one PyTurboJPEG handle (a leaf: it imports nothing of frame64).

PyTurboJPEG loads libturbojpeg with ctypes once per ``TurboJPEG()``; its
calls release the GIL, so one shared instance serves every thread.
"""

from __future__ import annotations

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
