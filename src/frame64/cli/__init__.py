"""The ``frame64`` command (also ``python -m frame64``).

Subcommands: ``encode``, ``decode``, ``demo`` (the default), ``bench``.
Conventions: results go to stdout and nothing else does; messages, errors and
progress bars go to stderr. Exit status 0 on success, 1 when an input failed
(after trying the others, unless ``--fail-fast``), 2 for a usage error.

Each command lives in its own module (encode, decode, demo, bench); this one
parses the command line and turns the errors into exit statuses.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import frame64

from .. import _backend, _formats
from .bench import cmd_bench
from .common import PROG, InputError, UsageError
from .decode import OUTPUT_HELP, cmd_decode
from .demo import cmd_demo
from .encode import cmd_encode

__all__ = ["InputError", "PROG", "UsageError", "build_parser", "main"]


def version_text() -> str:
    extra = ""
    if frame64.backend == "cpp":
        extra = f", libturbojpeg {_backend.current().turbojpeg_version}"
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
    enc.add_argument("--every", type=int, metavar="N", help="video: encode every Nth frame (default 1)")
    enc.add_argument("--max-frames", type=int, metavar="N", help="video: stop after N encoded frames")
    enc.add_argument("--threads", type=int, metavar="N",
                     help="video, JPEG: frames compressed in parallel on N threads (default: all cores)")
    enc.add_argument("--fail-fast", action="store_true", help="stop at the first input that fails")
    enc.add_argument("--no-progress", dest="progress", action="store_false",
                     help="no progress bar (it is shown on stderr for directories and videos when stderr is a terminal)")
    enc.set_defaults(command_parser=enc, func=cmd_encode)

    dec = commands.add_parser(
        "decode", help="turn base64, data URIs or JSON lines back into image files",
        description="Read base64 text, data URIs or the JSON lines of 'frame64 encode --jsonl' and write the "
        "images they hold. The input holds one image (base64 or a data URI, line breaks allowed), one image "
        "per line (as 'frame64 encode' prints them), or JSON lines (every line is decoded). An image is "
        "written unchanged when the output's format is its own; otherwise frame64 re-encodes the pixels. "
        "A failed image is reported on stderr and the others are still written (exit status 1).",
        epilog=f"-o with several images: {OUTPUT_HELP}. A single file name or - with several images is a "
        "usage error (exit 2), found before anything is written, as is a pattern that gives two images one name.",
    )
    dec.add_argument("input", nargs="?", default="-", metavar="FILE", help="file holding the text (default: stdin)")
    dec.add_argument("-o", "--output", required=True, metavar="OUTPUT", help=OUTPUT_HELP.replace("%", "%%"))
    dec.add_argument("--quality", type=int, help="JPEG quality 1..100 when converting to .jpg (default 90)")
    dec.add_argument("--fail-fast", action="store_true", help="stop at the first image that fails")
    dec.set_defaults(command_parser=dec, func=cmd_decode)

    demo = commands.add_parser("demo", help="encode a built-in frame, time it, write frame64-demo.html",
                               description="Encode a built-in camera-like frame with every available backend, check "
                               "they agree, time them against cv2/PIL plus base64, and write an HTML page that "
                               "shows the frame from its data URI.")
    demo.add_argument("-o", "--output", default="frame64-demo.html", help="HTML page to write (default %(default)s)")
    demo.add_argument("--width", type=_positive, default=1920, help="frame width (default %(default)s)")
    demo.add_argument("--height", type=_positive, default=1080, help="frame height (default %(default)s)")
    demo.add_argument("--repeat", type=_positive, default=15, help="timed runs per contender (default %(default)s)")
    demo.set_defaults(command_parser=demo, func=cmd_demo)

    bench = commands.add_parser("bench", help="compare backends and installed peers at three frame sizes",
                                description="Time frame64's backends against every installed peer (cv2, PIL, "
                                "PyTurboJPEG, simplejpeg, pybase64) by interleaved medians.")
    bench.add_argument("--format", choices=("jpeg", "png"), default="jpeg", help="image format (default jpeg)")
    bench.add_argument("--quality", type=int, help="JPEG quality 1..100 (default 90; jpeg only)")
    bench.add_argument("--sizes", metavar="WxH,...", help="frame sizes (default 640x480,1920x1080,3840x2160)")
    bench.add_argument("--repeat", type=int, help="timed runs per contender and size (default: about 0.25 s worth)")
    bench.add_argument("--plot", metavar="OUT.png", help="also draw a bar chart (needs matplotlib)")
    bench.set_defaults(command_parser=bench, func=cmd_bench)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the frame64 command line; return the exit status (0 ok, 1 failed input, 2 usage).

    Every failure is one line on stderr (no traceback); a usage error also prints the usage of
    the subcommand it belongs to.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments or ["demo"])
    except SystemExit as exc:  # argparse: --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(args.func(args))
    except UsageError as exc:
        args.command_parser.print_usage(sys.stderr)
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
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
    except MemoryError:
        print(f"{PROG}: error: out of memory", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: {exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the promise: one line, never a traceback
        print(f"{PROG}: error: {type(exc).__name__}: {exc} (an internal error: please report it)", file=sys.stderr)
        return 1
