"""``frame64 demo`` (the default command): a built-in frame on every backend, timed, and an HTML page
that shows it from its data URI."""

from __future__ import annotations

import argparse
import base64
import functools
import html
import sys
from collections.abc import Callable

import numpy as np

import frame64

from .. import _formats, _timing
from .._sample import camera_frame
from .bench import frame64_contenders, jpeg_peers
from .common import PROG, InputError, check_frame_size, check_writable, write_output

NAIVE_PATHS = ("cv2.imencode + base64", "PIL + base64")  # what people write today

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
    check_frame_size("--width/--height", width, height)
    check_writable("-o/--output", args.output)
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
    medians = _timing.interleaved_medians(contenders, args.repeat)
    reference = f"frame64 ({frame64.backend})"
    print(f"timing (median of {args.repeat} interleaved runs; x = time / {reference}):")
    for name, seconds in medians.items():
        print(f"  {name:<26}{seconds * 1e3:8.2f} ms  {seconds / medians[reference]:5.2f}x")
    if not naive:
        print("  (no standard path to compare with: install opencv-python-headless or pillow)")
    summary = html.escape(", ".join(f"{name}: {seconds * 1e3:.2f} ms" for name, seconds in medians.items()))
    page = DEMO_PAGE.format(length=len(uri), width=width, height=height, backend=frame64.backend,
                            simd=frame64.simd, uri=uri, summary=summary)
    write_output(args.output, page)
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
    return _formats.DATA_URI_PREFIX["jpeg"] + run()
