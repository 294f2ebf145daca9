"""Prints one base64 throughput table per kernel (auto-selected, then avx2 and
scalar forced), from interleaved medians, with ratios against pybase64 and a
memcpy of the same size, and the targets of issue 3.

    python benchmarks/base64_table.py [--rounds 15] [--sizes 64B,1KiB,...] [--kernels auto,avx2,scalar]

The contenders are timed round-robin by frame64._timing (one batch each per
round), so that frequency changes and noise from other processes hit them all
alike; a contender's figure is the median over rounds of its time per call.
"""

from __future__ import annotations

import argparse
import functools
from typing import Any, Callable, Dict, List

from base64_contenders import OPERATIONS, SIZES, expected_output, make_inputs

import frame64
from frame64 import _backend, _timing

TARGET_KEYS = {"encode": "encode (str out)", "decode-validate": "validating decode"}


def _batch(function: Callable[[Any], Any], argument: Any, calls: int) -> None:
    for _ in range(calls):
        function(argument)


def per_call_medians(contenders: Dict[str, tuple[Callable[[Any], Any], Any]], rounds: int) -> Dict[str, float]:
    """Median seconds per call of each contender, timed in interleaved batches of about 0.25 ms."""
    calls = {name: _timing.calls_per_batch(functools.partial(function, argument))
             for name, (function, argument) in contenders.items()}
    batches = {name: functools.partial(_batch, function, argument, calls[name])
               for name, (function, argument) in contenders.items()}
    return {name: seconds / calls[name] for name, seconds in _timing.interleaved_medians(batches, rounds).items()}


def run_kernel(kernel: str, sizes: List[str], rounds: int) -> List[str]:
    """The table for one kernel, plus the target lines (for the auto kernel)."""
    _backend.current().set_simd(kernel)
    title = f"kernel: {frame64.simd}" + (" (auto-selected)" if kernel == "auto" else " (forced)")
    lines = [title, f"{'operation':22s} {'size':>6s} {'frame64':>9s} {'pybase64':>9s} {'stdlib':>9s} {'memcpy':>9s}"
             f" {'x pybase64':>10s} {'x memcpy':>9s} {'x stdlib':>9s}   (GB/s of input)"]
    checks: List[str] = []
    for size_name in sizes:
        size = SIZES[size_name]
        inputs = make_inputs(size)
        for operation, contenders in OPERATIONS.items():
            chosen = {}
            for contender, (key, function) in contenders.items():
                assert function(inputs[key]) == expected_output(operation, contender, inputs), (operation, contender)
                chosen[contender] = (function, inputs[key])
            medians = per_call_medians(chosen, rounds)
            speed = {name: size / seconds / 1e9 for name, seconds in medians.items()}
            vs_pybase64 = medians["pybase64"] / medians["frame64"]
            vs_memcpy = medians["memcpy"] / medians["frame64"] if "memcpy" in medians else float("nan")
            vs_stdlib = medians["stdlib"] / medians["frame64"]
            row = " ".join(f"{speed.get(name, float('nan')):9.2f}" for name in ("frame64", "pybase64", "stdlib", "memcpy"))
            lines.append(f"{operation:22s} {size_name:>6s} {row} {vs_pybase64:10.2f} {vs_memcpy:9.2f} {vs_stdlib:9.2f}")
            if operation in TARGET_KEYS:
                need = 0.8 if size < 1024 else 1.0
                checks.append(_verdict(f"{TARGET_KEYS[operation]} at {size_name} >= {need}x pybase64", vs_pybase64, need))
            if operation == "decode-lenient" and size_name == "1MiB":
                checks.append(_verdict("non-validating decode at 1MiB >= 3x pybase64", vs_pybase64, 3.0))
            if operation == "encode" and size_name == "1MiB":
                checks.append(_verdict("encode at 1MiB >= 0.7x memcpy", vs_memcpy, 0.7))
    # The targets of issue 3 are for the auto-selected kernel on this machine.
    return lines + (["targets (auto-selected kernel):"] + checks if kernel == "auto" else [])


def _verdict(what: str, ratio: float, need: float) -> str:
    return f"  {'met   ' if ratio >= need else 'MISSED'} {what}: {ratio:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--kernels", default="auto,avx2,scalar")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    previous = frame64.simd
    try:
        for kernel in args.kernels.split(","):
            if kernel != "auto" and kernel not in _backend.current().supported_simd():
                print(f"kernel: {kernel}: not available on this machine or build, skipped\n")
                continue
            print("\n".join(run_kernel(kernel, sizes, args.rounds)) + "\n", flush=True)
    finally:
        _backend.current().set_simd(previous)


if __name__ == "__main__":
    main()
