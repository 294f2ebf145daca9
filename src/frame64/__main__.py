"""``python -m frame64``: encode a built-in camera-like frame and report."""

from __future__ import annotations

import sys
import time


def main(argv: list[str] | None = None) -> int:
    import frame64
    from frame64._sample import camera_frame

    frame = camera_frame(1080, 1920)
    frame64.encode(frame, data_uri=True)  # warm-up: per-thread handles and buffers
    start = time.perf_counter()
    uri = frame64.encode(frame, data_uri=True)
    elapsed = time.perf_counter() - start
    print(
        f"frame64 {frame64.__version__}: 1920x1080 BGR frame -> JPEG data URI of {len(uri):,} chars "
        f"in {elapsed * 1e3:.2f} ms (backend={frame64.backend}, simd={frame64.simd})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
