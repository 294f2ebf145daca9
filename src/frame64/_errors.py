"""Exceptions shared by the compiled backend and the pure-Python fallback."""

from __future__ import annotations


class DecodeError(ValueError):
    """The data is not a decodable image: invalid base64, a malformed data URI,
    a truncated or corrupt JPEG, an unsupported format, or an image larger
    than ``max_pixels``. The message says which."""
