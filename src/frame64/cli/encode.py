"""``frame64 encode``: one base64 string (or data URI, or JSON line) per image or video frame."""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

import frame64

from .. import _formats, _options
from .common import PROG, InputError, UsageError, b64text, decode_pixels, note, png_has_alpha
from .progress import Progress

# Files that directories give: those frame64 decodes, and with --raw every image a browser shows.
IMAGE_SUFFIXES = frozenset(suffix for suffix, fmt in _formats.SUFFIXES.items() if fmt in _formats.FORMATS)
RAW_SUFFIXES = frozenset(_formats.SUFFIXES)
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp"})


@dataclass
class Item:
    """One thing to encode: a file, stdin, or a video (file or camera)."""

    name: str
    kind: str  # "file", "stdin", "video"
    source: Any  # Path, None, or the cv2.VideoCapture argument
    from_directory: bool = False


def _expand_inputs(paths: Sequence[str], raw: bool) -> list[Item]:
    items: list[Item] = []
    suffixes = RAW_SUFFIXES if raw else IMAGE_SUFFIXES
    if list(paths).count("-") > 1:
        raise UsageError("'-' (standard input) may be given only once")
    for text in paths:
        if text == "-":
            items.append(Item("<stdin>", "stdin", None))
            continue
        path = Path(text)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            items.extend(Item(str(p), "file", p, from_directory=True) for p in files)
        elif text.isdigit() and not path.exists():
            items.append(Item(f"camera:{text}", "video", int(text)))
        elif path.suffix.lower() in VIDEO_SUFFIXES:
            items.append(Item(text, "video", text))
        else:
            items.append(Item(text, "file", path))  # a missing file fails as an input, like cat
    return items


@dataclass
class EncodeSettings:
    format: str
    options: dict[str, Any]
    data_uri: bool
    raw: bool
    every: int
    max_frames: int | None
    threads: int | None


def _encode_options(args: argparse.Namespace, items: Sequence[Item]) -> EncodeSettings:
    """Validate the options once, with frame64's own checks, before any input is read.

    An option that would have no effect on these inputs is a usage error."""
    videos = any(item.kind == "video" for item in items)
    raw_only = args.raw and any(
        value is not None for value in (args.quality, args.subsampling, args.pixel_format, args.compression)
    )
    if raw_only:
        raise UsageError("--raw sends the file's bytes unchanged: it takes no --quality, --subsampling, "
                         "--pixel-format or --compression")
    if args.raw and args.format is not None:
        raise UsageError("--raw keeps each file's own format: it takes no --format")
    if args.raw and videos:
        raise UsageError("--raw sends image files unchanged; a video's frames are always encoded (drop --raw)")
    video_options = [flag for flag, value in (("--every", args.every), ("--max-frames", args.max_frames),
                                              ("--threads", args.threads)) if value is not None]
    if video_options and not videos:
        raise UsageError(f"{'/'.join(video_options)} applies to video and camera inputs only")
    if args.every is not None and args.every < 1:
        raise UsageError(f"--every must be at least 1, got {args.every}")
    if args.max_frames is not None and args.max_frames < 1:
        raise UsageError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.threads is not None and args.threads < 1:
        raise UsageError(f"--threads must be at least 1, got {args.threads}")
    png = str(args.format).lower() == "png"
    if png and (args.quality is not None or args.subsampling is not None):
        raise UsageError("--quality and --subsampling apply to JPEG output only (not --format png)")
    if png and args.threads is not None:
        raise UsageError("--threads applies to JPEG output only (PNG frames are encoded one by one)")
    if not png and not args.raw and str(args.pixel_format).upper() in ("BGRA", "RGBA"):
        raise UsageError(f"--pixel-format {args.pixel_format} keeps alpha only in PNG (add --format png); "
                         "JPEG has no alpha channel")
    options: dict[str, Any] = {"format": args.format or "jpeg"}
    for key in ("quality", "subsampling", "pixel_format", "compression"):
        value = getattr(args, key)
        if value is not None:
            options[key] = value
    settings = EncodeSettings(
        format=options["format"], options=options, data_uri=args.data_uri, raw=args.raw,
        every=args.every or 1, max_frames=args.max_frames, threads=args.threads,
    )
    if not args.raw:
        channels = _formats.CHANNELS.get(str(options.get("pixel_format", "BGR")).upper(), 3)
        probe = np.zeros(_formats.expected_shape(8, 8, channels), np.uint8)
        try:
            frame64.encode(probe, **options)
        except (TypeError, ValueError) as exc:
            flag = " (--compression applies to --format png)" if args.compression is not None and \
                str(options["format"]).lower() != "png" else ""
            raise UsageError(f"{exc}{flag}") from exc
        settings.format = _options.check_format(options["format"])
    return settings


def _record(name: str, text: str, width: int | None, height: int | None, fmt: str, data_uri: bool,
            extra: dict[str, Any] | None = None) -> str:
    record: dict[str, Any] = {"name": name, "width": width, "height": height, "format": fmt}
    if extra:
        record.update(extra)
    record["data_uri" if data_uri else "base64"] = text
    return json.dumps(record)


