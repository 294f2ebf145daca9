"""What the commands share: the program name, the two errors that choose the
exit status, and frame64's codecs on a file's bytes (on the backend
``frame64._backend.current()`` gives for this call)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def note(text: str) -> None:
    """A one-line note on stderr (a lossy conversion, an option that had no effect on an input)."""
    print(f"{PROG}: note: {text}", file=sys.stderr, flush=True)


def check_writable(option: str, path: str) -> None:
    """Raise UsageError unless path can be created or overwritten as a file: checked before any work,
    so that a mistyped output does not cost a whole run."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{option}: {path!r} is a directory; give a file name")
    check_directory(option, target.parent)
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"{option}: {path!r} is not writable")


def check_directory(option: str, folder: Path) -> None:
    """Raise UsageError unless files can be created in folder."""
    if not folder.is_dir():
        raise UsageError(f"{option}: the directory {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{option}: the directory {str(folder)!r} is not writable")


def write_output(path: str, data: bytes | str) -> None:
    """Write a result file; an OSError (disk full, permissions changed) becomes an InputError."""
    try:
        if isinstance(data, str):
            Path(path).write_text(data, encoding="utf-8")
        else:
            Path(path).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def check_frame_size(option: str, width: int, height: int, fmt: str = "jpeg") -> None:
    """Raise UsageError for a frame size frame64.encode would refuse (side and pixel limits), before
    the frame is made."""
    side = _formats.MAX_SIDE[fmt]
    if width > side or height > side:
        raise UsageError(f"{option}: {width}x{height} is too large; {fmt.upper()} holds at most {side} pixels per side")
    if width * height > frame64.MAX_PIXELS_DEFAULT:
        raise UsageError(f"{option}: {width}x{height} is {width * height} pixels, over frame64's limit of "
                         f"{frame64.MAX_PIXELS_DEFAULT}")


def png_has_alpha(data: bytes) -> bool:
    """Whether a PNG holds transparency: an alpha channel (IHDR colour type 4 or 6) or a tRNS chunk
    (PNG specification 11.2.2 and 11.3.2.1)."""
    if len(data) < 26 or data[12:16] != b"IHDR":
        return False
    if data[25] in (4, 6):
        return True
    at = 8
    while at + 8 <= len(data):  # chunks before the image data: length, type, data, CRC
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        if kind == b"tRNS":
            return True
        if kind == b"IDAT":
            return False
        at += 12 + length
    return False
