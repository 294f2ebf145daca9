"""frame64.Encoder and threaded encoding.

The oracle for strip-split JPEGs is libjpeg-turbo itself: TurboJPEG 2.x reads
TJ_RESTART (a restart interval in MCU rows) in tjCompress2, so PyTurboJPEG
run in a subprocess with TJ_RESTART=<MCU rows per strip> writes the JPEG that
stitching must reproduce byte for byte.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import frame64
from frame64 import _encoder, _fallback, _formats
from frame64._sample import camera_frame

from ..conftest import UseBackend, cv2, passes_in_a_fork_child

TJSAMP = _formats.TJSAMP
TJPF = _formats.TJPF
ACCURATE = _formats.TJFLAG_ACCURATEDCT

BACKENDS = ["python"] + (["cpp"] if frame64.backend == "cpp" else [])


def backend_module(name: str) -> Any:
    if name == "cpp":
        from frame64 import _core

        return _core
    return _fallback


# --- the TJ_RESTART oracle ------------------------------------------------

_ORACLE = r"""
import pickle, sys
from turbojpeg import TurboJPEG
jobs = pickle.load(sys.stdin.buffer)
turbo = TurboJPEG()
out = [turbo.encode(a, quality=q, pixel_format=pf, jpeg_subsample=s, flags=f) for a, q, pf, s, f in jobs]
sys.stdout.buffer.write(pickle.dumps(out))
"""


def restart_oracle(jobs: list[tuple[np.ndarray, int, int, int, int]], restart_rows: int) -> list[bytes]:
    """PyTurboJPEG's JPEGs of (array, quality, tjpf, tjsamp, flags) with TJ_RESTART=restart_rows (0: unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TJ_RESTART", "TJ_OPTIMIZE", "TJ_ARITHMETIC")}
    if restart_rows:
        env["TJ_RESTART"] = str(restart_rows)
    done = subprocess.run(
        [sys.executable, "-c", _ORACLE], input=pickle.dumps(jobs), capture_output=True, env=env, check=True
    )
    return pickle.loads(done.stdout)  # type: ignore[no-any-return]


def frame_for(tjsamp: int, height: int, width: int, gray_input: bool, seed: int = 0) -> tuple[np.ndarray, int]:
    if gray_input:
        return camera_frame(height, width, 1, seed=seed), TJPF["GRAY"]
    return camera_frame(height, width, 3, seed=seed), TJPF["BGR"]


def mcu(tjsamp: int) -> tuple[int, int]:
    return _formats.MCU_SIZE[tjsamp]


def strip_count(jpeg: bytes) -> int:
    """1 + the number of RST markers (marker bytes never occur unstuffed in scan data)."""
    return 1 + sum(jpeg.count(bytes((0xFF, 0xD0 + k))) for k in range(8))


# (tjsamp, gray input, width, height, MCU rows per strip): every subsampling,
# 1..8 strips, heights on and off the MCU grid, widths 8..4096.
SUBSAMPLING_CASES = [(TJSAMP[name], False) for name in TJSAMP] + [(TJSAMP["gray"], True)]
MATRIX: list[tuple[int, bool, int, int, int]] = []
_widths = [8, 17, 64, 333, 1000, 129]
for _i, (_samp, _gray) in enumerate(SUBSAMPLING_CASES):
    _mw, _mh = mcu(_samp)
    for _strips in range(1, 9):
        for _j, _delta in enumerate((0, 1, _mh - 1)):  # on the grid, and a partial last MCU row
            _rows = 1 + (_strips + _j) % 2
            _height = _strips * _rows * _mh - _delta
            MATRIX.append((_samp, _gray, _widths[(_i + _strips + _j) % len(_widths)], _height, _rows))
    for _width in (8, 9, 31, 255, 1920, 4095, 4096):
        MATRIX.append((_samp, _gray, _width, 3 * _mh + 5, 1))
# A frame so wide (libjpeg's widest: JPEG_MAX_DIMENSION = 65500) that a strip
# of 8 MCU rows nearly fills DRI's 16 bits: 8 * 8188 = 65504 MCUs.
MATRIX.append((TJSAMP["gray"], True, 65500, 136, 8))


