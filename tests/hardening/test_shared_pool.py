"""The C++ work that lasts one call (PNG deflate bands, area-resize chunks,
JPEG decode bands) runs on one pool the process keeps (parallel::shared_pool):
a call starts no thread of its own, a call asking for more threads grows the
pool by what is missing, and a fork() child starts a pool of its own. The
JPEG strips of frame64.encode(threads=N) likewise keep one pool per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame
from tests.conftest import core_module, passes_in_a_fork_child

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc/self/task")


def test_calls_reuse_the_process_pool_and_grow_it_only_by_what_is_missing() -> None:
    core_module()
    # A fresh interpreter, so that no earlier test has started or grown the pool.
    script = textwrap.dedent(
        """
        import json, os
        import frame64
        from frame64._sample import camera_frame

        def threads():
            return len(os.listdir("/proc/self/task"))

        frame = camera_frame(1080, 1920)
        counts = {"start": threads()}
        frame64.encode(frame, format="png", threads=2)
        counts["png threads=2"] = threads()
        for _ in range(3):
            frame64.encode(frame, format="png", threads=2)
            frame64.resize(frame, max_side=640, threads=2)
            frame64.decode(frame64.encode(frame, threads=2), threads=2)
        counts["after more threads=2 calls"] = threads()
        frame64.encode(frame, format="png", threads=4)
        counts["png threads=4"] = threads()
        frame64.encode(frame, format="png", threads=3)
        frame64.resize(frame, max_side=640, threads=2)
        counts["png threads=3, resize threads=2"] = threads()
        print(json.dumps(counts))
        """
    )
    env = dict(os.environ, FRAME64_BACKEND="cpp")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    # One worker beside the calling thread, kept after the call (a pool per call would have joined it).
    assert counts["png threads=2"] == counts["start"] + 1, counts
    # frame64.encode(threads=2) keeps its own strip pool (one more thread); the bands, the
    # resize chunks and the PNG bands start none.
    assert counts["after more threads=2 calls"] == counts["png threads=2"] + 1, counts
    # Grown to three workers (the pool of one is replaced); later calls for fewer threads start none.
    assert counts["png threads=4"] == counts["after more threads=2 calls"] + 2, counts
    assert counts["png threads=3, resize threads=2"] == counts["png threads=4"], counts


def test_a_call_for_fewer_threads_gives_the_same_result_on_a_grown_pool() -> None:
    core_module()
    frame = camera_frame(1080, 1920)
    png = frame64.encode(frame, format="png", threads=2)
    small = frame64.resize(frame, max_side=640, threads=2)
    frame64.encode(frame, format="png", threads=8)  # grows the pool to 7 workers
    assert frame64.encode(frame, format="png", threads=2) == png
    assert np.array_equal(frame64.resize(frame, max_side=640, threads=2), small)
    assert frame64.encode(frame, format="png", threads=1) == png
    assert np.array_equal(frame64.resize(frame, max_side=640, threads=1), small)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_png_bands_and_resize_chunks_work_in_a_fork_child() -> None:
    """The child inherits the pool object but not its threads: PNG bands, the
    resize and the resize streamed into libjpeg must still finish there, on
    a pool of the child's own, with the parent's results."""
    core_module()
    frame = camera_frame(720, 1280)
    png = frame64.encode(frame, format="png", threads=2)  # the parent's pool exists now
    small = frame64.resize(frame, max_side=320, threads=2)
    jpeg = frame64.encode(frame, max_side=320, threads=2)

    def in_child() -> bool:
        return (
            frame64.encode(frame, format="png", threads=2) == png
            and np.array_equal(frame64.resize(frame, max_side=320, threads=2), small)
            and frame64.encode(frame, max_side=320, threads=2) == jpeg
        )

    for _ in range(3):
        assert passes_in_a_fork_child(in_child)


def test_jpeg_strip_calls_with_different_thread_counts_keep_one_pool() -> None:
    """frame64.encode(threads=N) keeps one strip pool per process, of the most threads asked for,
    not one pool per N; a smaller N on the grown pool gives its own bytes still."""
    core_module()
    script = textwrap.dedent(
        """
        import json, os
        import frame64
        from frame64._sample import camera_frame

        def threads():
            return len(os.listdir("/proc/self/task"))

        frame = camera_frame(1080, 1920)
        start = threads()
        first = {n: frame64.encode(frame, threads=n) for n in (2, 3)}
        for n in range(2, 7):
            frame64.encode(frame, threads=n)
        grown = threads()
        again = {n: frame64.encode(frame, threads=n) for n in (2, 3)}
        print(json.dumps({"start": start, "grown": grown, "after": threads(),
                          "same": all(first[n] == again[n] for n in first)}))
        """
    )
    env = dict(os.environ, FRAME64_BACKEND="cpp")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    # One pool of 6 threads: 5 workers beside the caller (a pool per count would keep 1 + 2 + ... + 5).
    assert counts["grown"] == counts["start"] + 5, counts
    assert counts["after"] == counts["grown"], counts
    assert counts["same"], counts
