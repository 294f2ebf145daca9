"""``frame64 decode``: base64 text, data URIs or JSON lines back into image files.

The input holds one image or many: JSON lines (one image per line, as ``frame64 encode --jsonl``
writes them), one data URI or base64 string per line (as ``frame64 encode`` writes them), or one
base64 string or data URI wrapped over several lines (MIME style). ``-o`` is a file (one image),
``-`` (standard output, one image), a directory, or a pattern with placeholders (see OUTPUT_HELP).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frame64

from .. import _formats, _options
from .common import PROG, InputError, UsageError, check_directory, check_writable, decode_pixels, note, png_has_alpha, write_output

# The output file endings frame64 can write, and the format each asks for.
OUTPUT_FORMATS = {suffix: fmt for suffix, fmt in _formats.SUFFIXES.items() if fmt in _formats.FORMATS}
# {ext} in a pattern: each image keeps its own format, under this file ending.
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp", "bmp": "bmp"}
PLACEHOLDERS = ("index", "name", "ext")
DIRECTORY_PATTERN = "{name}.{ext}"

OUTPUT_HELP = (
    "where to write: an image file (.png, .jpg; one image), - (standard output; one image), an existing "
    "directory (each image as NAME.EXT in its own format), or a pattern with {index} (0, 1, ... in input "
    "order), {name} (the JSON record's name without folder and extension, plus -FRAME for a video frame; "
    "else the input file's name, plus -INDEX when it holds several images) and {ext} (jpg, png, ...: the "
    "image's own format), e.g. 'out/{name}.{ext}' or 'frame-{index}.png'"
)


@dataclass
class Record:
    """One image to write: where it came from (for messages and {name}) and its text."""

    index: int
    where: str  # "lines.jsonl:3", or the input's name when it holds one image
    name: str | None  # the JSON record's name (with -FRAME), if any
    text: str | None  # base64 or a data URI; None when the line could not be read
    error: str | None = None


@dataclass
class Output:
    """What -o means: a fixed file, stdout, or a pattern; and the format it asks for (None: the image's own)."""

    pattern: str  # a str.format pattern over PLACEHOLDERS, or the file name, or "-"
    target: str | None
    fixed: bool  # one file name (or "-") for every image


def parse_output(option: str) -> Output:
    """Check -o/--output before the input is read."""
    if option == "-":
        return Output("-", None, True)
    if not option.strip():
        raise UsageError("-o/--output is empty")
    path = Path(option)
    if path.is_dir() or option.endswith(("/", "\\")):
        check_directory("-o/--output", path)
        folder = str(path).replace("{", "{{").replace("}", "}}")  # a directory's name is not a pattern
        return Output(str(Path(folder) / DIRECTORY_PATTERN), None, False)
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(option) if field is not None]
        unknown = sorted(set(fields) - set(PLACEHOLDERS))
        if unknown:
            raise UsageError(f"-o/--output: unknown placeholder {{{unknown[0]}}} (use {{index}}, {{name}}, {{ext}})")
        option.format(index=0, name="x", ext="png")
    except (ValueError, IndexError, KeyError) as exc:
        raise UsageError(f"-o/--output: not a valid pattern ({exc}); write {{{{ and }}}} for braces") from exc
    suffix = path.suffix.lower()
    if suffix == ".{ext}":
        target = None
    elif suffix in OUTPUT_FORMATS:
        target = OUTPUT_FORMATS[suffix]
    else:
        raise UsageError(f"-o/--output must end in {', '.join(OUTPUT_FORMATS)} or .{{ext}} (or be '-' or a "
                         f"directory), got {option!r}")
    if not fields:
        check_writable("-o/--output", option)
    elif "{" not in str(path.parent):
        check_directory("-o/--output", path.parent)
    return Output(option, target, not fields)


def read_records(text: str, source: str) -> list[Record]:
    """The images in the input text: JSON lines, one image per line, or one (possibly wrapped) image."""
    stem = "stdin" if source == "-" else Path(source).stem
    label = "<stdin>" if source == "-" else source
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if text.lstrip().startswith("{"):
        records = [_json_record(index, f"{label}:{number}", line) for index, (number, line) in enumerate(lines)]
    elif len(lines) > 1 and all(_starts_an_image(line) for _, line in lines):
        records = [Record(index, f"{label}:{number}", None, line) for index, (number, line) in enumerate(lines)]
    else:
        records = [Record(0, label, None, text)]
    for record in records:
        if record.name is None:
            record.name = stem if len(records) == 1 else f"{stem}-{record.index}"
    return records


def _json_record(index: int, where: str, line: str) -> Record:
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return Record(index, where, None, None, f"input looks like JSON but this line is not a JSON object: {exc}")
    name = record.get("name")
    if isinstance(name, str) and name:
        name = Path(name.replace("\\", "/")).stem or None
        if name is not None and isinstance(record.get("frame"), int):
            name += f"-{record['frame']}"
    else:
        name = None
    return Record(index, where, name, str(record.get("data_uri") or record.get("base64") or ""))


def _starts_an_image(line: str) -> bool:
    """Whether one line is an image by itself: a data URI, or base64 starting with an image's magic bytes."""
    if line[:5].lower() == "data:":
        return True
    try:
        head = base64.b64decode(line[:16], validate=True)
    except (binascii.Error, ValueError):
        return False
    return _formats.image_info(head + bytes(32)) is not None