def case_id(case: tuple[int, bool, int, int, int]) -> str:
    samp, gray, width, height, rows = case
    name = {v: k for k, v in TJSAMP.items()}[samp]
    return f"{name}{'-grayin' if gray else ''}-{width}x{height}-r{rows}"


@pytest.fixture(scope="module")
def oracle() -> dict[tuple[int, bool, int, int, int], bytes]:
    by_rows: dict[int, list[tuple[int, bool, int, int, int]]] = {}
    for case in MATRIX:
        by_rows.setdefault(case[4], []).append(case)
    # One strip means no restart markers at all: the plain JPEG (TJ_RESTART unset).
    for case in MATRIX:
        if case[4] > 0 and -(-case[3] // mcu(case[0])[1]) <= case[4]:
            by_rows.setdefault(0, []).append(case)
            by_rows[case[4]].remove(case)
    expected = {}
    for rows, cases in by_rows.items():
        jobs = []
        for samp, gray, width, height, _ in cases:
            array, tjpf = frame_for(samp, height, width, gray, seed=width + height)
            jobs.append((array, 90, tjpf, samp, ACCURATE))
        expected.update(zip(cases, restart_oracle(jobs, rows)))
    return expected


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", MATRIX, ids=case_id)
def test_stitched_jpeg_equals_libjpeg_restart_output(
    case: tuple[int, bool, int, int, int], backend: str, oracle: dict[Any, bytes]
) -> None:
    samp, gray, width, height, rows = case
    array, tjpf = frame_for(samp, height, width, gray, seed=width + height)
    pool = backend_module(backend).BatchEncoder(3)
    text = pool.encode(array, tjpf, 90, samp, False, False, False, rows)
    jpeg = base64.b64decode(text)
    assert jpeg == oracle[case]
    assert strip_count(jpeg) == -(-(-(-height // mcu(samp)[1])) // rows)


@functools.lru_cache(maxsize=None)
def large_frame(height: int, width: int) -> np.ndarray:
    frame = camera_frame(height, width, seed=3)
    frame.flags.writeable = False
    return frame


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "shape,threads,subsampling",
    [
        ((1080, 1920), 2, "420"),
        ((1080, 1920), 4, "444"),
        ((1080, 1920), 3, "422"),
        ((2160, 3840), 2, "420"),
        ((1000, 1000), 4, "420"),
        ((1000, 1000), 2, "440"),
        ((1000, 1000), 3, "411"),
    ],
)
def test_large_frames_match_oracle_and_decode_to_single_thread_pixels(
    shape: tuple[int, int], threads: int, subsampling: str, backend: str, use_backend: UseBackend
) -> None:
    use_backend(backend_module(backend))
    frame = large_frame(*shape)
    text = frame64.encode(frame, subsampling=subsampling, threads=threads)
    assert text == frame64.Encoder(subsampling=subsampling, threads=threads, split_frames=True).encode(frame)
    jpeg = base64.b64decode(text)
    rows = _encoder.strip_rows(shape[1], shape[0], TJSAMP[subsampling], False, threads)
    assert rows > 0 and strip_count(jpeg) == min(threads, -(-shape[0] // mcu(TJSAMP[subsampling])[1]))
    [expected] = restart_oracle([(frame, 90, TJPF["BGR"], TJSAMP[subsampling], ACCURATE)], rows)
    assert jpeg == expected
    single = base64.b64decode(frame64.encode(frame, subsampling=subsampling))
    assert jpeg != single
    assert np.array_equal(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.imdecode(np.frombuffer(single, np.uint8), cv2.IMREAD_COLOR))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(jpeg))), np.asarray(Image.open(io.BytesIO(single))))


def test_more_strips_than_threads_when_the_restart_interval_would_overflow() -> None:
    # 8188 MCUs per row: at most 8 MCU rows per restart interval, so 17 MCU
    # rows make 3 strips for 2 threads.
    assert _encoder.strip_rows(65500, 136, TJSAMP["gray"], False, 2) == 8
    assert _encoder.strip_rows(65500, 128, TJSAMP["gray"], False, 2) == 8
    assert _encoder.strip_rows(65500, 128 * 8, TJSAMP["gray"], False, 2) == 8


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_strip_too_large_for_dri_raises_naming_strip_rows(backend: str) -> None:
    frame = np.zeros((80, 65500), np.uint8)
    pool = backend_module(backend).BatchEncoder(2)
    with pytest.raises(ValueError, match="strip_rows"):
        pool.encode(frame, TJPF["GRAY"], 90, TJSAMP["gray"], False, False, False, 9)


@settings(deadline=None, max_examples=40)
@given(
    height=st.integers(1, 300),
    width=st.integers(1, 300),
    samp=st.sampled_from(sorted(TJSAMP.values())),
    rows=st.integers(0, 12),
    quality=st.integers(1, 100),
    fast_dct=st.booleans(),
)
def test_property_cpp_equals_fallback_and_pixels_equal_single_thread(
    height: int, width: int, samp: int, rows: int, quality: int, fast_dct: bool
) -> None:
    frame = camera_frame(height, width, seed=height * 7 + width)
    args = (TJPF["BGR"], quality, samp, fast_dct, False, False, rows)
    texts = {name: backend_module(name).BatchEncoder(2).encode(frame, *args) for name in BACKENDS}
    assert len(set(texts.values())) == 1
    jpeg = base64.b64decode(texts["python"])
    single = base64.b64decode(_fallback.encode_jpeg(frame, TJPF["BGR"], quality, samp, fast_dct, False, False))
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(decoded, cv2.imdecode(np.frombuffer(single, np.uint8), cv2.IMREAD_UNCHANGED))


@pytest.mark.parametrize("backend", BACKENDS)
def test_progressive_is_never_split(backend: str, use_backend: UseBackend) -> None:
    use_backend(backend_module(backend))
    frame = camera_frame(720, 1280)
    assert _encoder.strip_rows(1280, 720, TJSAMP["420"], True, 8) == 0
    one = frame64.encode(frame, progressive=True)
    assert frame64.encode(frame, progressive=True, threads=4) == one
    pool = backend_module(backend).BatchEncoder(4)
    assert pool.encode(frame, TJPF["BGR"], 90, TJSAMP["420"], False, True, False, 3) == one


def test_small_frames_are_not_split() -> None:
    frame = camera_frame(256, 255)  # under 2 strips of MIN_STRIP_PIXELS
    assert frame64.encode(frame, threads=8) == frame64.encode(frame)
    assert frame64.Encoder(threads=8).encode(frame) == frame64.encode(frame)


# --- Encoder: batch, imap, sharing, pickling ---------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> str:
    use_backend(backend_module(request.param))
    return str(request.param)


def mixed_frames() -> list[np.ndarray]:
    shapes = [(480, 640), (1, 1), (720, 1280), (17, 33), (600, 800), (64, 48), (1080, 1920), (9, 700)]
    frames = [camera_frame(h, w, seed=i) for i, (h, w) in enumerate(shapes)]
    frames.append(camera_frame(500, 700, seed=9)[10:400:1, 5:600])  # a crop: strided rows
    return frames


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("data_uri", [False, True])
def test_encode_batch_equals_sequential_encode_in_order(backend: str, threads: int, data_uri: bool) -> None:
    encoder = frame64.Encoder(threads=threads, data_uri=data_uri)
    frames = mixed_frames()
    expected = [frame64.encode(f, data_uri=data_uri) for f in frames]  # whole frames, whatever threads is
    assert encoder.encode_batch(frames) == expected
    assert encoder.encode_batch(tuple(frames)) == expected
    assert encoder.encode_batch(frames[::-1]) == expected[::-1]
    assert encoder.encode_batch([]) == []
    # encode() gives the same bytes too, unless strips are asked for by name.
    assert [encoder.encode(f) for f in frames] == expected
    splitter = frame64.Encoder(threads=threads, data_uri=data_uri, split_frames=True)
    split = [frame64.encode(f, data_uri=data_uri, threads=threads) for f in frames]
    assert [splitter.encode(f) for f in frames] == split
    assert (split == expected) == (threads == 1)


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_imap_is_ordered_and_bounded(backend: str, threads: int) -> None:
    encoder = frame64.Encoder(threads=threads)
    frames = mixed_frames() * 2
    expected = encoder.encode_batch(frames)
    pulled = 0

    def source() -> Iterator[np.ndarray]:
        nonlocal pulled
        for frame in frames:
            pulled += 1
            yield frame

    results = []
    for text in encoder.imap(source(), max_in_flight=3):
        assert pulled - len(results) <= 3
        results.append(text)
    assert results == expected
    assert list(encoder.imap(frames)) == expected  # default bound 2 * threads
    assert list(encoder.imap([])) == []


def test_imap_closed_early_is_safe(backend: str) -> None:
    encoder = frame64.Encoder(threads=2)
    frames = [camera_frame(720, 1280, seed=i) for i in range(6)]
    stream = encoder.imap(frames, max_in_flight=4)
    first = next(stream)
    stream.close()  # three frames still in flight are cancelled or waited for, then released
    assert first == frame64.encode(frames[0])


@pytest.mark.parametrize("pixel_format,channels", [("BGR", 3), ("RGBA", 4), ("GRAY", 1)])
def test_encode_batch_of_one_nd_array(backend: str, pixel_format: str, channels: int) -> None:
    encoder = frame64.Encoder(threads=2, pixel_format=pixel_format, subsampling="444")
    stack = np.stack([camera_frame(400, 360, channels, seed=i) for i in range(5)])
    if channels == 1:
        assert stack.ndim == 3
    expected = [frame64.encode(f, pixel_format=pixel_format, subsampling="444") for f in stack]
    assert encoder.encode_batch(stack) == expected
    assert encoder.encode_batch(stack[::2]) == expected[::2]


def test_threads_share_one_encoder(backend: str) -> None:
    encoder = frame64.Encoder(threads=2, quality=80, split_frames=True)
    frames = [camera_frame(48, 64, seed=1), camera_frame(9, 17, seed=2), camera_frame(384, 400, seed=3), camera_frame(1, 8, seed=4)]
    expected = [frame64.encode(f, quality=80) for f in frames]  # encode_batch and imap
    split = [frame64.encode(f, quality=80, threads=2) for f in frames]  # encode
    assert split[2] != expected[2]  # the large frame is split
    per_thread = 300 if backend == "cpp" else 60
    failures: list[str] = []

    def work(seed: int) -> None:
        for i in range(per_thread):
            k = (i + seed) % 4
            if i % 10 == 0:
                got = encoder.encode_batch(frames[k:] + frames[:k])
                if got != expected[k:] + expected[:k]:
                    failures.append(f"batch {seed}/{i}")
            elif i % 10 == 5:
                if list(encoder.imap(frames)) != expected:
                    failures.append(f"imap {seed}/{i}")
            elif encoder.encode(frames[k]) != split[k]:
                failures.append(f"encode {seed}/{i}")

    workers = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []


@pytest.mark.parametrize("threads", [None, 1, 3])
def test_pickle_round_trip(backend: str, threads: int | None) -> None:
    encoder = frame64.Encoder(quality=77, subsampling="422", pixel_format="RGB", data_uri=True, threads=threads)
    clone = pickle.loads(pickle.dumps(encoder))
    assert repr(clone) == repr(encoder)
    assert clone.options == encoder.options
    assert clone.threads == encoder.threads
    frames = mixed_frames()[:4]
    assert clone.encode_batch(frames) == encoder.encode_batch(frames)
    assert pickle.loads(pickle.dumps(clone)).encode(frames[0]) == encoder.encode(frames[0])


def test_threads_none_means_all_cores() -> None:
    assert frame64.Encoder().threads == _encoder.available_cores() >= 1


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,error,name",
    [
        ({"quality": 0}, ValueError, "quality"),
        ({"quality": 9.5}, TypeError, "quality"),
        ({"subsampling": "423"}, ValueError, "subsampling"),
        ({"pixel_format": "YUV"}, ValueError, "pixel_format"),
        ({"format": "gif"}, ValueError, "format"),
        ({"progressive": 1}, TypeError, "progressive"),
        ({"threads": 0}, ValueError, "threads"),
        ({"threads": -2}, ValueError, "threads"),
        ({"threads": "2"}, TypeError, "threads"),
        ({"threads": True}, TypeError, "threads"),
        ({"threads": 2.0}, TypeError, "threads"),
    ],
)
def test_bad_options_raise_naming_the_argument(kwargs: dict[str, Any], error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        frame64.Encoder(**kwargs)
    with pytest.raises(error, match=name):
        frame64.encode(np.zeros((8, 8, 3), np.uint8), **kwargs)


def test_encoder_is_jpeg_only_so_far() -> None:
    with pytest.raises(ValueError, match="format"):
        frame64.Encoder(format="png")


def test_bad_max_in_flight_raises(backend: str) -> None:
    with pytest.raises(ValueError, match="threads"):  # checked as a count >= 1
        next(frame64.Encoder(threads=1).imap([np.zeros((8, 8, 3), np.uint8)], max_in_flight=0))


@pytest.mark.parametrize(
    "bad,error,text",
    [
        (np.zeros((8, 8, 3), np.float32), TypeError, "dtype"),
        (np.zeros((8, 8, 4), np.uint8), ValueError, "shape"),
        (np.zeros((0, 8, 3), np.uint8), ValueError, "empty"),
        ("not a frame", TypeError, ""),
    ],
)
def test_bad_frame_in_a_batch_raises_with_its_index(backend: str, bad: Any, error: type, text: str) -> None:
    encoder = frame64.Encoder(threads=2)
    good = camera_frame(32, 32)
    with pytest.raises(error, match=rf"frames\[2\]: .*{text}"):
        encoder.encode_batch([good, good, bad, good])
    with pytest.raises(error, match=rf"frames\[1\]: .*{text}"):
        list(encoder.imap([good, bad]))
    with pytest.raises(error):
        encoder.encode(bad)


def test_imap_yields_the_frames_before_a_bad_one(backend: str) -> None:
    # As Decoder.imap: a stream keeps what it has done when a bad frame comes.
    encoder = frame64.Encoder(threads=2)
    good = camera_frame(32, 32)
    stream = encoder.imap([good, good, "not a frame", good], max_in_flight=4)
    expected = encoder.encode(good)
    assert next(stream) == expected
    assert next(stream) == expected
    with pytest.raises(TypeError, match=r"frames\[2\]: "):
        next(stream)


@pytest.mark.parametrize("frames", [5, None, "abc", np.zeros((4, 4), np.uint8), np.zeros((2, 2, 2, 2, 3), np.uint8)])
def test_bad_batch_container_raises_naming_frames(backend: str, frames: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="frames"):
        frame64.Encoder(threads=2).encode_batch(frames)


def test_core_checks_frames_itself_and_names_the_index() -> None:
    core = pytest.importorskip("frame64._core")
    pool = core.BatchEncoder(2)
    good = camera_frame(16, 16)
    no_pitch = np.broadcast_to(good[:1], (16, 16, 3))  # rows overlap: refused, never read out of bounds
    with pytest.raises(ValueError, match=r"frames\[1\]: image"):
        pool.encode_batch([good, no_pitch, good], TJPF["BGR"], 90, TJSAMP["420"], False, False, False, [0, 0, 0])
    with pytest.raises(ValueError, match="strip_rows"):
        pool.encode_batch([good], TJPF["BGR"], 90, TJSAMP["420"], False, False, False, [0, 0])
    with pytest.raises(ValueError, match="quality"):
        pool.encode_batch([good], TJPF["BGR"], 0, TJSAMP["420"], False, False, False, [0])
    with pytest.raises(ValueError, match="threads"):
        core.BatchEncoder(0)


def test_compression_error_mid_batch_raises_after_the_batch_with_its_index() -> None:
    core = pytest.importorskip("frame64._core")
    pool = core.BatchEncoder(2)
    good = camera_frame(200, 300)
    # 16400 x 65500 gray: its worst-case JPEG size (tjBufSize, 2 bytes per
    # pixel) exceeds the 2 GiB tjAlloc can give, so the worker's compression
    # fails before reading a pixel (the zero pages stay untouched). Sides over
    # 65500 no longer reach the workers: the core refuses them up front.
    huge = np.zeros((16400, 65500), np.uint8)
    gray = np.ascontiguousarray(good[:, :, 0])
    with pytest.raises(core.JpegError, match=r"frames\[3\]: image too large"):
        pool.encode_batch([gray, gray, gray, huge, gray], TJPF["GRAY"], 90, TJSAMP["gray"], False, False, False, [0] * 5)
    # The pool is still healthy afterwards.
    assert pool.encode_batch([good], TJPF["BGR"], 90, TJSAMP["420"], False, False, False, [0]) == [
        frame64.encode(good)
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_baseline_after_progressive_on_the_same_threads_is_unchanged(backend: str, use_backend: UseBackend) -> None:
    # libjpeg-turbo < 3.1 keeps a progressive image's optimized Huffman
    # tables in a reused TurboJPEG handle; every thread's compressor must not.
    use_backend(backend_module(backend))
    frames = [camera_frame(600, 800, seed=4), camera_frame(37, 45, seed=1)]
    baseline = frame64.Encoder(threads=2)
    expected = baseline.encode_batch(frames * 2)
    expected_plain = [frame64.encode(f) for f in frames]
    for options in ({"progressive": True}, {"progressive": True, "quality": 1, "subsampling": "444"}, {"fast_dct": True}):
        frame64.Encoder(threads=2, **options).encode_batch(frames * 2)
        for frame in frames:
            frame64.encode(frame, **options)
        assert baseline.encode_batch(frames * 2) == expected
        assert [frame64.encode(f) for f in frames] == expected_plain


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_encoders_and_pools_work_in_a_fork_child(backend: str) -> None:
    # A fork() child inherits pool objects but none of their threads; waiting
    # on or destroying an inherited pool must neither hang nor crash.
    frame = camera_frame(720, 1280)
    encoder = frame64.Encoder(threads=2)
    expected = encoder.encode_batch([frame] * 3)
    split = frame64.encode(frame, threads=2)
    raw = backend_module(backend).BatchEncoder(2)
    rows = _encoder.strip_rows(1280, 720, TJSAMP["420"], False, 2)
    assert raw.encode(frame, TJPF["BGR"], 90, TJSAMP["420"], False, False, False, rows) == split
    def in_child() -> bool:
        nonlocal raw
        ok = encoder.encode_batch([frame] * 3) == expected
        ok = ok and list(encoder.imap([frame] * 3)) == expected
        ok = ok and frame64.encode(frame, threads=2) == split
        ok = ok and raw.encode(frame, TJPF["BGR"], 90, TJSAMP["420"], False, False, False, rows) == split
        del raw  # destroying an inherited pool must not hang either
        return ok

    assert passes_in_a_fork_child(in_child)


def test_core_pending_frame_result_from_many_threads() -> None:
    core = pytest.importorskip("frame64._core")
    pool = core.BatchEncoder(2)
    frame = camera_frame(720, 1280)
    expected = frame64.encode(frame, threads=2)
    rows = _encoder.strip_rows(1280, 720, TJSAMP["420"], False, 2)
    for _ in range(20):
        pending = pool.submit(frame, TJPF["BGR"], 90, TJSAMP["420"], False, False, False, rows)
        results: list[str] = []
        readers = [threading.Thread(target=lambda: results.append(pending.result())) for _ in range(4)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        assert results == [expected] * 4
        assert pending.done()


def test_keyboard_interrupt_stops_a_long_batch_and_the_pool_still_works(use_backend: UseBackend) -> None:
    # The C++ pool runs without the GIL, so it must look for signals itself.
    use_backend(pytest.importorskip("frame64._core"))
    encoder = frame64.Encoder(threads=2)
    frame = camera_frame(480, 640)
    # Python's own Ctrl-C handler, even where this process was started with
    # SIGINT ignored (a background job of a non-interactive shell).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            encoder.encode_batch([frame] * 20000)  # minutes of work: the signal must cut it short
    finally:
        timer.join()
        signal.signal(signal.SIGINT, previous)
    assert encoder.encode_batch([frame] * 3) == [frame64.encode(frame)] * 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_core_batch_with_strips_per_frame_equals_one_by_one(backend: str) -> None:
    pool = backend_module(backend).BatchEncoder(3)
    frames = mixed_frames()
    rows = [3, 0, 5, 1, 0, 2, 40, 1, 7]
    args = (TJPF["BGR"], 85, TJSAMP["420"], False, False, True)
    expected = [pool.encode(f, *args, r) for f, r in zip(frames, rows)]
    assert pool.encode_batch(frames, *args, rows) == expected
    assert strip_count(base64.b64decode(expected[6].split(",")[1])) == 2  # 1080 rows: 68 MCU rows in 2 strips
