"""What the commands share: the program name, the two errors that choose the
exit status, and frame64's codecs on a file's bytes (on the backend
``frame64._backend.current()`` gives for this call)."""

from __future__ import annotations

import numpy as np

import frame64

from .. import _backend, _formats

PROG = "frame64"


class UsageError(Exception):
    """A bad command line: reported with exit status 2."""


class InputError(Exception):
    """One input could not be processed: reported with exit status 1."""


def b64text(data: bytes, prefix: str = "") -> str:
    """prefix + base64 of data, through frame64's codec."""
    return _backend.current().b64encode_str(data, prefix)  # type: ignore[no-any-return]


def decode_pixels(data: bytes, pixel_format: str, strict: bool = False) -> np.ndarray:
    """The pixels of a JPEG or PNG file's bytes, decoded by frame64 (the backend's raw-bytes
    entry point: frame64.decode takes base64, which a file would need first), upright as
    their EXIF Orientation says; a JPEG that would come back partly made up raises."""
    strictness = _formats.STRICT if strict else _formats.DEFAULT_STRICTNESS
    try:
        return _backend.current().decode_image_bytes(  # type: ignore[no-any-return]
            data, _formats.TJPF[pixel_format], None, frame64.MAX_PIXELS_DEFAULT, strictness, True
        )
    except ValueError as exc:  # frame64.DecodeError is a ValueError
        raise InputError(str(exc)) from exc
