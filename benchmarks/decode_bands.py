"""Issue 13's one-frame-across-cores targets: decode(threads=2) / decode(threads=1).

A camera_frame written by frame64.encode(threads=2) (two strips, a restart
interval of half the frame), decoded with threads=2 (two bands) and threads=1,
interleaved, medians of wall-clock times (frame64._timing), warm-up first.
The arrays are checked to be identical first. Targets: 1080p <= 0.65, 4K <= 0.6.
Also printed: the process CPU time per call (all threads), the cost of the
bands' context rows and thread start-up whatever the machine's load.
Run on an otherwise idle machine of at least 2 cores:

    python benchmarks/decode_bands.py [--rounds 30] [--encode-threads 2] [--threads 2]
"""

from __future__ import annotations

import argparse

import numpy as np

import frame64
from frame64._sample import camera_frame
from frame64._timing import PROCESS_CPU, WALL, interleaved_samples, medians

SIZES = {"1920x1080": ((1080, 1920), 0.65), "3840x2160": ((2160, 3840), 0.6)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--encode-threads", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for name, ((height, width), target) in SIZES.items():
        text = frame64.encode(camera_frame(height, width), threads=args.encode_threads)
        one = frame64.decode(text)
        assert np.array_equal(frame64.decode(text, threads=args.threads), one), "threads changed the pixels"
        many = f"threads={args.threads}"
        wall_samples, cpu_samples = interleaved_samples(
            {
                "threads=1": lambda: frame64.decode(text, threads=1),
                many: lambda: frame64.decode(text, threads=args.threads),
            },
            args.rounds,
            (WALL, PROCESS_CPU),
            warm_up=True,
        )
        wall, cpu = medians(wall_samples), medians(cpu_samples)
        ratio = wall[many] / wall["threads=1"]
        print(
            f"{name}: threads=1 {wall['threads=1'] * 1e3:7.2f} ms  {many} {wall[many] * 1e3:7.2f} ms  "
            f"ratio {ratio:.3f} (target <= {target});  CPU time of all threads: "
            f"{cpu['threads=1'] * 1e3:.2f} / {cpu[many] * 1e3:.2f} ms ({cpu[many] / cpu['threads=1']:.3f}x)"
        )

if __name__ == "__main__":
    main()
