"""YUV input through frame64.Encoder (batches, imap, split_frames) and frame64.encode(threads=N) (issue 15).

Whole frames must give ``frame64.encode``'s bytes exactly (itself checked
against PyTurboJPEG in test_yuv.py). Strips of planes have their own oracle:
libjpeg-turbo 2.x's TurboJPEG reads TJ_RESTART (a restart interval in MCU
rows) in tjCompressFromYUVPlanes too, so PyTurboJPEG's ``encode_from_yuv`` in
a subprocess with TJ_RESTART=<MCU rows per strip> writes the JPEG that the
stitched strips must equal byte for byte (as test_encoder.py does for pixels).
"""

from __future__ import annotations

import base64
import os
import pickle
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from turbojpeg import TJFLAG_ACCURATEDCT, TJFLAG_FASTDCT, TJSAMP_420, TJSAMP_422

import frame64
from frame64 import _backend, _encoder, _sample

from .test_yuv import nv12_array, oracle_convert, packed422, planes_of

BACKENDS = list(_backend.available())

_ORACLE = r"""
import pickle, sys
import numpy as np
from turbojpeg import TurboJPEG
jobs = pickle.load(sys.stdin.buffer)
turbo = TurboJPEG()
out = [turbo.encode_from_yuv(np.frombuffer(b, np.uint8), h, w, quality=q, jpeg_subsample=s, flags=f)
       for b, h, w, q, s, f in jobs]
sys.stdout.buffer.write(pickle.dumps(out))
"""


