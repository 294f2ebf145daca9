"""``frame64 decode``: base64 text, a data URI or a JSON line back into an image file."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

import frame64

from .. import _formats
from .common import PROG, InputError, UsageError, decode_pixels

# The output file endings frame64 can write, and the format each asks for.
OUTPUT_FORMATS = {suffix: fmt for suffix, fmt in _formats.SUFFIXES.items() if fmt in _formats.FORMATS}


def _payload(text: str) -> tuple[str, str | None]:
    """(base64, declared mime type) from base64 text, a data URI or a JSONL record."""
    text = text.strip()
    if text.startswith("{"):
        try:
            record = json.loads(text.splitlines()[0])
        except (json.JSONDecodeError, IndexError) as exc:
            raise InputError(f"input looks like JSON but is not: {exc}") from exc
        text = str(record.get("data_uri") or record.get("base64") or "")
    mime = None
    if text[:5].lower() == "data:":
        header, comma, text = text.partition(",")
        if not comma or not header.lower().endswith(";base64"):
            raise InputError("a data URI must look like data:image/<type>;base64,<data>")
        mime = header[5:-7]
    return "".join(text.split()), mime  # MIME-wrapped base64: line breaks are not data


def cmd_decode(args: argparse.Namespace) -> int:
    target = "-" if args.output == "-" else OUTPUT_FORMATS.get(Path(args.output).suffix.lower())
    if target is None:
        raise UsageError(f"-o/--output must end in {', '.join(OUTPUT_FORMATS)} (or be '-'), got {args.output!r}")
    try:
        raw = sys.stdin.buffer.read() if args.input == "-" else Path(args.input).read_bytes()
        text = raw.decode("ascii", errors="replace")  # base64 is ASCII; anything else fails below
        encoded, _ = _payload(text)
        if not encoded:
            raise InputError("no base64 data in the input")
        try:
            data = base64.b64decode(encoded, validate=True)
        except ValueError as exc:  # binascii.Error, or a non-ASCII character
            raise InputError(f"not valid base64 ({exc})") from exc
        info = _formats.image_info(data)
        if info is None:
            raise InputError("the base64 does not hold a JPEG, PNG, GIF, WebP or BMP image")
        if target not in ("-", info.format):
            data = _convert(data, info.format, target, args)
        elif info.format in _formats.FORMATS:
            _check_image(data, args.input)  # written unchanged, but only if it is a valid image
        if args.output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            Path(args.output).write_bytes(data)
    except OSError as exc:
        raise InputError(f"{exc.filename or args.input}: {exc.strerror or exc}") from exc
    except InputError as exc:
        raise InputError(f"{args.input}: {exc}") from exc
    return 0


def _check_image(data: bytes, name: str) -> None:
    """Raise InputError for an image frame64 cannot decode; warn about one it decodes only leniently."""
    try:
        decode_pixels(data, "BGR", strict=True)
    except InputError as strict_error:
        decode_pixels(data, "BGR")  # raises if it does not decode at all
        print(f"{PROG}: warning: {name}: {strict_error} (written anyway, as most decoders read it)", file=sys.stderr)


def _convert(data: bytes, source: str, target: str, args: argparse.Namespace) -> bytes:
    """Re-encode an image in another format, through frame64's decoder and encoder."""
    if source not in _formats.FORMATS:
        raise InputError(f"converting {source.upper()} to {target.upper()} is not supported; write a .{source} file")
    pixels = decode_pixels(data, "BGRA" if source == "png" and target == "png" else "BGR")
    options: dict[str, Any] = {"format": target, "pixel_format": "BGR" if pixels.shape[2] == 3 else "BGRA"}
    if args.quality is not None:
        options["quality"] = args.quality
    try:
        text = frame64.encode(pixels, **options)
    except ValueError as exc:
        raise InputError(f"cannot write {target.upper()}: {exc}") from exc
    return base64.b64decode(text)