class Encoding:
    """Runs ``frame64 encode`` over its inputs, writing one line per image."""

    def __init__(self, settings: EncodeSettings, jsonl: bool, out: IO[str]) -> None:
        self.settings = settings
        self.jsonl = jsonl
        self.out = out

    def emit(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()  # a stream: every line is usable as soon as it is written

    def encode_bytes(self, name: str, data: bytes) -> None:
        info = _formats.image_info(data)
        settings = self.settings
        if settings.raw:
            if info is None:
                raise InputError("not a JPEG, PNG, GIF, WebP or BMP file")
            prefix = _formats.data_uri_prefix(info.format) if settings.data_uri else ""
            text = b64text(data, prefix)
            fmt, width, height = info.format, info.width, info.height
        else:
            if info is None or info.format not in _formats.FORMATS:
                raise InputError("not a JPEG or PNG file (pass --raw to base64 other images unchanged)")
            pixel_format = str(settings.options.get("pixel_format", "BGR")).upper()
            if info.format == "png" and pixel_format not in ("BGRA", "RGBA") and png_has_alpha(data):
                keep = "pass --pixel-format BGRA to keep it" if settings.format == "png" else "JPEG has none"
                note(f"{name}: its transparency (alpha) is dropped ({keep})")
            pixels = decode_pixels(data, pixel_format)
            text = frame64.encode(pixels, data_uri=settings.data_uri, **settings.options)
            fmt, height, width = settings.format, pixels.shape[0], pixels.shape[1]
        self.emit(_record(name, text, width, height, fmt, settings.data_uri) if self.jsonl else text)

    def encode_video(self, item: Item, progress_enabled: bool) -> None:
        try:
            import cv2
        except ImportError as exc:
            raise InputError("video input needs OpenCV: pip install 'frame64[video]'") from exc
        with contextlib.suppress(AttributeError):  # OpenCV's own warnings would add lines to a one-line error
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        capture = cv2.VideoCapture(item.source)
        try:
            if not capture.isOpened():
                raise InputError("cannot open this video or camera with OpenCV")
            count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))  # 0 or -1 for a camera
            total = None if count <= 0 else math.ceil(count / self.settings.every)
            if self.settings.max_frames is not None and total is not None:
                total = min(total, self.settings.max_frames)
            progress = Progress(total, progress_enabled, "frames")
            try:
                self._stream(capture, item.name, progress)
            finally:
                progress.close()
        finally:
            capture.release()

    def _stream(self, capture: Any, name: str, progress: Progress) -> None:
        settings = self.settings
        pixel_format = str(settings.options.get("pixel_format", "BGR")).upper()
        options = dict(settings.options, pixel_format=pixel_format, data_uri=settings.data_uri)
        selected: collections.deque[tuple[int, int, int]] = collections.deque()  # (index, width, height) in flight
        frames = self._selected_frames(capture, pixel_format, selected)
        texts: Iterator[str]
        if settings.format == "jpeg" and settings.threads != 1:
            # Frames are compressed on frame64's thread pool while the next ones are read;
            # results come back in order and equal frame64.encode's.
            texts = frame64.Encoder(threads=settings.threads, **options).imap(frames)
        else:
            texts = (frame64.encode(frame, **options) for frame in frames)
        emitted = 0
        for text in texts:
            index, width, height = selected.popleft()
            self.emit(_record(name, text, width, height, settings.format, settings.data_uri, {"frame": index}))
            emitted += 1
            progress.update()
        if emitted == 0:
            raise InputError("no frames could be read")

    def _selected_frames(self, capture: Any, pixel_format: str,
                         selected: collections.deque[tuple[int, int, int]]) -> Iterator[np.ndarray]:
        """Every n-th frame (up to --max-frames), converted; (index, width, height) goes to `selected`."""
        settings = self.settings
        count = 0
        index = 0
        while settings.max_frames is None or count < settings.max_frames:
            if not capture.grab():  # grab() skips the frames in between without decoding them
                return
            if index % settings.every == 0:
                ok, frame = capture.retrieve()
                if not ok:
                    raise InputError(f"frame {index} could not be decoded")
                selected.append((index, frame.shape[1], frame.shape[0]))
                yield _convert_bgr(frame, pixel_format)
                count += 1
            index += 1


def _convert_bgr(frame: np.ndarray, pixel_format: str) -> np.ndarray:
    """A BGR video frame in the layout pixel_format describes (OpenCV's conversions)."""
    import cv2

    codes = {"RGB": cv2.COLOR_BGR2RGB, "GRAY": cv2.COLOR_BGR2GRAY, "BGRA": cv2.COLOR_BGR2BGRA,
             "RGBA": cv2.COLOR_BGR2RGBA}
    return frame if pixel_format == "BGR" else np.asarray(cv2.cvtColor(frame, codes[pixel_format]))


def cmd_encode(args: argparse.Namespace) -> int:
    items = _expand_inputs(args.inputs, args.raw)
    settings = _encode_options(args, items)
    if not items:
        raise UsageError("no images to encode (directories are searched for "
                         f"{', '.join(sorted(RAW_SUFFIXES if settings.raw else IMAGE_SUFFIXES))} files)")
    jsonl = args.jsonl or any(item.kind == "video" for item in items)
    progress_enabled = args.progress and sys.stderr.isatty()
    directory_files = sum(item.from_directory for item in items)
    file_progress = Progress(len(items), progress_enabled and directory_files > 0, "images")
    runner = Encoding(settings, jsonl, sys.stdout)
    failures = 0

    def fail(name: str, message: str) -> None:
        nonlocal failures
        failures += 1
        file_progress.message(f"{PROG}: error: {name}: {message}")
        if not jsonl:
            runner.emit("")  # plain output keeps one line per input: an empty line for a failed one

    try:
        for item in items:
            try:
                if item.kind == "video":
                    runner.encode_video(item, progress_enabled)
                elif item.kind == "stdin":
                    runner.encode_bytes(item.name, sys.stdin.buffer.read())
                else:
                    runner.encode_bytes(item.name, _read_file(item.source))
            except InputError as exc:
                fail(item.name, str(exc))
                if args.fail_fast:
                    break
            if item.kind != "video":
                file_progress.update()
    finally:
        file_progress.close()
    return 1 if failures else 0


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
