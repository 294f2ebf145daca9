"""The ``frame64`` command (also ``python -m frame64``).

Subcommands: ``encode``, ``decode``, ``demo`` (the default), ``bench``.
Conventions: results go to stdout and nothing else does; messages, errors and
progress bars go to stderr. Exit status 0 on success, 1 when an input failed
(after trying the others, unless ``--fail-fast``), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import functools
import html
import json
import math
import os
import statistics
import struct
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import numpy as np

import frame64

from . import _backend, _formats, _options
from ._sample import camera_frame

PROG = "frame64"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png"})
RAW_SUFFIXES = IMAGE_SUFFIXES | {".gif", ".webp", ".bmp"}
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp"})
MIME = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp", "bmp": "image/bmp"}
OUTPUT_FORMATS = {".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png"}
BENCH_SIZES = ((480, 640), (1080, 1920), (2160, 3840))
NAIVE_PATHS = ("cv2.imencode + base64", "PIL + base64")  # what people write today


class UsageError(Exception):
    """A bad command line: reported with exit status 2."""


class InputError(Exception):
    """One input could not be processed: reported with exit status 1."""


# --------------------------------------------------------------------------
# Image bytes: format sniffing and sizes read from the headers


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int | None
    height: int | None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first SOFn segment (ITU T.81, B.2.2), if found."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # standalone markers
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and pos + 9 <= len(data):
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return width, height
        pos += 2 + length
    return None


def image_info(data: bytes) -> ImageInfo | None:
    """The format of an encoded image (from its magic bytes) and its size where cheap to read."""
    if data.startswith(b"\xff\xd8\xff"):
        size = _jpeg_size(data)
        return ImageInfo("jpeg", *(size or (None, None)))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack_from(">II", data, 16)
            return ImageInfo("png", width, height)
        return ImageInfo("png", None, None)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack_from("<HH", data, 6) if len(data) >= 10 else (None, None)
        return ImageInfo("gif", width, height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageInfo("webp", None, None)
    if data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack_from("<ii", data, 18)
        return ImageInfo("bmp", width, abs(height))
    return None


# --------------------------------------------------------------------------
# frame64's codecs on bytes


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


# --------------------------------------------------------------------------
# Progress on stderr (only when stderr is a terminal)


class Progress:
    """A progress bar on stderr: tqdm when installed, else a one-line counter."""

    def __init__(self, total: int | None, enabled: bool, unit: str) -> None:
        self._bar: Any = None
        self._enabled = enabled
        self._count = 0
        self._total = total
        self._unit = unit
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self._bar = tqdm(total=total, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(self) -> None:
        self._count += 1
        if self._bar is not None:
            self._bar.update(1)
        elif self._enabled:
            total = f"/{self._total}" if self._total else ""
            sys.stderr.write(f"\r{PROG}: {self._count}{total} {self._unit}")
            sys.stderr.flush()

    def message(self, text: str) -> None:
        """Print a line on stderr without breaking the bar."""
        if self._bar is not None:
            self._bar.write(text, file=sys.stderr)
            return
        if self._enabled and self._count:
            sys.stderr.write("\r\x1b[K")
        print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._enabled and self._count:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


# --------------------------------------------------------------------------
# encode


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


def _encode_options(args: argparse.Namespace) -> EncodeSettings:
    """Validate the options once, with frame64's own checks, before any input is read."""
    raw_only = args.raw and any(
        value is not None for value in (args.quality, args.subsampling, args.pixel_format, args.compression)
    )
    if raw_only:
        raise UsageError("--raw sends the file's bytes unchanged: it takes no --quality, --subsampling, "
                         "--pixel-format or --compression")
    if args.raw and args.format is not None:
        raise UsageError("--raw keeps each file's own format: it takes no --format")
    if args.every < 1:
        raise UsageError(f"--every must be at least 1, got {args.every}")
    if args.max_frames is not None and args.max_frames < 1:
        raise UsageError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.threads is not None and args.threads < 1:
        raise UsageError(f"--threads must be at least 1, got {args.threads}")
    options: dict[str, Any] = {"format": args.format or "jpeg"}
    for key in ("quality", "subsampling", "pixel_format", "compression"):
        value = getattr(args, key)
        if value is not None:
            options[key] = value
    settings = EncodeSettings(
        format=options["format"], options=options, data_uri=args.data_uri, raw=args.raw,
        every=args.every, max_frames=args.max_frames, threads=args.threads,
    )
    if not args.raw:
        channels = _formats.CHANNELS.get(str(options.get("pixel_format", "BGR")).upper(), 3)
        probe = np.zeros((8, 8, channels) if channels > 1 else (8, 8), np.uint8)
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

    def _emit(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()  # a stream: every line is usable as soon as it is written

    def encode_bytes(self, name: str, data: bytes) -> None:
        info = image_info(data)
        settings = self.settings
        if settings.raw:
            if info is None:
                raise InputError("not a JPEG, PNG, GIF, WebP or BMP file")
            prefix = f"data:{MIME[info.format]};base64," if settings.data_uri else ""
            text = b64text(data, prefix)
            fmt, width, height = info.format, info.width, info.height
        else:
            if info is None or info.format not in ("jpeg", "png"):
                raise InputError("not a JPEG or PNG file (pass --raw to base64 other images unchanged)")
            pixels = decode_pixels(data, settings.options.get("pixel_format", "BGR"))
            text = frame64.encode(pixels, data_uri=settings.data_uri, **settings.options)
            fmt, height, width = settings.format, pixels.shape[0], pixels.shape[1]
        self._emit(_record(name, text, width, height, fmt, settings.data_uri) if self.jsonl else text)

    def encode_video(self, item: Item, progress_enabled: bool) -> None:
        try:
            import cv2
        except ImportError as exc:
            raise InputError("video input needs OpenCV: pip install 'frame64[video]'") from exc
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
            self._emit(_record(name, text, width, height, settings.format, settings.data_uri, {"frame": index}))
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
    settings = _encode_options(args)
    items = _expand_inputs(args.inputs, settings.raw)
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


# --------------------------------------------------------------------------
# decode


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
        info = image_info(data)
        if info is None:
            raise InputError("the base64 does not hold a JPEG, PNG, GIF, WebP or BMP image")
        if target not in ("-", info.format):
            data = _convert(data, info.format, target, args)
        elif info.format in ("jpeg", "png"):
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
    if source not in ("jpeg", "png"):
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


# --------------------------------------------------------------------------
# demo and bench: backends and peers, timed by interleaved medians


@contextlib.contextmanager
def using_backend(module: ModuleType) -> Iterator[None]:
    """Run frame64.encode on the given backend module (single-threaded use only)."""
    with _backend.use(module):
        yield


def available_backends() -> dict[str, ModuleType]:
    """The backends this installation can run: {"cpp": _core, "python": _fallback}."""
    backends = _backend.available()
    fallback = backends.get("python")
    if fallback is not None:
        try:
            fallback._turbo.turbojpeg()
        except (ImportError, OSError, RuntimeError):
            del backends["python"]  # PyTurboJPEG or its libturbojpeg is missing
    return backends


def interleaved_medians(contenders: Mapping[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds per call, the contenders taking turns so drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_index in range(repeat):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            contenders[name]()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def jpeg_peers(frame: np.ndarray, quality: int) -> dict[str, Callable[[], str]]:
    """The naive and the fast non-frame64 ways to make a base64 JPEG, for those installed."""
    peers: dict[str, Callable[[], str]] = {}
    b64: Callable[[bytes], str] = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    fast_b64 = b64
    fast_name = "base64"
    with contextlib.suppress(ImportError):
        import pybase64

        fast_b64, fast_name = pybase64.b64encode_as_string, "pybase64"
    with contextlib.suppress(ImportError):
        import cv2

        params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
                  cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]
        peers["cv2.imencode + base64"] = lambda: b64(cv2.imencode(".jpg", frame, params)[1].tobytes())
    with contextlib.suppress(ImportError):
        import io

        from PIL import Image

        def pil() -> str:
            buffer = io.BytesIO()
            Image.fromarray(frame[:, :, ::-1]).save(buffer, "JPEG", quality=quality, subsampling=2)
            return b64(buffer.getvalue())

        peers["PIL + base64"] = pil
    with contextlib.suppress(ImportError, OSError, RuntimeError):
        from turbojpeg import TJFLAG_ACCURATEDCT, TJPF_BGR, TJSAMP_420, TurboJPEG

        turbo = TurboJPEG()

        def turbojpeg(encode_b64: Callable[[bytes], str]) -> Callable[[], str]:
            return lambda: encode_b64(turbo.encode(frame, quality, TJPF_BGR, TJSAMP_420, TJFLAG_ACCURATEDCT))

        peers["PyTurboJPEG + base64"] = turbojpeg(b64)
        if fast_name == "pybase64":
            peers["PyTurboJPEG + pybase64"] = turbojpeg(fast_b64)
    with contextlib.suppress(ImportError):
        import simplejpeg

        peers[f"simplejpeg + {fast_name}"] = lambda: fast_b64(
            simplejpeg.encode_jpeg(frame, quality, colorspace="BGR", colorsubsampling="420")
        )
    return peers


def png_peers(frame: np.ndarray) -> dict[str, Callable[[], str]]:
    """The usual ways to make a base64 PNG, for those installed."""
    peers: dict[str, Callable[[], str]] = {}
    b64: Callable[[bytes], str] = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    with contextlib.suppress(ImportError):
        import cv2

        def cv2_png(level: int) -> Callable[[], str]:
            return lambda: b64(cv2.imencode(".png", frame, [cv2.IMWRITE_PNG_COMPRESSION, level])[1].tobytes())

        for level in (1, 3):
            peers[f"cv2.imencode png{level} + base64"] = cv2_png(level)
    with contextlib.suppress(ImportError):
        import io

        from PIL import Image

        def pil(level: int) -> Callable[[], str]:
            def run() -> str:
                buffer = io.BytesIO()
                Image.fromarray(frame[:, :, ::-1]).save(buffer, "PNG", compress_level=level)
                return b64(buffer.getvalue())

            return run

        for level in (1, 6):
            peers[f"PIL png{level} + base64"] = pil(level)
    return peers


def frame64_contenders(frame: np.ndarray, options: dict[str, Any]) -> dict[str, Callable[[], str]]:
    contenders: dict[str, Callable[[], str]] = {}
    for name, module in available_backends().items():

        def run(module: ModuleType = module) -> str:
            with using_backend(module):
                return frame64.encode(frame, **options)

        contenders[f"frame64 ({name})"] = run
    return contenders


def check_output(name: str, text: str, fmt: str, frame: np.ndarray) -> int:
    """The size in bytes of a contender's image, after checking it is the right one."""
    data = base64.b64decode(text, validate=True)
    info = image_info(data)
    expected = (fmt, frame.shape[1], frame.shape[0])
    if info is None or (info.format, info.width, info.height) != expected:
        raise RuntimeError(f"{name} produced a wrong image: {info} instead of {expected}")
    return len(data)


def _repeat_for(seconds: float, requested: int | None) -> int:
    if requested is not None:
        return requested
    return max(5, min(51, int(0.25 / max(seconds, 1e-6))))


def cmd_bench(args: argparse.Namespace) -> int:
    sizes = _parse_sizes(args.sizes)
    fmt = _options.check_format(args.format) if args.format != "png" else "png"
    options: dict[str, Any] = {"format": fmt, "quality": args.quality} if fmt == "jpeg" else {"format": fmt}
    try:
        frame64.encode(camera_frame(8, 8), **options)
    except ValueError as exc:
        raise UsageError(f"--format {fmt}: {exc}") from exc
    if args.repeat is not None and args.repeat < 1:
        raise UsageError(f"--repeat must be at least 1, got {args.repeat}")
    plot = _plot_module() if args.plot else None
    results: dict[str, dict[tuple[int, int], float]] = {}
    sizes_kb: dict[str, dict[tuple[int, int], int]] = {}
    for height, width in sizes:
        frame = camera_frame(height, width)
        contenders = frame64_contenders(frame, options)
        contenders.update(jpeg_peers(frame, args.quality) if fmt == "jpeg" else png_peers(frame))
        first = {}
        for name, run in contenders.items():  # warm-up, check, and a first timing for the repeat count
            start = time.perf_counter()
            text = run()
            first[name] = time.perf_counter() - start
            sizes_kb.setdefault(name, {})[(height, width)] = check_output(name, text, fmt, frame)
        repeat = _repeat_for(max(first.values()), args.repeat)
        print(f"{width}x{height}: {len(contenders)} contenders x {repeat} interleaved runs", file=sys.stderr)
        for name, seconds in interleaved_medians(contenders, repeat).items():
            results.setdefault(name, {})[(height, width)] = seconds
    print(_bench_table(results, sizes_kb, sizes, fmt))
    if plot is not None:
        _plot(plot, results, sizes, args.plot)
        print(f"{PROG}: wrote {args.plot}", file=sys.stderr)
    return 0


def _parse_sizes(text: str | None) -> list[tuple[int, int]]:
    if text is None:
        return list(BENCH_SIZES)
    sizes = []
    for part in text.split(","):
        try:
            width, height = (int(v) for v in part.lower().split("x"))
        except ValueError:
            raise UsageError(f"--sizes takes WIDTHxHEIGHT[,...], got {part!r}") from None
        if not (1 <= width <= 65535 and 1 <= height <= 65535):
            raise UsageError(f"--sizes: {part!r} is out of range 1..65535")
        sizes.append((height, width))
    return sizes


def _bench_table(results: dict[str, dict[tuple[int, int], float]], sizes_bytes: dict[str, dict[tuple[int, int], int]],
                 sizes: list[tuple[int, int]], fmt: str) -> str:
    reference = next((name for name in results if name.startswith("frame64")), next(iter(results)))
    width = max(len(name) for name in results) + 2
    lines = [
        f"{fmt.upper()} encode + base64 of a camera-like BGR frame: median ms per frame, "
        f"x = time / {reference}, KiB of the image",
        " " * width + "".join(f"{f'{w}x{h}':>26}" for h, w in sizes),
        " " * width + "".join(f"{'ms':>10} {'x':>7} {'KiB':>7}" for _ in sizes),
    ]
    for name, per_size in results.items():
        cells = "".join(
            f"{per_size[s] * 1e3:>10.2f} {per_size[s] / results[reference][s]:>6.2f}x {sizes_bytes[name][s] / 1024:>7.0f}"
            for s in sizes
        )
        lines.append(f"{name:{width}}{cells}")
    return "\n".join(lines)


def _plot_module() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install matplotlib") from None
    return pyplot


def _plot(pyplot: Any, results: dict[str, dict[tuple[int, int], float]], sizes: list[tuple[int, int]],
          path: str) -> None:
    figure, axes = pyplot.subplots(figsize=(10, 5))
    bar = 0.8 / len(results)
    for index, (name, per_size) in enumerate(results.items()):
        positions = [i + index * bar for i in range(len(sizes))]
        axes.bar(positions, [per_size[s] * 1e3 for s in sizes], bar, label=name)
    axes.set_xticks([i + 0.4 - bar / 2 for i in range(len(sizes))], [f"{w}x{h}" for h, w in sizes])
    axes.set_yscale("log")
    axes.set_ylabel("median ms per frame (log scale)")
    axes.set_title(f"frame64 {frame64.__version__} bench ({frame64.backend} backend, simd {frame64.simd})")
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


DEMO_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>frame64 demo</title>
<style>body{{font-family:sans-serif;margin:1em}} img{{max-width:100%;height:auto;border:1px solid #888}}</style></head>
<body>
<h1>frame64 demo</h1>
<p>The picture below is an <code>&lt;img&gt;</code> whose <code>src</code> is the {length:,}-character
data URI that <code>frame64.encode(frame, data_uri=True)</code> returned for a {width}x{height} frame
(backend {backend}, base64 kernel {simd}). No image file is involved.</p>
<img id="frame" alt="frame64 demo frame" width="{width}" height="{height}" src="{uri}">
<p>{summary}</p>
</body></html>
"""


def cmd_demo(args: argparse.Namespace) -> int:
    height, width = args.height, args.width
    frame = camera_frame(height, width)
    print(f"{PROG} {frame64.__version__} (backend={frame64.backend}, simd={frame64.simd}): a {width}x{height} "
          "camera-like BGR frame -> JPEG data URI (quality 90, 4:2:0)")
    contenders = frame64_contenders(frame, {"data_uri": True})
    strings = {name: run() for name, run in contenders.items()}  # also the warm-up
    uri = strings[f"frame64 ({frame64.backend})"]
    for name in ("cpp", "python"):
        text = strings.get(f"frame64 ({name})")
        if text is None:
            note = ("not built (the C++ extension is missing)" if name == "cpp"
                    else "unavailable (pip install 'frame64[fallback]')")
        elif name == "python" and "frame64 (cpp)" in strings:
            note = "the same string as cpp" if text == strings["frame64 (cpp)"] else "A DIFFERENT STRING"
        else:
            note = f"{len(text):,}-char data URI"
        print(f"  backend {name:<7} {note}")
    raw_chars = len(base64.b64encode(frame.tobytes()))
    print(f"  (base64.b64encode(frame) would give {raw_chars:,} chars of raw pixels, with no size or "
          "format: no browser can show them)")
    if len(set(strings.values())) > 1:
        print(f"{PROG}: error: the C++ and Python backends gave different strings", file=sys.stderr)
        return 1
    _show_round_trips(frame, uri)
    naive = {name: run for name, run in jpeg_peers(frame, 90).items() if name in NAIVE_PATHS}
    for name, run in naive.items():
        contenders[name] = functools.partial(_as_data_uri, run)
        contenders[name]()  # warm-up
    medians = interleaved_medians(contenders, args.repeat)
    reference = f"frame64 ({frame64.backend})"
    print(f"timing (median of {args.repeat} interleaved runs; x = time / {reference}):")
    for name, seconds in medians.items():
        print(f"  {name:<26}{seconds * 1e3:8.2f} ms  {seconds / medians[reference]:5.2f}x")
    if not naive:
        print("  (no standard path to compare with: install opencv-python-headless or pillow)")
    summary = html.escape(", ".join(f"{name}: {seconds * 1e3:.2f} ms" for name, seconds in medians.items()))
    page = DEMO_PAGE.format(length=len(uri), width=width, height=height, backend=frame64.backend,
                            simd=frame64.simd, uri=uri, summary=summary)
    Path(args.output).write_text(page, encoding="utf-8")
    print(f"wrote {args.output}: open it in a browser; the frame it shows comes from the data URI")
    return 0


def _show_round_trips(frame: np.ndarray, uri: str) -> None:
    """Decode the JPEG (lossy) and a PNG (exact) back, to show the string holds the image."""
    back = frame64.decode(uri)
    error = np.abs(back.astype(np.int16) - frame).mean()
    print(f"  frame64.decode(uri) gives the {back.shape[1]}x{back.shape[0]} frame back "
          f"(JPEG is lossy: mean error {error:.2f} levels of 255)")
    png = frame64.encode(frame, format="png", data_uri=True)
    exact = np.array_equal(frame64.decode(png), frame)
    print(f"  format='png': a {len(png):,}-char data URI that decodes to {'exactly' if exact else 'NOT'} the same pixels")
    if not exact:
        raise InputError("the PNG round trip changed the frame")


def _as_data_uri(run: Callable[[], str]) -> str:
    return "data:image/jpeg;base64," + run()


# --------------------------------------------------------------------------
# the parser


def version_text() -> str:
    extra = ""
    if frame64.backend == "cpp":
        from . import _core

        extra = f", libturbojpeg {_core.turbojpeg_version}"
    return f"{PROG} {frame64.__version__} (backend {frame64.backend}, simd {frame64.simd}{extra})"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version, backend and SIMD kernel, and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(version_text())
        parser.exit()


def _jpeg_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quality", type=int, help="JPEG quality 1..100 (default 90)")
    parser.add_argument("--subsampling", choices=_formats.SUBSAMPLINGS, help="JPEG chroma subsampling (default 420)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Numpy frames and image files to base64 JPEG/PNG strings and data URIs, and back. "
        "With no command, runs the demo.",
        epilog="Exit status: 0 ok, 1 an input failed, 2 usage error.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    enc = commands.add_parser(
        "encode", help="print one base64 string per image",
        description="Print one base64 string (or data URI, or JSON object) per input image. Image files are "
        "decoded and re-encoded by frame64; --raw sends a file's bytes unchanged. Directories give their "
        ".jpg/.jpeg/.png files (not recursive); '-' reads one image from standard input. A video file or a "
        "camera index (with frame64[video]) gives one JSON object per frame.",
    )
    enc.add_argument("inputs", nargs="+", metavar="PATH", help="image file, directory, video file, camera index, or -")
    enc.add_argument("--format", choices=("jpeg", "jpg", "png"), help="output format (default jpeg)")
    _jpeg_arguments(enc)
    enc.add_argument("--pixel-format", choices=_formats.PIXEL_FORMATS,
                     help="pixels to encode: GRAY makes a grayscale image, BGRA/RGBA keep alpha in PNG (default BGR)")
    enc.add_argument("--compression", type=int, help="PNG compression level (see frame64.encode)")
    enc.add_argument("--data-uri", action="store_true", help="print data:image/...;base64,... URIs")
    enc.add_argument("--jsonl", action="store_true",
                     help="print one JSON object per image: name, width, height, format, base64 "
                     "(data_uri instead of base64 with --data-uri); implied for videos")
    enc.add_argument("--raw", action="store_true", help="base64 each file's bytes unchanged (JPEG, PNG, GIF, WebP, BMP)")
    enc.add_argument("--every", type=int, default=1, metavar="N", help="video: encode every Nth frame (default 1)")
    enc.add_argument("--max-frames", type=int, metavar="N", help="video: stop after N encoded frames")
    enc.add_argument("--threads", type=int, metavar="N",
                     help="video, JPEG: frames compressed in parallel on N threads (default: all cores)")
    enc.add_argument("--fail-fast", action="store_true", help="stop at the first input that fails")
    enc.add_argument("--no-progress", dest="progress", action="store_false",
                     help="no progress bar (it is shown on stderr for directories and videos when stderr is a terminal)")
    enc.set_defaults(func=cmd_encode)

    dec = commands.add_parser(
        "decode", help="turn base64 or a data URI back into an image file",
        description="Read base64 text, a data URI or a JSON line from 'frame64 encode --jsonl' and write the image "
        "it holds. The bytes are written unchanged when the output's extension matches their format; otherwise "
        "frame64 re-encodes the pixels.",
    )
    dec.add_argument("input", nargs="?", default="-", metavar="FILE", help="file holding the text (default: stdin)")
    dec.add_argument("-o", "--output", required=True, help="image file to write (.png, .jpg), or - for stdout")
    dec.add_argument("--quality", type=int, help="JPEG quality when converting to .jpg (default 90)")
    dec.set_defaults(func=cmd_decode)

    demo = commands.add_parser("demo", help="encode a built-in frame, time it, write frame64-demo.html",
                               description="Encode a built-in camera-like frame with every available backend, check "
                               "they agree, time them against cv2/PIL plus base64, and write an HTML page that "
                               "shows the frame from its data URI.")
    demo.add_argument("-o", "--output", default="frame64-demo.html", help="HTML page to write (default %(default)s)")
    demo.add_argument("--width", type=_positive, default=1920, help="frame width (default %(default)s)")
    demo.add_argument("--height", type=_positive, default=1080, help="frame height (default %(default)s)")
    demo.add_argument("--repeat", type=_positive, default=15, help="timed runs per contender (default %(default)s)")
    demo.set_defaults(func=cmd_demo)

    bench = commands.add_parser("bench", help="compare backends and installed peers at three frame sizes",
                                description="Time frame64's backends against every installed peer (cv2, PIL, "
                                "PyTurboJPEG, simplejpeg, pybase64) by interleaved medians.")
    bench.add_argument("--format", choices=("jpeg", "png"), default="jpeg", help="image format (default jpeg)")
    bench.add_argument("--quality", type=int, default=90, help="JPEG quality (default 90)")
    bench.add_argument("--sizes", metavar="WxH,...", help="frame sizes (default 640x480,1920x1080,3840x2160)")
    bench.add_argument("--repeat", type=int, help="timed runs per contender and size (default: about 0.25 s worth)")
    bench.add_argument("--plot", metavar="OUT.png", help="also draw a bar chart (needs matplotlib)")
    bench.set_defaults(func=cmd_bench)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the frame64 command line; return the exit status (0 ok, 1 failed input, 2 usage)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments or ["demo"])
    except SystemExit as exc:  # argparse: --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(args.func(args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `frame64 encode dir | head -1`): stop quietly.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1

