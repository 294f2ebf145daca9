"""max_side= and max_chars= on frame64.encode and Encoder, on both backends."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import _backend
from frame64._options import fit_max_side
from frame64._sample import camera_frame

from ..conftest import backend_module

cv2 = pytest.importorskip("cv2")
BACKENDS = ["cpp", "python"]


def on(name: str, function: Any, *args: Any, **kwargs: Any) -> Any:
    with _backend.use(backend_module(name)):
        return function(*args, **kwargs)


FRAME_4K = camera_frame(2160, 3840)
PIXEL_FRAMES = {
    "BGR": FRAME_4K[:1080, :1920],
    "RGB": FRAME_4K[:1080, :1920, ::-1],
    "BGRA": np.dstack([FRAME_4K[:480, :640], np.full((480, 640), 200, np.uint8)]),
    "RGBA": np.dstack([FRAME_4K[:33, :17], np.full((33, 17), 9, np.uint8)]),
    "GRAY": FRAME_4K[:1080, :1920, 1],
}


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
@pytest.mark.parametrize("pixel_format", list(PIXEL_FRAMES))
@pytest.mark.parametrize("side", [1, 7, 640, 100000])
def test_max_side_equals_resize_then_encode(fmt: str, pixel_format: str, side: int) -> None:
    frame = PIXEL_FRAMES[pixel_format]
    texts = [on(name, frame64.encode, frame, format=fmt, pixel_format=pixel_format, max_side=side) for name in BACKENDS]
    small = frame64.resize(frame, max_side=side)
    w, h = fit_max_side(frame.shape[1], frame.shape[0], side)
    assert small.shape[:2] == (h, w)
    assert texts[0] == frame64.encode(np.ascontiguousarray(small), format=fmt, pixel_format=pixel_format)
    if fmt == "jpeg":
        assert texts[0] == texts[1]
    else:  # lossless: the exact resized pixels come back on both backends
        for text in texts:
            back = frame64.decode(text, pixel_format=pixel_format)
            np.testing.assert_array_equal(back, small.reshape(back.shape))


def test_max_side_within_one_level_of_cv2_area() -> None:
    back = frame64.decode(frame64.encode(FRAME_4K, format="png", max_side=1568))
    reference = cv2.resize(FRAME_4K, (1568, 882), interpolation=cv2.INTER_AREA)
    assert int(np.abs(back.astype(np.int16) - reference).max()) <= 1


def test_max_side_with_threads_and_views() -> None:
    crop = FRAME_4K[100:1900, 50:3700]
    single = frame64.encode(crop, max_side=1568)
    threaded = frame64.encode(crop, max_side=1568, threads=2)
    np.testing.assert_array_equal(frame64.decode(single), frame64.decode(threaded))
    assert single == frame64.encode(np.ascontiguousarray(crop), max_side=1568)
    assert single == frame64.encode(frame64.resize(crop, max_side=1568))


@pytest.mark.parametrize("backend", BACKENDS)
def test_encoder_max_side(backend: str) -> None:
    frames = [FRAME_4K[:1080, :1920], FRAME_4K[:300, :200], FRAME_4K[:50, :60]]
    with _backend.use(backend_module(backend)):
        encoder = frame64.Encoder(max_side=256, threads=2)
        expected = [frame64.encode(frame, max_side=256) for frame in frames]
        assert encoder.encode_batch(frames) == expected
        assert list(encoder.imap(iter(frames))) == expected
        assert frame64.decode(encoder.encode(frames[0])).shape == (144, 256, 3)
        assert "max_side=256" in repr(encoder)


BUDGETS = [1200, 5000, 20_000, 60_000, 150_000, 400_000]


@pytest.mark.parametrize("budget", BUDGETS)
def test_max_chars_fits_and_is_tight(budget: int) -> None:
    frame = FRAME_4K[:1080, :1920]
    texts = [on(name, frame64.encode, frame, max_chars=budget, data_uri=True) for name in BACKENDS]
    assert texts[0] == texts[1]
    text = texts[0]
    assert len(text) <= budget
    pixels = frame64.decode(text)
    height, width = pixels.shape[:2]
    full = frame64.encode(frame, data_uri=True)
    if len(full) <= budget:
        assert text == full
        return
    # Find the quality it used, then check one step higher does not fit at that size.
    for quality in range(90, 29, -1):
        candidate = frame64.encode(frame64.resize(frame, (width, height)), quality=quality, data_uri=True)
        if candidate == text:
            break
    else:
        pytest.fail("the result is no quality of the resized frame")
    if quality < 90:
        higher = frame64.encode(frame64.resize(frame, (width, height)), quality=quality + 1, data_uri=True)
        assert len(higher) > budget


def test_max_chars_png_downscales() -> None:
    frame = FRAME_4K[:480, :640]
    text = frame64.encode(frame, format="png", max_chars=100_000)
    assert len(text) <= 100_000
    assert frame64.decode(text).shape[1] < 640


@pytest.mark.parametrize("kwargs,error,match", [
    ({"max_side": 0}, ValueError, "max_side"),
    ({"max_side": "big"}, TypeError, "max_side"),
    ({"max_chars": 0}, ValueError, "max_chars"),
    ({"max_chars": 10}, ValueError, "max_chars"),
    ({"max_chars": 1.5}, TypeError, "max_chars"),
    ({"max_chars": 5000, "min_quality": 101}, ValueError, "min_quality"),
    ({"max_chars": 5000, "min_quality": 0}, ValueError, "min_quality"),
])
def test_bad_budget_arguments(kwargs: dict[str, Any], error: type, match: str) -> None:
    for name in BACKENDS:
        with pytest.raises(error, match=match):
            on(name, frame64.encode, FRAME_4K[:64, :64], **kwargs)
    with pytest.raises(ValueError, match="max_side"):
        frame64.Encoder(max_side=0)


def test_base64_is_valid() -> None:
    text = frame64.encode(FRAME_4K, max_side=100, max_chars=3000)
    assert base64.b64decode(text, validate=True)[:2] == b"\xff\xd8"
