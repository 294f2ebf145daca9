"""The memory behind the Decoder's arrays (cpp/bindings/pixel_memory.cpp): a frame of
4 MiB or more starts on a 2 MiB boundary and is advised MADV_HUGEPAGE, as numpy
advises its own large arrays, and only while numpy's own setting says so; the
mapping goes back to the system when the array is freed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, Callable

import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

pytest.importorskip("frame64._core")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux mappings and madvise")

try:
    from numpy._core import multiarray
except ImportError:  # numpy 1.x
    from numpy.core import multiarray  # type: ignore[no-redef]

HUGE = 2 << 20


def _mapping(address: int) -> tuple[int, int, set[str]] | None:
    """(start, end, VmFlags) of the mapping that holds address, from /proc/self/smaps."""
    found = None
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                low, high = (int(part, 16) for part in head.split("-"))
                found = (low, high) if low <= address < high else None
            elif found and line.startswith("VmFlags:"):
                return found[0], found[1], set(line.split()[1:])
    return None


@pytest.fixture
def huge_pages_off() -> Iterator[None]:
    if not hasattr(multiarray, "_get_madvise_hugepage"):
        pytest.skip("this numpy has no _get_madvise_hugepage")
    set_advice = getattr(multiarray, "_set_madvise_hugepage")  # private to numpy, untyped
    before = set_advice(False)
    try:
        yield
    finally:
        set_advice(before)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [frame64.encode(camera_frame(1080, 1920, seed=seed), quality=85) for seed in range(3)]


def _batch(texts: list[str]) -> list[np.ndarray]:
    return frame64.Decoder(threads=2).decode_batch(texts)  # type: ignore[no-any-return]


def _imap(texts: list[str]) -> list[np.ndarray]:
    return list(frame64.Decoder(threads=2).imap(texts))


DECODER_CALLS: list[Callable[[list[str]], list[np.ndarray]]] = [_batch, _imap]


@pytest.mark.parametrize("call", DECODER_CALLS, ids=["decode_batch", "imap"])
def test_large_frames_start_on_a_huge_page_and_are_advised(texts: list[str], call: Any) -> None:
    if not getattr(multiarray, "_get_madvise_hugepage", lambda: True)():
        pytest.skip("numpy's huge-page advice is off here (NUMPY_MADVISE_HUGEPAGE=0)")
    frames = call(texts)
    for frame, text in zip(frames, texts):
        np.testing.assert_array_equal(frame, frame64.decode(text))
        assert frame.ctypes.data % HUGE == 0
        start, end, flags = _mapping(frame.ctypes.data) or (0, 0, set())
        assert "hg" in flags, flags  # MADV_HUGEPAGE
        # 1080p BGR (5.93 MiB) takes three whole huge pages.
        assert start == frame.ctypes.data and end - start == 3 * HUGE


@pytest.mark.parametrize("call", DECODER_CALLS, ids=["decode_batch", "imap"])
def test_no_advice_when_numpy_gives_none(texts: list[str], call: Any, huge_pages_off: None) -> None:
    for frame, text in zip(call(texts), texts):
        np.testing.assert_array_equal(frame, frame64.decode(text))
        _, _, flags = _mapping(frame.ctypes.data) or (0, 0, {"missing"})
        assert "hg" not in flags, flags  # (plain mappings side by side merge: no size to check)


def test_small_frames_come_from_malloc_and_are_writable() -> None:
    text = frame64.encode(camera_frame(48, 64), quality=85)
    (frame,) = frame64.Decoder(threads=2).decode_batch([text])
    assert frame.flags.writeable and frame.flags.c_contiguous
    frame[...] = 7  # the memory is the array's to write
    assert int(frame.sum()) == 7 * frame.size


def test_the_mapping_is_returned_when_the_array_is_freed(texts: list[str]) -> None:
    frames = _batch(texts)
    address = frames[1].ctypes.data
    assert _mapping(address) is not None
    view = frames[1][100:200]
    del frames
    assert _mapping(address) is not None  # a view keeps it
    del view
    assert _mapping(address) is None