def _payload(text: str) -> str:
    """The base64 of base64 text or a data URI."""
    text = text.strip()
    if text[:5].lower() == "data:":
        header, comma, text = text.partition(",")
        if not comma or not header.lower().endswith(";base64"):
            raise InputError("a data URI must look like data:image/<type>;base64,<data>")
    return "".join(text.split())  # MIME-wrapped base64: line breaks are not data


def cmd_decode(args: argparse.Namespace) -> int:
    output = parse_output(args.output)
    if args.quality is not None:
        try:
            _options.check_quality(args.quality)
        except ValueError as exc:
            raise UsageError(f"--quality: {exc}") from exc
        if output.target != "jpeg":
            raise UsageError("--quality applies only when writing JPEG (-o ending in .jpg or .jpeg)")
    try:
        raw = sys.stdin.buffer.read() if args.input == "-" else Path(args.input).read_bytes()
    except OSError as exc:
        raise InputError(f"{args.input}: {exc.strerror or exc}") from exc
    records = read_records(raw.decode("ascii", errors="replace"), args.input)  # base64 is ASCII
    paths = _output_paths(records, output)
    failures = 0
    for record, path in zip(records, paths):
        try:
            _write_record(record, path, output.target, args.quality)
        except InputError as exc:
            failures += 1
            print(f"{PROG}: error: {record.where}: {exc}", file=sys.stderr, flush=True)
            if args.fail_fast:
                break
    return 1 if failures else 0


def _output_paths(records: list[Record], output: Output) -> list[str]:
    """The file each image goes to; a usage error (before anything is written) when two share one."""
    if output.fixed:
        if len(records) > 1:
            where = "standard output" if output.pattern == "-" else f"-o {output.pattern!r}"
            raise UsageError(f"the input holds {len(records)} images and {where} takes one; give a directory or "
                             "a pattern such as 'image-{index}.png' or 'out/{name}.{ext}'")
        return [output.pattern]
    paths: list[str] = []
    owners: dict[str, Record] = {}
    for record in records:
        ext = EXTENSIONS.get(_declared_format(record) or "", "{ext}")
        path = output.pattern.replace("{ext}", "\0").format(index=record.index, name=record.name).replace("\0", ext)
        if path in owners and "{ext}" not in path:
            raise UsageError(f"{owners[path].where} and {record.where} would both be written to {path!r}; "
                             "put {index} in the -o pattern")
        owners[path] = record
        paths.append(path)
    return paths


def _declared_format(record: Record) -> str | None:
    """The image format of a record, from the start of its base64 (None when it cannot be read)."""
    if record.text is None:
        return None
    try:
        head = base64.b64decode(_payload(record.text)[:64], validate=True)
    except (InputError, binascii.Error, ValueError):
        return None
    info = _formats.image_info(head)
    return None if info is None else info.format


def _write_record(record: Record, path: str, target: str | None, quality: int | None) -> None:
    if record.error is not None or record.text is None:
        raise InputError(record.error or "no data")
    encoded = _payload(record.text)
    if not encoded:
        raise InputError("no base64 data in the input")
    try:
        data = base64.b64decode(encoded, validate=True)
    except ValueError as exc:  # binascii.Error, or a non-ASCII character
        raise InputError(f"not valid base64 ({exc})") from exc
    info = _formats.image_info(data)
    if info is None:
        raise InputError("the base64 does not hold a JPEG, PNG, GIF, WebP or BMP image")
    if "{ext}" in path:  # a pattern's {ext} for a record whose format only the whole data shows
        path = path.replace("{ext}", EXTENSIONS[info.format])
    if target is not None and target != info.format:
        data = _convert(data, info.format, target, quality, record.where)
    else:
        if quality is not None:
            note(f"{record.where}: already JPEG, written unchanged (--quality applies to conversions only)")
        if info.format in _formats.FORMATS:
            _check_image(data, record.where)  # written unchanged, but only if it is a valid image
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(path, data)


def _check_image(data: bytes, name: str) -> None:
    """Raise InputError for an image frame64 cannot decode; warn about one it decodes only leniently."""
    try:
        decode_pixels(data, "BGR", strict=True)
    except InputError as strict_error:
        decode_pixels(data, "BGR")  # raises if it does not decode at all
        print(f"{PROG}: warning: {name}: {strict_error} (written anyway, as most decoders read it)", file=sys.stderr)


def _convert(data: bytes, source: str, target: str, quality: int | None, where: str) -> bytes:
    """Re-encode an image in another format, through frame64's decoder and encoder."""
    if source not in _formats.FORMATS:
        raise InputError(f"converting {source.upper()} to {target.upper()} is not supported; write a .{source} file")
    if source == "png" and png_has_alpha(data):
        note(f"{where}: its transparency (alpha) is dropped (JPEG has none)")
    pixels = decode_pixels(data, "BGR")
    options: dict[str, Any] = {"format": target}
    if quality is not None:
        options["quality"] = quality
    try:
        text = frame64.encode(pixels, **options)
    except ValueError as exc:
        raise InputError(f"cannot write {target.upper()}: {exc}") from exc
    return base64.b64decode(text)
