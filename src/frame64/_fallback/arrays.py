"""Array checks and str output shared by the fallback's modules (mirrors cpp/bindings/arrays.cpp)."""

from __future__ import annotations

import binascii
from typing import Any, Tuple

import numpy as np


def check_out(out: Any, shape: Tuple[int, ...]) -> np.ndarray:
    """``out`` as a plain ndarray, checked against the image's shape, with the core's messages."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray or None, got {type(out).__name__}")
    expected = str(shape)
    if out.dtype != np.uint8:
        raise ValueError(f"out must have dtype uint8 and shape {expected}; got dtype {out.dtype}")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}; this image needs {expected}")
    if not out.flags.c_contiguous:
        raise ValueError(f"out must be C-contiguous with shape {expected}; pass np.empty({expected}, np.uint8)")
    if not out.flags.writeable:
        raise ValueError(f"out is read-only; it must be a writable uint8 array of shape {expected}")
    return out.view(np.ndarray)


def base64_str(data: Any, prefix: str = "") -> str:
    """prefix + the base64 of ``data`` as a str (the core writes it straight into the str)."""
    return prefix + binascii.b2a_base64(data, newline=False).decode("ascii")
