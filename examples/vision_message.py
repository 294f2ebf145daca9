"""Recipe: a frame as an image message for a vision-model API.

    python examples/vision_message.py photo.jpg "What is in this picture?"
    python examples/vision_message.py --smoke

Builds the JSON body a chat API expects, with the frame inlined as base64
JPEG. Two common shapes are shown: the OpenAI-style ``image_url`` part (a
data URI) and the Anthropic-style ``image`` block (media type + base64).
Nothing is sent: pass the result to your client library or HTTP call.

Large frames are scaled down first (APIs resize big images anyway, and you
pay for the bytes): ``max_side`` bounds the longer side.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

import frame64
from frame64._sample import camera_frame


def fit(frame: np.ndarray, max_side: int) -> np.ndarray:
    """The frame scaled down so that its longer side is at most max_side."""
    height, width = frame.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return frame
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    try:
        import cv2
    except ImportError:  # nearest neighbour with numpy alone
        rows = (np.arange(size[1]) / scale).astype(int)
        cols = (np.arange(size[0]) / scale).astype(int)
        small: np.ndarray = frame[rows][:, cols]
        return small
    return np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))


def image_part(frame: np.ndarray, *, style: str = "openai", max_side: int = 1568, quality: int = 85) -> dict[str, Any]:
    """One image content part for a chat message, from a BGR frame."""
    small = fit(frame, max_side)
    if style == "openai":
        return {"type": "image_url", "image_url": {"url": frame64.encode(small, quality=quality, data_uri=True)}}
    if style == "anthropic":
        return {"type": "image",
                "source": {"type": "base64", "media_type": "image/jpeg", "data": frame64.encode(small, quality=quality)}}
    raise ValueError(f"style must be 'openai' or 'anthropic', got {style!r}")


def user_message(frame: np.ndarray, question: str, *, style: str = "openai", **options: Any) -> dict[str, Any]:
    """A user message holding the frame and a question about it."""
    return {"role": "user", "content": [image_part(frame, style=style, **options), {"type": "text", "text": question}]}


def _shorten(value: Any) -> Any:
    """The message with long strings cut, for printing."""
    if isinstance(value, dict):
        return {key: _shorten(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shorten(item) for item in value]
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:60]}...({len(value):,} chars)"
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", nargs="?", help="image file (read with OpenCV)")
    parser.add_argument("question", nargs="?", default="Describe this frame.")
    parser.add_argument("--style", choices=("openai", "anthropic"), default="openai")
    parser.add_argument("--max-side", type=int, default=1568)
    parser.add_argument("--full", action="store_true", help="print the whole base64, not a shortened view")
    parser.add_argument("--smoke", action="store_true", help="use a built-in 1080p frame")
    args = parser.parse_args(argv)
    if args.smoke or args.image is None:
        frame = camera_frame(1080, 1920)
    else:
        import cv2

        image = cv2.imread(args.image, cv2.IMREAD_COLOR)
        if image is None:
            parser.error(f"cannot read {args.image!r}")
        frame = np.asarray(image)
    message = user_message(frame, args.question, style=args.style, max_side=args.max_side)
    print(json.dumps(message if args.full else _shorten(message), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