def restart_oracle(jobs: list[tuple[bytes, int, int, int, int, int]], restart_rows: int) -> list[bytes]:
    """encode_from_yuv of (pad=4 buffer, height, width, quality, tjsamp, flags) with TJ_RESTART=restart_rows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TJ_")}
    env["TJ_RESTART"] = str(restart_rows)
    done = subprocess.run([sys.executable, "-c", _ORACLE], input=pickle.dumps(jobs), capture_output=True, env=env,
                          check=True)
    return pickle.loads(done.stdout)  # type: ignore[no-any-return]


def pad4_buffer(y: np.ndarray, u: np.ndarray, v: np.ndarray, sub: int) -> bytes:
    """TurboJPEG's one-buffer YUV image (pad=4) with frame64's odd luma column/row repeated (test_yuv.oracle)."""
    height, width = y.shape
    y = np.pad(y, ((0, height % 2 if sub == TJSAMP_420 else 0), (0, width % 2)), mode="edge")
    return b"".join(np.pad(p, ((0, 0), (0, -p.shape[1] % 4))).tobytes() for p in (y, u, v))


@pytest.fixture(params=BACKENDS)
def backend(request: Any) -> Any:
    with _backend.use(request.param):
        yield request.param


def frames_of(layout: str, height: int, width: int, count: int) -> list[Any]:
    """`count` random frames of a layout, in the forms frame64.encode takes (tuples for odd sizes)."""
    found: list[Any] = []
    for seed in range(count):
        if layout in ("YUYV", "UYVY"):
            found.append(packed422(*planes_of(height, width, "422", seed=seed), layout))
            continue
        y, u, v = planes_of(height, width, seed=seed)
        if layout == "I420":
            found.append((y, u, v))
        else:
            found.append(nv12_array(y, u, v) if height % 2 == 0 and width % 2 == 0 else (y, np.stack([u, v], 2)))
    return found


CASES = [("I420", 17, 33), ("I420", 64, 96), ("NV12", 48, 64), ("NV12", 9, 7), ("YUYV", 31, 46), ("UYVY", 16, 18)]
OPTIONS = [{}, {"quality": 55, "fast_dct": True, "yuv_range": "full"}, {"progressive": True, "yuv_matrix": "bt709"},
           {"data_uri": True, "quality": 100}]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
@pytest.mark.parametrize("layout,height,width", CASES)
def test_batches_and_imap_equal_encode(backend: str, layout: str, height: int, width: int,
                                       options: dict[str, Any]) -> None:
    frames = frames_of(layout, height, width, 5)
    expected = [frame64.encode(frame, pixel_format=layout, **options) for frame in frames]
    for threads in (1, 3):
        encoder = frame64.Encoder(pixel_format=layout, threads=threads, **options)
        assert encoder.yuv_format == layout
        assert encoder.encode_batch(frames) == expected
        assert list(encoder.imap(iter(frames), max_in_flight=2)) == expected
        assert [encoder.encode(frame) for frame in frames] == expected
        assert pickle.loads(pickle.dumps(encoder)).encode_batch(frames) == expected


def test_lower_case_layout_and_explicit_subsampling(backend: str) -> None:
    frame = frames_of("YUYV", 8, 16, 1)[0]
    expected = frame64.encode(frame, pixel_format="YUYV")
    assert frame64.Encoder(pixel_format="yuyv", subsampling="422").encode(frame) == expected
    assert repr(frame64.Encoder(pixel_format="yuyv")).count("subsampling='422', pixel_format='YUYV'") == 1


def test_cpp_batches_equal_the_fallbacks() -> None:
    if len(BACKENDS) < 2:
        pytest.skip("needs both backends")
    frames = frames_of("NV12", 33, 65, 3)
    results = []
    for name in BACKENDS:
        with _backend.use(name):
            results.append(frame64.Encoder(pixel_format="NV12", threads=2, yuv_matrix="bt709").encode_batch(frames))
    assert results[0] == results[1]


# --- strips: threads=N and split_frames ------------------------------------------------------------


STRIP_CASES = [("I420", 481, 641, 2), ("I420", 512, 640, 3), ("NV12", 377, 500, 2), ("YUYV", 300, 512, 2),
               ("UYVY", 257, 600, 3)]


@pytest.mark.parametrize("layout,height,width,threads", STRIP_CASES)
def test_strips_equal_turbojpeg_with_tj_restart(backend: str, layout: str, height: int, width: int,
                                                threads: int) -> None:
    sub = TJSAMP_422 if layout in ("YUYV", "UYVY") else TJSAMP_420
    rows = _encoder.strip_rows(width, height, sub, False, threads)
    assert rows > 0  # large enough to be split
    jobs, got = [], []
    for seed, (quality, fast) in enumerate([(90, False), (40, True), (97, True)]):
        frame = frames_of(layout, height, width, seed + 1)[seed]
        y, u, v = planes_of(height, width, "422" if sub == TJSAMP_422 else "420", seed=seed)
        y, u, v = oracle_convert(y, u, v, "limited", "bt601")  # the default for arrays
        flags = TJFLAG_FASTDCT if fast and quality < 96 else TJFLAG_ACCURATEDCT
        jobs.append((pad4_buffer(y, u, v, sub), height, width, quality, sub, flags))
        options = {"pixel_format": layout, "quality": quality, "fast_dct": fast}
        text = frame64.encode(frame, threads=threads, **options)
        assert frame64.Encoder(threads=threads, split_frames=True, **options).encode(frame) == text
        whole = frame64.encode(frame, **options)
        assert text != whole  # restart markers
        assert np.array_equal(frame64.decode(text), frame64.decode(whole))  # the same pixels
        got.append(base64.b64decode(text))
    assert got == restart_oracle(jobs, rows)


def test_progressive_and_small_frames_stay_whole(backend: str) -> None:
    frame = frames_of("I420", 480, 640, 1)[0]
    progressive = frame64.encode(frame, pixel_format="I420", progressive=True)
    assert frame64.encode(frame, pixel_format="I420", progressive=True, threads=2) == progressive
    small = frames_of("NV12", 64, 64, 1)[0]
    assert frame64.encode(small, pixel_format="NV12", threads=4) == frame64.encode(small, pixel_format="NV12")
    # Batches never split, whatever split_frames says.
    encoder = frame64.Encoder(pixel_format="I420", threads=2, split_frames=True)
    assert encoder.encode_batch([frame]) == [frame64.encode(frame, pixel_format="I420")]


def test_cpp_strips_equal_the_fallbacks() -> None:
    if len(BACKENDS) < 2:
        pytest.skip("needs both backends")
    frame = frames_of("UYVY", 299, 500, 1)[0]
    results = []
    for name in BACKENDS:
        with _backend.use(name):
            results.append(frame64.encode(frame, pixel_format="UYVY", threads=3, yuv_range="full"))
    assert results[0] == results[1]


# --- PyAV VideoFrames -------------------------------------------------------------------------------


def test_video_frames_mixed_with_pixel_frames(backend: str) -> None:
    av = pytest.importorskip("av")
    bgr = _sample.camera_frame(48, 64)
    frames: list[Any] = []
    for index in range(4):
        frames.append(av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")
                      if index % 2 else np.roll(bgr, index, axis=1))
    expected = [frame64.encode(frame) for frame in frames]
    encoder = frame64.Encoder(threads=2)
    assert encoder.encode_batch(frames) == expected
    assert list(encoder.imap(frames)) == expected
    assert [encoder.encode(frame) for frame in frames] == expected
    only_video = frames[1::2]
    assert encoder.encode_batch(only_video) == expected[1::2]
    with pytest.raises(ValueError, match=r"frames\[1\]: subsampling: I420 input is 4:2:0"):
        frame64.Encoder(subsampling="444").encode_batch(frames)


# --- errors -----------------------------------------------------------------------------------------


def test_errors_name_the_frame(backend: str) -> None:
    good = frames_of("I420", 16, 16, 1)[0]
    encoder = frame64.Encoder(pixel_format="I420")
    with pytest.raises(ValueError, match=r"frames\[2\]: image plane 1 \(U\) must have shape \(8, 8\)"):
        encoder.encode_batch([good, good, (good[0], good[1][:4], good[2])])
    with pytest.raises(TypeError, match=r"frames\[0\]: image must have dtype uint8"):
        list(encoder.imap([np.zeros((6, 4), np.float32)]))
    with pytest.raises(ValueError, match=r"over max_pixels=100"):
        frame64.Encoder(pixel_format="I420", max_pixels=100).encode(good)
    with pytest.raises(ValueError, match="yuv_matrix must be one of"):
        frame64.Encoder(pixel_format="I420", yuv_matrix="bt2020")
