"""Peak memory of encode and decode of a 10-megapixel frame, against theory.

Each measurement runs in a fresh subprocess: it builds the input, resets
the kernel's peak-RSS mark (VmHWM, via /proc/self/clear_refs), makes one
call, and reports how far the peak rose above the RSS before the call. The theoretical
minimum of a call is what it must hold at once:

- encode: the frame (input) + the base64 str (output) + one codec buffer
  (the JPEG bytes before base64);
- decode: the base64 str (input) + the frame (output) + one codec buffer
  (the JPEG bytes after base64).

The input already exists before the call, so the rise during the call is
compared with output + codec buffer. "kept" is what the call leaves resident
once its result is dropped: per-thread buffers kept for the next call (JPEG
encode keeps its worst-case output buffer up to 64 MiB and releases larger
ones, cpp/jpeg/jpeg_encoder.hpp). Run:

    python benchmarks/peak_rss.py [--height 2736 --width 3648] [--format jpeg]
        [--subsampling 420 --quality 90] [--noise]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import base64, gc, json, sys
import numpy as np
import frame64
from frame64._sample import camera_frame

op, height, width, fmt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
options = json.loads(sys.argv[5])
noise = options.pop("noise")
if fmt != "jpeg":
    options = {}
frame = (np.random.default_rng(0).integers(0, 256, (height, width, 3), np.uint8) if noise
         else camera_frame(height, width))
text = frame64.encode(frame, format=fmt, **options) if op == "decode" else None
codec_bytes = len(base64.b64decode(text)) if text is not None else None
if op == "decode":
    del frame  # decode's input is the string alone
# Warm up on a small frame so one-time costs (handles, imports) are not counted.
small = camera_frame(64, 64)
frame64.decode(frame64.encode(small, format=fmt)) if hasattr(frame64, "decode") else frame64.encode(small, format=fmt)
def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
# Reset the peak (VmHWM) to the current RSS (Linux >= 4.0, proc(5) clear_refs),
# so building the input does not count.
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
current = status("VmRSS")
result = frame64.encode(frame, format=fmt, **options) if op == "encode" else frame64.decode(text)
# Read the peak at once, and size the result without allocating (a
# b64decode would copy the str to bytes, then decode it, and count as the
# call's memory).
peak = status("VmHWM")
if op == "encode":
    output_bytes = len(result)
    input_bytes = frame.nbytes
    codec_bytes = len(result) // 4 * 3 - result[-2:].count("=")
else:
    output_bytes = result.nbytes
    input_bytes = len(text)
del result
gc.collect()
kept = status("VmRSS") - current
print(json.dumps({"rss_before": current, "peak_after": peak, "kept": kept,
                  "input": input_bytes, "output": output_bytes, "codec": codec_bytes}))
"""


def measure(op: str, height: int, width: int, fmt: str, options: dict[str, object]) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, op, str(height), str(width), fmt, json.dumps(options)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--height", type=int, default=2736)
    parser.add_argument("--width", type=int, default=3648)  # 3648 x 2736 = 9.98 MP
    parser.add_argument("--format", default="jpeg")
    parser.add_argument("--subsampling", default="420", help="JPEG only")
    parser.add_argument("--quality", type=int, default=90, help="JPEG only")
    parser.add_argument("--noise", action="store_true", help="uniform noise instead of a camera-like frame")
    args = parser.parse_args()
    options = {"subsampling": args.subsampling, "quality": args.quality, "noise": args.noise}
    import frame64

    ops = ["encode"] + (["decode"] if hasattr(frame64, "decode") else [])
    mib = 1024 * 1024
    jpeg_options = f", subsampling={args.subsampling}, quality={args.quality}" if args.format == "jpeg" else ""
    print(f"{args.width}x{args.height} BGR {'noise' if args.noise else 'camera'} "
          f"({args.width * args.height / 1e6:.2f} MP), format={args.format}{jpeg_options}, backend={frame64.backend}")
    print(f"{'call':8} {'input':>9} {'output':>9} {'codec':>9} {'theory':>9} {'rise':>9} {'rise/theory':>11} {'kept':>9}")
    for op in ops:
        r = measure(op, args.height, args.width, args.format, options)
        # Peak rise during the call, over the RSS it started from.
        rise = r["peak_after"] - r["rss_before"]
        theory = r["output"] + r["codec"]
        print(f"{op:8} {r['input'] / mib:8.1f}M {r['output'] / mib:8.1f}M {r['codec'] / mib:8.1f}M "
              f"{theory / mib:8.1f}M {rise / mib:8.1f}M {rise / theory:10.2f}x {r['kept'] / mib:8.1f}M")
    print("theory = output + one codec buffer (the input exists before the call); "
          "rise = peak RSS during the call minus RSS before it; "
          "kept = RSS after the call, its result dropped, minus RSS before it")


if __name__ == "__main__":
    main()
