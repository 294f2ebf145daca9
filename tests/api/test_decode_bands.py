"""frame64.decode(threads=N): one JPEG decoded in horizontal bands across threads.

A baseline JPEG whose restart interval is a whole number of MCU rows is cut
at its RST markers (cpp/jpeg/band_decoder.cpp). The oracles: the one-thread
decode (threads=1, the same arrays and the same errors) and cv2.imdecode (the
same pixels). The restart-coded inputs come from frame64.encode(threads=N)
(strips stitched with RST markers) and from libjpeg-turbo itself: TurboJPEG
2.x reads TJ_RESTART in tjCompress2, "<n>" as n MCU rows and "<n>B" as n
MCUs (blocks), so PyTurboJPEG run in a subprocess writes such files.
"""

from __future__ import annotations

import base64
import os
import pickle
import subprocess
import sys
from functools import lru_cache
from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import _fallback
from frame64._formats import MCU_SIZE, TJSAMP
from frame64._sample import camera_frame
from tests.conftest import core_module, cv2, passes_in_a_fork_child
from tests.photo_corpus import pillow_jpeg

TJPF_BGR, TJPF_GRAY = 0, 6
SUBSAMPLINGS = ("444", "422", "420", "gray")
# (height, width): 1080p and odd sizes on and off the MCU grid. frame64.encode
# splits frames of at least 2 * 65536 pixels into strips (smaller ones: no
# restart markers, the one-thread path).
SIZES = [(1080, 1920), (17, 33), (719, 1283), (1001, 333), (517, 1031), (4097, 40)]
PIXEL_FORMATS = ("BGR", "RGB", "BGRA", "RGBA", "GRAY")


def _jpeg(text: str) -> bytes:
    return base64.b64decode(text)


def _text(jpeg: bytes) -> str:
    return base64.b64encode(jpeg).decode()


def _frame(height: int, width: int, subsampling: str, seed: int = 0) -> np.ndarray:
    return camera_frame(height, width, 1 if subsampling == "gray" else 3, seed=seed)


def _cv2(jpeg: bytes, pixel_format: str) -> np.ndarray:
    flag = cv2.IMREAD_GRAYSCALE if pixel_format == "GRAY" else cv2.IMREAD_COLOR
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), flag)
    if pixel_format in ("BGR", "GRAY"):
        return decoded
    rgb = decoded[..., ::-1] if pixel_format.startswith("RGB") else decoded
    if pixel_format.endswith("A"):
        return np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return np.ascontiguousarray(rgb)


def _encode(frame: np.ndarray, subsampling: str, **options: Any) -> str:
    if subsampling == "gray":
        return frame64.encode(frame, pixel_format="GRAY", **options)
    return frame64.encode(frame, subsampling=subsampling, **options)


