"""Resident-set-size measurement for the leak tests (Linux /proc/self/statm)."""

from __future__ import annotations

import gc
import os
from typing import Callable

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# Allowed RSS growth over one loop, measured after a warm-up that lets
# allocator arenas, per-thread TurboJPEG buffers and caches reach their
# steady size. 4 MiB absorbs allocator noise (glibc keeps and trims arenas
# lazily) while a leak of 100 bytes per call over LOOP_CALLS = 100,000 calls
# is 10 MB (more with malloc's per-chunk overhead): 2.4x the tolerance.
# The smallest loop that still catches a 100-byte leak is
# 4 MiB / 100 B = 41,944 calls; every loop here makes at least 100,000.
TOLERANCE_BYTES = 4 * 1024 * 1024
LOOP_CALLS = 100_000
WARMUP_CALLS = 2_000


def rss_bytes() -> int:
    """The current resident set size of this process, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def rss_growth(call: Callable[[], object], calls: int = LOOP_CALLS, warmup: int = WARMUP_CALLS) -> int:
    """RSS growth in bytes over `calls` calls of `call`, after `warmup` calls."""
    for _ in range(warmup):
        call()
    gc.collect()
    before = rss_bytes()
    for _ in range(calls):
        call()
    gc.collect()
    return rss_bytes() - before


def raises(exception: type[BaseException], call: Callable[[], object]) -> Callable[[], None]:
    """A call that must raise `exception` (and does nothing else)."""

    def run() -> None:
        try:
            call()
        except exception:
            return
        raise AssertionError(f"{call} did not raise {exception.__name__}")

    return run
