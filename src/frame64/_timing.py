"""Timing by interleaved medians: ``frame64 bench``, ``frame64 demo`` and the scripts in benchmarks/.

Every round times each contender once, and the contender that goes first
moves one place per round, so that drift (frequency scaling, other
processes, a cache warming up) hits all of them alike; the figure reported
is the median over the rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Optional

Clock = Callable[[], float]
WALL: Clock = time.perf_counter
# This thread's CPU time: it leaves out the time other processes take the core
# from us, so it is the steadier figure on a shared, loaded machine.
THREAD_CPU: Clock = time.thread_time
# The CPU time of all the process's threads: for work done on a thread pool.
PROCESS_CPU: Clock = time.process_time


def interleaved_samples(
    contenders: Mapping[str, Callable[[], object]],
    rounds: int,
    clocks: Sequence[Clock] = (WALL,),
    *,
    warm_up: bool = False,
) -> list[dict[str, list[float]]]:
    """Seconds per call of each contender in each round, one dict per clock (in ``clocks`` order).

    The first clock is read closest around the call. ``warm_up`` calls every
    contender once, untimed, first (handles, buffers, page faults).
    """
    names = list(contenders)
    samples: list[dict[str, list[float]]] = [{name: [] for name in names} for _ in clocks]
    if warm_up:
        for name in names:
            contenders[name]()
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            starts = [clock() for clock in reversed(clocks)][::-1]
            contenders[name]()
            for clock, start, times in zip(clocks, starts, samples):
                times[name].append(clock() - start)
    return samples


def medians(samples: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """The median of each contender's samples."""
    return {name: statistics.median(values) for name, values in samples.items()}


def interleaved_medians(
    contenders: Mapping[str, Callable[[], object]], rounds: int, clock: Clock = WALL, *, warm_up: bool = False
) -> dict[str, float]:
    """Median seconds per call of each contender, the contenders taking turns (see the module)."""
    return medians(interleaved_samples(contenders, rounds, (clock,), warm_up=warm_up)[0])


def repeat_for(seconds: float, requested: Optional[int] = None) -> int:
    """Rounds for a contender whose call takes ``seconds``: about 0.25 s worth, 5 to 51; ``requested`` wins."""
    if requested is not None:
        return requested
    return max(5, min(51, int(0.25 / max(seconds, 1e-6))))


def calls_per_batch(function: Callable[[], object]) -> int:
    """Calls per timed batch so that a batch takes about 0.25 ms (short batches are rarely preempted)."""
    start = time.perf_counter()
    function()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, min(20000, int(0.00025 / once)))
