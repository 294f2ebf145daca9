"""Recipe: an OpenCV capture loop that turns frames into base64 JPEG data URIs.

    python examples/opencv_capture.py            # camera 0, until Ctrl-C
    python examples/opencv_capture.py clip.mp4 --every 5
    python examples/opencv_capture.py --smoke    # synthetic frames, no camera needed

Each encoded frame is printed as one JSON line ({"frame", "width", "height",
"data_uri"}), ready for a websocket, a log or a vision model. The frame comes
straight from cv2 as BGR, which is frame64's default pixel format: no
cvtColor, no cv2.imencode, no base64 module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

import numpy as np

import frame64
from frame64._sample import camera_frame


def capture_frames(source: str | int) -> Iterator[np.ndarray]:
    """BGR frames from a camera index or a video file, until it ends."""
    import cv2  # pip install 'frame64[video]'

    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise SystemExit(f"cannot open {source!r}")
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def synthetic_frames(count: int, height: int = 240, width: int = 320) -> Iterator[np.ndarray]:
    """Camera-like frames, for trying the loop without a camera."""
    for index in range(count):
        yield camera_frame(height, width, seed=index)


def encode_stream(frames: Iterator[np.ndarray], *, every: int = 1, quality: int = 80) -> Iterator[dict[str, object]]:
    """One record per every-th frame: its index, size and JPEG data URI."""
    for index, frame in enumerate(frames):
        if index % every:
            continue
        height, width = frame.shape[:2]
        yield {"frame": index, "width": width, "height": height,
               "data_uri": frame64.encode(frame, quality=quality, data_uri=True)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="0", help="camera index or video file (default 0)")
    parser.add_argument("--every", type=int, default=1, help="encode every Nth frame")
    parser.add_argument("--quality", type=int, default=80)
    parser.add_argument("--smoke", action="store_true", help="encode 5 synthetic frames instead of capturing")
    args = parser.parse_args(argv)
    if args.smoke:
        frames = synthetic_frames(5)
    else:
        frames = capture_frames(int(args.source) if args.source.isdigit() else args.source)
    try:
        for record in encode_stream(frames, every=args.every, quality=args.quality):
            print(json.dumps(record), flush=True)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