def _mcus_per_row(width: int, subsampling: str) -> int:
    mcu_width = MCU_SIZE[TJSAMP[subsampling]][0]
    return -(-width // mcu_width)


def _mcu_rows(height: int, subsampling: str) -> int:
    mcu_height = MCU_SIZE[TJSAMP[subsampling]][1]
    return -(-height // mcu_height)


def intervals_of(jpeg: bytes) -> int:
    """1 + the number of RST markers (marker bytes never occur unstuffed in scan data)."""
    return 1 + sum(jpeg.count(bytes((0xFF, 0xD0 + k))) for k in range(8))


def band_count(jpeg: bytes, threads: int) -> int:
    return core_module().jpeg_band_count(jpeg, threads)  # type: ignore[no-any-return]


def test_this_build_decodes_one_frame_across_threads() -> None:
    """Band decoding needs libjpeg's jpegint.h at build time (CMakeLists.txt
    warns without it); frame64's wheel and Debian's libjpeg62-turbo-dev have it.
    Without it every band_count below is 0 and threads=N decodes on one thread."""
    assert core_module().parallel_bands, "frame64._core was built without jpegint.h: no band decoding"


def assert_bands_equal(jpeg: bytes, pixel_formats: tuple[str, ...] = PIXEL_FORMATS, expect_bands: bool = True) -> None:
    """threads 1..4 give the one-thread arrays, and those are cv2.imdecode's."""
    text = _text(jpeg)
    if expect_bands:
        assert band_count(jpeg, 2) == 2  # the band path is really taken
    else:
        assert band_count(jpeg, 4) == 0
    for pixel_format in pixel_formats:
        one = frame64.decode(text, pixel_format=pixel_format)
        assert np.array_equal(one, _cv2(jpeg, pixel_format)), pixel_format
        for threads in (2, 3, 4):
            banded = frame64.decode(text, pixel_format=pixel_format, threads=threads)
            assert banded.shape == one.shape and np.array_equal(banded, one), (pixel_format, threads)


# --- frame64's own strips --------------------------------------------------


@pytest.mark.parametrize("subsampling", SUBSAMPLINGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("encode_threads", (2, 3, 5))
def test_frame64_strips_decode_alike_on_any_thread_count(subsampling: str, size: tuple[int, int],
                                                          encode_threads: int) -> None:
    height, width = size
    text = _encode(_frame(height, width, subsampling), subsampling, threads=encode_threads)
    jpeg = _jpeg(text)
    strips = intervals_of(jpeg)
    assert strips <= min(encode_threads, _mcu_rows(height, subsampling))
    formats = PIXEL_FORMATS if height * width < 10**6 else ("BGR", "GRAY")
    assert_bands_equal(jpeg, formats, expect_bands=strips >= 2)
    if strips >= 2:
        assert band_count(jpeg, 8) == strips  # one band per restart interval at most


@pytest.mark.parametrize("subsampling", ["440", "411"])
def test_other_subsamplings(subsampling: str) -> None:
    # 4:4:0 upsamples vertically only (libjpeg's h1v2 fancy upsampling), 4:1:1 4x across.
    text = _encode(_frame(719, 1283, subsampling, seed=1), subsampling, threads=3)
    assert_bands_equal(_jpeg(text), ("BGR", "GRAY"))


@pytest.mark.parametrize("subsampling", SUBSAMPLINGS)
def test_4k_strips(subsampling: str) -> None:
    text = _encode(_frame(2160, 3840, subsampling, seed=3), subsampling, threads=2)
    assert_bands_equal(_jpeg(text), ("BGR", "GRAY"))


def test_out_and_fallback_with_threads(use_backend: Any) -> None:
    text = frame64.encode(_frame(203, 150, "420", seed=4), threads=3)
    one = frame64.decode(text)
    out = np.empty_like(one)
    assert frame64.decode(text, threads=2, out=out) is out
    assert np.array_equal(out, one)
    use_backend("python")
    for threads in (None, 1, 2, 3):
        assert np.array_equal(frame64.decode(text, threads=threads), one)


# --- libjpeg-turbo's TJ_RESTART --------------------------------------------

_ORACLE = r"""
import pickle, sys
from turbojpeg import TurboJPEG
jobs = pickle.load(sys.stdin.buffer)
turbo = TurboJPEG()
sys.stdout.buffer.write(pickle.dumps([turbo.encode(a, quality=90, pixel_format=pf, jpeg_subsample=s)
                                      for a, pf, s in jobs]))
"""


def turbo_restart(jobs: list[tuple[np.ndarray, int, int]], restart: str) -> list[bytes]:
    """PyTurboJPEG's JPEGs of (array, tjpf, tjsamp) with TJ_RESTART=restart."""
    env = {k: v for k, v in os.environ.items() if k not in ("TJ_RESTART", "TJ_OPTIMIZE", "TJ_ARITHMETIC")}
    env["TJ_RESTART"] = restart
    done = subprocess.run([sys.executable, "-c", _ORACLE], input=pickle.dumps(jobs), capture_output=True, env=env,
                          check=True)
    return pickle.loads(done.stdout)  # type: ignore[no-any-return]


TURBO_SIZES = [(1080, 1920), (17, 33), (101, 77), (719, 1283)]


@lru_cache(maxsize=None)
def turbo_jpegs(restart_rows: int, in_blocks: bool) -> dict[tuple[str, int, int], bytes]:
    """(subsampling, height, width) -> libjpeg-turbo's JPEG restarting every restart_rows MCU rows."""
    found: dict[tuple[str, int, int], bytes] = {}
    for subsampling in SUBSAMPLINGS:
        jobs, keys = [], []
        for height, width in TURBO_SIZES:
            frame = _frame(height, width, subsampling, seed=height)
            jobs.append((frame, TJPF_GRAY if subsampling == "gray" else TJPF_BGR, TJSAMP[subsampling]))
            keys.append((subsampling, height, width))
        if in_blocks:  # the block count is per width: one subprocess per size
            for job, key in zip(jobs, keys):
                blocks = f"{restart_rows * _mcus_per_row(key[2], subsampling)}B"
                found[key] = turbo_restart([job], blocks)[0]
        else:
            found.update(zip(keys, turbo_restart(jobs, str(restart_rows))))
    return found


@pytest.mark.parametrize("restart_rows, in_blocks", [(1, False), (3, False), (2, True)],
                         ids=["1-row", "3-rows", "2-rows-in-blocks"])
@pytest.mark.parametrize("subsampling", SUBSAMPLINGS)
def test_turbojpeg_restart_intervals_decode_alike(restart_rows: int, in_blocks: bool, subsampling: str) -> None:
    for (samp, height, width), jpeg in turbo_jpegs(restart_rows, in_blocks).items():
        if samp != subsampling:
            continue
        intervals = -(-_mcu_rows(height, subsampling) // restart_rows)
        assert intervals_of(jpeg) == intervals
        assert band_count(jpeg, 4) == (min(4, intervals) if intervals >= 2 else 0), (height, width)
        formats = PIXEL_FORMATS if height * width < 10**6 else ("BGR", "GRAY")
        assert_bands_equal(jpeg, formats, expect_bands=intervals >= 2)


def test_turbojpeg_4k_one_row_intervals() -> None:
    frame = _frame(2160, 3840, "420", seed=9)
    jpeg = turbo_restart([(frame, TJPF_BGR, TJSAMP["420"])], "1")[0]
    assert band_count(jpeg, 3) == 3
    assert_bands_equal(jpeg, ("BGR",))


def test_intervals_off_the_mcu_rows_take_the_one_thread_path() -> None:
    frame = _frame(101, 77, "420", seed=2)
    mcus = _mcus_per_row(77, "420")
    jpeg = turbo_restart([(frame, TJPF_BGR, TJSAMP["420"])], f"{mcus + 1}B")[0]
    assert band_count(jpeg, 4) == 0
    assert_bands_equal(jpeg, ("BGR", "GRAY"), expect_bands=False)


def test_other_jpegs_take_the_one_thread_path() -> None:
    frame = _frame(120, 90, "420", seed=5)
    plain = _jpeg(frame64.encode(frame))  # no restart markers
    progressive = _jpeg(frame64.encode(frame, progressive=True))
    for jpeg in (plain, progressive):
        assert band_count(jpeg, 4) == 0
        assert_bands_equal(jpeg, ("BGR",), expect_bands=False)


# --- orientation ------------------------------------------------------------


def _with_exif(jpeg: bytes, orientation: int) -> bytes:
    """jpeg with the EXIF APP1 segment of a Pillow JPEG of that orientation, right after SOI."""
    donor = pillow_jpeg(camera_frame(8, 8), orientation)
    at = donor.index(b"\xff\xe1")
    length = int.from_bytes(donor[at + 2 : at + 4], "big")
    return jpeg[:2] + donor[at : at + 2 + length] + jpeg[2:]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_of_banded_jpegs(orientation: int) -> None:
    jpeg = _with_exif(_jpeg(frame64.encode(_frame(601, 499, "420", seed=6), threads=4)), orientation)
    text = _text(jpeg)
    assert band_count(jpeg, 2) == 2
    for pixel_format in ("BGR", "GRAY", "RGBA"):
        one = frame64.decode(text, pixel_format=pixel_format)
        assert np.array_equal(one, _cv2(jpeg, pixel_format))
        for threads in (2, 3):
            assert np.array_equal(frame64.decode(text, pixel_format=pixel_format, threads=threads), one)
        stored = frame64.decode(text, pixel_format=pixel_format, orientation="ignore", threads=2)
        assert np.array_equal(stored, frame64.decode(text, pixel_format=pixel_format, orientation="ignore"))


# --- damaged banded JPEGs raise as the one-thread decode does ---------------


def _outcome(text: str, threads: int, **options: Any) -> tuple[str, Any]:
    try:
        return "ok", frame64.decode(text, threads=threads, **options)
    except Exception as exc:  # the type and message are what is compared
        return type(exc).__name__, str(exc)


def _same_outcomes(jpeg: bytes) -> None:
    text = _text(jpeg)
    for options in ({}, {"strict": True}, {"best_effort": True}):
        kind, one = _outcome(text, 1, **options)
        for threads in (2, 4):
            kind_n, other = _outcome(text, threads, **options)
            assert kind_n == kind, (options, threads, other, one)
            if kind == "ok":
                assert np.array_equal(other, one), (options, threads)
            else:
                assert other == one, (options, threads)


@lru_cache(maxsize=None)
def _damage_source() -> bytes:
    jpeg = _jpeg(frame64.encode(_frame(480, 600, "420", seed=7), threads=4))
    assert band_count(jpeg, 4) == 4
    return jpeg


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.62, 0.8, 0.97, 0.999])
def test_truncated_banded_jpegs(fraction: float) -> None:
    jpeg = _damage_source()
    _same_outcomes(jpeg[: int(len(jpeg) * fraction)])
    _same_outcomes(jpeg[: int(len(jpeg) * fraction)] + b"\xff\xd9")


def test_corrupt_banded_jpegs() -> None:
    jpeg = _damage_source()
    rst = [i for i in range(len(jpeg) - 1) if jpeg[i] == 0xFF and 0xD0 <= jpeg[i + 1] <= 0xD7]
    assert len(rst) == 3
    rng = np.random.default_rng(11)
    cases = []
    for at in rst:
        cases.append(jpeg[:at] + jpeg[at + 2 :])  # an RST marker missing
        cases.append(jpeg[: at + 1] + bytes([0xD7]) + jpeg[at + 2 :])  # out of sequence
        cases.append(jpeg[:at] + b"\x12\x34" + jpeg[at:])  # extraneous bytes before it
        cases.append(jpeg[:at] + b"\xff\xd9")  # the image ends at it
    for _ in range(12):  # bytes of a band's entropy data changed
        data = bytearray(jpeg)
        at = int(rng.integers(rst[0] - 200, len(jpeg) - 2))
        data[at] ^= int(rng.integers(1, 256))
        cases.append(bytes(data))
    for case in cases:
        _same_outcomes(case)


# --- the argument ------------------------------------------------------------


@pytest.mark.parametrize("backend", ["cpp", "python"])
@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, "threads must be >= 1"),
    (-2, ValueError, "threads must be >= 1"),
    ("2", TypeError, "threads"),
    (2.0, TypeError, "threads"),
])
def test_threads_argument(backend: str, value: Any, error: type, message: str, use_backend: Any) -> None:
    use_backend(backend)
    text = frame64.encode(_frame(16, 16, "444"))
    with pytest.raises(error, match=message):
        frame64.decode(text, threads=value)


