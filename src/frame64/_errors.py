"""Every exception frame64 raises of its own, for both backends.

They are defined here once: the C++ core raises them by name
(cpp/bindings/errors.cpp imports this module) and the fallback raises the same
classes with the same messages.
"""

from __future__ import annotations


class DecodeError(ValueError):
    """The data is not a decodable image: invalid base64, a malformed data URI,
    a truncated or corrupt JPEG, an unsupported format, or an image larger
    than ``max_pixels``. The message says which."""


class PngError(ValueError):
    """A PNG could not be written or read (too large, corrupt, truncated)."""


class PngDecodeError(DecodeError, PngError):
    """A PNG that cannot be decoded: corrupt, truncated, unsupported or over max_pixels."""


class JpegDecodeError(DecodeError):
    """A JPEG that cannot be decoded: corrupt, truncated (so that pixels would
    be made up), unsupported or over max_pixels."""


class JpegError(RuntimeError):
    """libjpeg-turbo failed to compress a frame (for example, out of memory)."""


__all__ = ["DecodeError", "JpegDecodeError", "JpegError", "PngDecodeError", "PngError"]
