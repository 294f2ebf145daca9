"""base64 for the pure-Python backend: the standard library's binascii (mirrors bind_base64.cpp).

The functions are bound at import, so assigning frame64's drop-ins into the
``base64`` or ``binascii`` module afterwards changes nothing here.
"""

from __future__ import annotations

from binascii import a2b_base64 as _a2b_base64
from binascii import b2a_base64 as _b2a_base64
from typing import Any

from .arrays import base64_str


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


RULES = ("stop", "stop+excess-check", "skip-inner")


def _probe_rules() -> str:
    """The '=' rules of this interpreter's binascii (the same probes as bind_base64.cpp's probe_pad_rules)."""
    if _a2b_base64(b"YQ==YQ==") != b"a":
        return "skip-inner"  # gh-145264: data after a closed quad is decoded
    try:
        _a2b_base64(b"YWJj=", strict_mode=True)
    except ValueError:
        return "stop+excess-check"  # gh-118314: a pad with no quad open is an error in strict mode
    return "stop"


_RULES = _probe_rules()


def binascii_rules() -> str:
    """The '=' rules of this interpreter's binascii.a2b_base64, which b64decode here simply calls."""
    return _RULES


def _set_binascii_rules(rules: str) -> None:
    """Accepts only this interpreter's own rules: the pure-Python backend is binascii itself."""
    if rules not in RULES:
        raise ValueError(f"rules must be one of {', '.join(map(repr, RULES))}, not {rules!r}")
    if rules != _RULES:
        raise ValueError(f"the {rules!r} rules need the compiled backend; this interpreter's binascii has {_RULES!r}")


def b64encode(data: Any, c62: int = 43, c63: int = 47) -> bytes:
    """Same contract as frame64._core.b64encode: chars 62 and 63 given as byte values."""
    if not (0 <= c62 <= 255 and 0 <= c63 <= 255):
        raise ValueError("altchars must be two bytes")
    encoded = _b2a_base64(data, newline=False)
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
    return _a2b_base64(data, strict_mode=strict)


def b64encode_str(data: Any, prefix: str = "") -> str:
    """Same contract as frame64._core.b64encode_str."""
    return base64_str(data, prefix)
