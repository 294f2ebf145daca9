"""The bad-input table: every class of bad input, the exception and the message.

This one data structure is the source of docs/bad-input.md (rendered by
``python tests/bad_input_table.py --write``) and of
tests/test_bad_input_table.py, which walks exactly these rows on both
backends and checks that the committed document is the rendering of them,
so the two cannot drift apart.

Each row's ``call`` is a Python expression evaluated in NAMESPACE; it must
raise exactly ``exception`` with exactly ``message``.
"""

from __future__ import annotations

import argparse
import binascii
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "bad-input.md"


@dataclass(frozen=True)
class BadInput:
    category: str
    what: str
    call: str
    exception: str
    message: str


def namespace() -> dict[str, Any]:
    """Names the calls use: small frames (F: 4x4 BGR), broadcast views that
    allocate nothing however large their shape."""
    import frame64

    frame = np.zeros((4, 4, 3), np.uint8)
    return {
        "np": np,
        "frame64": frame64,
        "binascii": binascii,
        "F": frame,
        "HUGE_TALL": np.broadcast_to(frame[:1, :1], (65501, 1, 3)),
        "HUGE_WIDE": np.broadcast_to(frame[:1, :1], (1, 70000, 3)),
    }


ENCODE_CHOICES_FORMAT = "'jpeg', 'png'"
PIXEL_FORMATS = "'RGB', 'BGR', 'GRAY', 'RGBA', 'BGRA'"
SUBSAMPLINGS = "'444', '422', '420', 'gray', '440', '411'"