@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_huge_thread_counts_change_nothing(backend: str, use_backend: Any) -> None:
    use_backend(backend)
    text = frame64.encode(_frame(480, 600, "420", seed=8), threads=4)
    assert np.array_equal(frame64.decode(text, threads=10**12), frame64.decode(text))


@pytest.mark.parametrize("module_name", ["cpp", "python"])
def test_backend_functions_check_threads(module_name: str) -> None:
    module = core_module() if module_name == "cpp" else _fallback
    jpeg = _jpeg(frame64.encode(_frame(16, 16, "444")))
    with pytest.raises(ValueError, match="threads must be >= 1"):
        module.decode_image_bytes(jpeg, TJPF_BGR, None, 10**9, 1, True, 8, 0, 0)
    with pytest.raises(ValueError, match="threads must be >= 1"):
        module.jpeg_band_count(jpeg, 0)
    with pytest.raises(frame64.JpegDecodeError, match="corrupt JPEG header"):
        module.jpeg_band_count(b"\xff\xd8\xff\xc0\x00\x03", 2)
    banded = _jpeg(frame64.encode(_frame(480, 600, "420"), threads=2))
    assert module.jpeg_band_count(banded, 2) == (2 if module_name == "cpp" else 0)  # the fallback: one thread
    assert np.array_equal(module.decode_image_bytes(jpeg, TJPF_BGR, None, 10**9, 1, True, 8, 0, 3),
                          module.decode_image_bytes(jpeg, TJPF_BGR, None, 10**9, 1, True))


# --- the shared pool the bands run on ------------------------------------


def _threads_of_this_process() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not hasattr(os, "fork") or not os.path.isdir("/proc/self/task"), reason="needs os.fork and /proc")
def test_bands_start_a_new_pool_in_a_fork_child() -> None:
    """The bands run on a process-wide pool (parallel::shared_pool). A fork()
    child inherits the pool but not its threads: it must start its own (a
    second thread appears in the child) and give the same arrays, also when
    the fork lands while another thread is decoding bands (the pool's lock is
    held across fork)."""
    import threading

    text = frame64.encode(_frame(720, 1280, "420", seed=9), threads=2)
    expected = frame64.decode(text)
    assert band_count(_jpeg(text), 2) == 2
    assert np.array_equal(frame64.decode(text, threads=2), expected)  # the parent's pool exists now
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            frame64.decode(text, threads=3)

    def in_child() -> bool:
        alone = _threads_of_this_process()
        return np.array_equal(frame64.decode(text, threads=2), expected) and _threads_of_this_process() > alone

    background = threading.Thread(target=busy, daemon=True)
    background.start()
    try:
        for _ in range(5):
            assert passes_in_a_fork_child(in_child)
    finally:
        stop.set()
        background.join()
