"""Interleaved-median head-to-head for frame64.Encoder (issue 6 targets).

    python benchmarks/encoder_throughput.py [--rounds 15]

Each round times every contender once, in turn, so that load from other
processes hits all of them alike; the medians over rounds give the ratios.
Contenders all produce base64 JPEG strs (quality 90, 4:2:0, accurate DCT).
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import os
import statistics

import cv2
import numpy as np
import turbojpeg

import frame64
from frame64 import _timing
from frame64._sample import camera_frame

QUALITY = 90


def spread(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=4)
    return f"IQR {100 * (q[2] - q[0]) / statistics.median(samples):.0f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    print(f"frame64 backend={frame64.backend} simd={frame64.simd} cores={len(os.sched_getaffinity(0))} "
          f"load={os.getloadavg()[0]:.2f}")

    turbo = turbojpeg.TurboJPEG()

    def pyturbojpeg_str(frame: np.ndarray) -> str:
        jpeg = turbo.encode(frame, quality=QUALITY, jpeg_subsample=turbojpeg.TJSAMP_420,
                            flags=turbojpeg.TJFLAG_ACCURATEDCT)
        return base64.b64encode(jpeg).decode("ascii")

    def cv2_str(frame: np.ndarray) -> str:
        _, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
        return base64.b64encode(jpeg).decode("ascii")

    distinct = [camera_frame(1080, 1920, seed=i) for i in range(8)]
    batch = [distinct[i % len(distinct)] for i in range(args.batch)]
    enc1 = frame64.Encoder(quality=QUALITY, threads=1)
    enc2 = frame64.Encoder(quality=QUALITY, threads=2)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        # Wall times, and the CPU time of all threads (the pools' included).
        times, cpu = _timing.interleaved_samples(
            {
                "frame64 threads=1": lambda: enc1.encode_batch(batch),
                "frame64 threads=2": lambda: enc2.encode_batch(batch),
                "frame64 imap threads=2": lambda: list(enc2.imap(batch)),
                "PyTurboJPEG ThreadPoolExecutor(2)": lambda: list(pool.map(pyturbojpeg_str, batch)),
                "cv2 ThreadPoolExecutor(2)": lambda: list(pool.map(cv2_str, batch)),
            },
            args.rounds,
            (_timing.WALL, _timing.PROCESS_CPU),
            warm_up=True,
        )
    base = statistics.median(times["frame64 threads=1"])
    print(f"\nThroughput, batch of {args.batch} frames 1920x1080 (median of {args.rounds} interleaved rounds)")
    for name, samples in times.items():
        med = statistics.median(samples)
        cpu_ms = 1000 * statistics.median(cpu[name]) / args.batch
        print(f"  {name:36s} {args.batch / med:7.1f} frames/s  x{base / med:4.2f} vs threads=1  ({spread(samples)}; "
              f"best {args.batch / min(samples):5.1f}/s)  CPU {cpu_ms:.2f} ms/frame")

    print("\nLatency, one frame (median; bare = single-thread compress + base64 into a str)")
    for height, width in ((1080, 1920), (2160, 3840)):
        frame = camera_frame(height, width, seed=1)
        (lat,) = _timing.interleaved_samples(
            {
                "bare threads=1": lambda: frame64.encode(frame, quality=QUALITY),
                "frame64.encode threads=2": lambda: frame64.encode(frame, quality=QUALITY, threads=2),
                "Encoder(threads=2).encode": lambda: enc2.encode(frame),
                "PyTurboJPEG": lambda: pyturbojpeg_str(frame),
            },
            args.rounds * 3,
            warm_up=True,
        )
        bare = statistics.median(lat["bare threads=1"])
        single = len(base64.b64decode(frame64.encode(frame, quality=QUALITY)))
        split = len(base64.b64decode(frame64.encode(frame, quality=QUALITY, threads=2)))
        print(f"  {width}x{height}: restart-marker size overhead {100 * (split - single) / single:+.4f}% "
              f"({split - single:+d} bytes of {single})")
        for name, samples in lat.items():
            med = statistics.median(samples)
            print(f"    {name:28s} {1000 * med:7.2f} ms  x{med / bare:4.2f} of bare  ({spread(samples)})")


if __name__ == "__main__":
    main()
