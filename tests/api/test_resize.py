"""frame64.resize: sizes, max_side, shapes, views and bad input, on both backends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import _backend
from frame64._options import fit_max_side
from frame64._sample import camera_frame

from ..conftest import backend_module

BACKENDS = ["cpp", "python"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Any:
    module = backend_module(request.param)
    with _backend.use(module):
        yield module


@pytest.mark.parametrize("width,height,side,expected", [
    (3840, 2160, 1568, (1568, 882)), (2160, 3840, 1568, (882, 1568)), (1920, 1080, 1920, (1920, 1080)),
    (1920, 1080, 4000, (1920, 1080)), (3, 2, 1, (1, 1)), (1000, 1, 10, (10, 1)), (5, 3, 2, (2, 1)),
    (4, 3, 2, (2, 2)),  # 1.5 rounds up
])
def test_fit_max_side(width: int, height: int, side: int, expected: tuple[int, int]) -> None:
    assert fit_max_side(width, height, side) == expected


def test_max_side_and_size_agree(backend: Any) -> None:
    frame = camera_frame(480, 640)
    small = frame64.resize(frame, max_side=320)
    assert small.shape == (240, 320, 3) and small.flags.c_contiguous
    np.testing.assert_array_equal(small, frame64.resize(frame, (320, 240)))


def test_never_upscales(backend: Any) -> None:
    frame = camera_frame(48, 64)
    same = frame64.resize(frame, max_side=64)
    np.testing.assert_array_equal(same, frame)
    assert same is not frame
    np.testing.assert_array_equal(frame64.resize(frame, max_side=1000), frame)
    with pytest.raises(ValueError, match="size"):
        frame64.resize(frame, (65, 48))


@pytest.mark.parametrize("shape", [(40, 60), (40, 60, 1), (40, 60, 3), (40, 60, 4)])
def test_shapes_kept(backend: Any, shape: tuple[int, ...]) -> None:
    pixels = np.random.default_rng(1).integers(0, 256, shape, dtype=np.uint8)
    out = frame64.resize(pixels, (25, 17))
    assert out.shape == (17, 25) + shape[2:]


def test_backends_identical_on_views() -> None:
    frame = camera_frame(300, 400)
    views = [frame[10:250, 33:377], frame[::-1], frame[:, ::2], np.asfortranarray(frame), frame[:, :, ::-1]]
    for view in views:
        results = []
        for name in BACKENDS:
            with _backend.use(backend_module(name)):
                results.append(frame64.resize(view, max_side=123))
        np.testing.assert_array_equal(results[0], results[1])
        with _backend.use(backend_module("python")):
            np.testing.assert_array_equal(results[0], frame64.resize(np.ascontiguousarray(view), max_side=123))


@pytest.mark.parametrize("kwargs,error,match", [
    ({}, ValueError, "exactly one"),
    ({"size": (10, 10), "max_side": 5}, ValueError, "exactly one"),
    ({"max_side": 0}, ValueError, "max_side"),
    ({"max_side": 2.5}, TypeError, "max_side"),
    ({"size": (0, 4)}, ValueError, "size"),
    ({"size": 5}, TypeError, "size"),
    ({"size": (4.0, 4)}, TypeError, "size"),
])
def test_bad_arguments(backend: Any, kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        frame64.resize(camera_frame(48, 64), **kwargs)


def test_bad_images(backend: Any) -> None:
    with pytest.raises(TypeError, match="uint8"):
        frame64.resize(np.zeros((4, 4, 3), np.float32), max_side=2)
    with pytest.raises(ValueError, match="shape"):
        frame64.resize(np.zeros((4, 4, 2), np.uint8), max_side=2)
    with pytest.raises(ValueError, match="empty"):
        frame64.resize(np.zeros((0, 4, 3), np.uint8), max_side=2)