ROWS: list[BadInput] = [
    # --- the image -------------------------------------------------------
    BadInput("dtype", "float pixels", "frame64.encode(F.astype(np.float32))", "TypeError",
             "image must have dtype uint8, got float32"),
    BadInput("dtype", "bool pixels", "frame64.encode(F.astype(bool))", "TypeError",
             "image must have dtype uint8, got bool"),
    BadInput("dtype", "16-bit pixels", "frame64.encode(F.astype(np.uint16))", "TypeError",
             "image must have dtype uint8, got uint16"),
    BadInput("dtype", "Python objects", "frame64.encode(np.array([[object()]]))", "TypeError",
             "image must be a numpy array or a buffer of uint8 pixels, got ndarray"),
    BadInput("dtype", "not an array at all", "frame64.encode(None)", "TypeError",
             "image must be a numpy array or a buffer of uint8 pixels, got NoneType"),
    BadInput("dtype", "a str", "frame64.encode('abc')", "TypeError", "image must have dtype uint8, got <U3"),
    BadInput("ndim", "1-D", "frame64.encode(np.zeros(4, np.uint8))", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (4,)"),
    BadInput("ndim", "4-D (a batch)", "frame64.encode(np.zeros((2, 4, 4, 3), np.uint8))", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (2, 4, 4, 3)"),
    BadInput("ndim", "2-D for a colour format", "frame64.encode(F[:, :, 0])", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (4, 4)"),
    BadInput("channels", "2 channels", "frame64.encode(np.zeros((4, 4, 2), np.uint8))", "ValueError",
             "image must have shape (H, W, 3) for pixel_format 'BGR', got (4, 4, 2)"),
    BadInput("channels", "3 channels for BGRA", "frame64.encode(F, pixel_format='BGRA')", "ValueError",
             "image must have shape (H, W, 4) for pixel_format 'BGRA', got (4, 4, 3)"),
    BadInput("channels", "3 channels for GRAY", "frame64.encode(F, pixel_format='GRAY')", "ValueError",
             "image must have shape (H, W) or (H, W, 1) for pixel_format 'GRAY', got (4, 4, 3)"),
    BadInput("zero size", "no rows", "frame64.encode(np.zeros((0, 4, 3), np.uint8))", "ValueError",
             "image is empty (shape (0, 4, 3))"),
    BadInput("zero size", "no columns", "frame64.encode(np.zeros((4, 0, 3), np.uint8))", "ValueError",
             "image is empty (shape (4, 0, 3))"),
    BadInput("huge size", "65501 rows (refused before any allocation)", "frame64.encode(HUGE_TALL)", "ValueError",
             "image is 1x65501; the format holds at most 65500 pixels per side"),
    BadInput("huge size", "70000 columns (refused before any allocation)", "frame64.encode(HUGE_WIDE)",
             "ValueError", "image is 70000x1; the format holds at most 65500 pixels per side"),
    # --- the options -----------------------------------------------------
    BadInput("unknown format", "an unsupported output format", "frame64.encode(F, format='webp')", "ValueError",
             f"format must be one of {ENCODE_CHOICES_FORMAT}; got 'webp'"),
    BadInput("unknown format", "format of the wrong type", "frame64.encode(F, format=None)", "TypeError",
             f"format must be a str, one of {ENCODE_CHOICES_FORMAT}; got NoneType"),
    BadInput("options", "quality out of range", "frame64.encode(F, quality=0)", "ValueError",
             "quality must be in 1..100, got 0"),
    BadInput("options", "quality out of range", "frame64.encode(F, quality=101)", "ValueError",
             "quality must be in 1..100, got 101"),
    BadInput("options", "quality not an int", "frame64.encode(F, quality=90.0)", "TypeError",
             "quality must be an int in 1..100, got float"),
    BadInput("options", "quality a bool", "frame64.encode(F, quality=True)", "TypeError",
             "quality must be an int in 1..100, got bool"),
    BadInput("options", "unknown subsampling", "frame64.encode(F, subsampling='410')", "ValueError",
             f"subsampling must be one of {SUBSAMPLINGS}; got '410'"),
    BadInput("options", "subsampling as an int", "frame64.encode(F, subsampling=420)", "TypeError",
             f"subsampling must be a str, one of {SUBSAMPLINGS}; got int"),
    BadInput("options", "unknown pixel format", "frame64.encode(F, pixel_format='YUV')", "ValueError",
             f"pixel_format must be one of {PIXEL_FORMATS}; got 'YUV'"),
    BadInput("options", "a flag that is not a bool", "frame64.encode(F, progressive=1)", "TypeError",
             "progressive must be a bool, got int"),
    BadInput("options", "a flag that is not a bool", "frame64.encode(F, data_uri='yes')", "TypeError",
             "data_uri must be a bool, got str"),
    BadInput("options", "an unknown keyword", "frame64.encode(F, speed=1)", "TypeError",
             "encode() got an unexpected keyword argument 'speed'"),
    BadInput("options", "options passed positionally", "frame64.encode(F, 90)", "TypeError",
             "encode() takes 1 positional argument but 2 were given"),
]

HEADER = """# Bad input: what frame64 raises

Every class of bad input, the exception it raises and its exact message.
frame64 never crashes and never reads or writes outside a buffer, whatever
the input; this table is what it says instead. Both backends (the C++ core
and the pure-Python fallback) raise the same exceptions with the same
messages.

This file is generated from `tests/bad_input_table.py` (`python
tests/bad_input_table.py --write`); `tests/test_bad_input_table.py` runs
every row on both backends and fails if this file and the table disagree.
In the calls, `F` is a 4x4 BGR uint8 frame; `HUGE_TALL` and `HUGE_WIDE` are
`np.broadcast_to` views of one pixel, so the huge-size rows allocate
nothing.

Views with odd strides (negative steps, Fortran order, channel slices,
broadcasts) are not errors for `encode`: they are copied to C order first
and give the string of that copy.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    lines = [HEADER, "| class | bad input | call | exception | message |", "| --- | --- | --- | --- | --- |"]
    for row in ROWS:
        lines.append(
            f"| {row.category} | {_cell(row.what)} | `{_cell(row.call)}` | `{row.exception}` | {_cell(row.message)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Render docs/bad-input.md from the bad-input table.")
    parser.add_argument("--write", action="store_true", help="write docs/bad-input.md (default: print it)")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.write:
        DOC_PATH.write_text(text)
        print(f"wrote {DOC_PATH} ({len(ROWS)} rows)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
