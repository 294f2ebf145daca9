"""Promises every API keeps (issue 16): the same bytes everywhere by default, an
encode-side pixel limit checked before any copy, helpful messages, a clean namespace."""

from __future__ import annotations

import pickle
import tracemalloc
from typing import Any

import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

from ..conftest import UseBackend

BACKENDS = ["cpp", "python"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> str:
    if request.param == "cpp":
        pytest.importorskip("frame64._core")
    use_backend(request.param)
    return str(request.param)


# --- one rule for bytes -------------------------------------------------------


@pytest.mark.parametrize("threads", [None, 1, 2, 3])
@pytest.mark.parametrize("options", [{}, {"quality": 75, "subsampling": "444", "data_uri": True}, {"progressive": True}])
def test_every_api_gives_encode_bytes_by_default(backend: str, threads: int | None, options: dict[str, Any]) -> None:
    """A frame large enough to be split (1080p) gives frame64.encode's bytes from every Encoder method."""
    frames = [camera_frame(1080, 1920, seed=3), camera_frame(17, 33, seed=4)]
    expected = [frame64.encode(frame, **options) for frame in frames]
    encoder = frame64.Encoder(threads=threads, **options)
    assert [encoder.encode(frame) for frame in frames] == expected
    assert encoder.encode_batch(frames) == expected
    assert list(encoder.imap(iter(frames))) == expected
    assert not encoder.split_frames
    clone = pickle.loads(pickle.dumps(encoder))
    assert clone.encode(frames[0]) == expected[0] and not clone.split_frames


@pytest.mark.parametrize("threads", [2, 3])
def test_strips_only_when_asked_for_by_name(backend: str, threads: int) -> None:
    frame = camera_frame(1080, 1920, seed=5)
    whole = frame64.encode(frame)
    split = frame64.encode(frame, threads=threads)
    assert split != whole  # restart markers: other bytes
    np.testing.assert_array_equal(frame64.decode(split), frame64.decode(whole))
    splitter = frame64.Encoder(threads=threads, split_frames=True)
    assert splitter.split_frames
    assert splitter.encode(frame) == split
    assert splitter.encode_batch([frame]) == [whole]  # batches never split
    assert pickle.loads(pickle.dumps(splitter)).encode(frame) == split
    assert "split_frames=True" in repr(splitter)


def test_split_frames_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="split_frames must be a bool"):
        frame64.Encoder(split_frames=1)  # type: ignore[arg-type]


# --- an encode-side pixel limit, checked before any copy -----------------------


def _broadcast(height: int, width: int, channels: int = 3) -> np.ndarray:
    """A huge, non-contiguous, read-only view backed by one pixel: encoding it would copy it first."""
    return np.broadcast_to(np.zeros((1, 1, channels), np.uint8), (height, width, channels))


@pytest.mark.parametrize(("fmt", "side"), [("jpeg", 60000), ("png", 70000)])  # JPEG sides stop at 65500
def test_a_huge_view_is_refused_before_it_is_copied(backend: str, fmt: str, side: int) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=rf"image is {side}x{side} \({side * side} pixels\), over max_pixels=178956970"):
            frame64.encode(_broadcast(side, side), format=fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak  # nothing like the 14.7 GB copy


def test_max_pixels_bounds_every_encode_api(backend: str) -> None:
    frame = camera_frame(20, 30)
    assert frame64.encode(frame, max_pixels=600) == frame64.encode(frame)
    assert frame64.encode(frame, format="png", max_pixels=600) == frame64.encode(frame, format="png")
    for call in (
        lambda: frame64.encode(frame, max_pixels=599),
        lambda: frame64.encode(frame, format="png", max_pixels=599),
        lambda: frame64.Encoder(max_pixels=599).encode(frame),
    ):
        with pytest.raises(ValueError, match=r"image is 30x20 \(600 pixels\), over max_pixels=599"):
            call()
    with pytest.raises(ValueError, match=r"frames\[1\]: image is 30x20 \(600 pixels\), over max_pixels=599"):
        frame64.Encoder(max_pixels=599).encode_batch([frame[:10], frame])
    with pytest.raises(ValueError, match=r"frames\[0\]: image is 30x20"):
        next(frame64.Encoder(max_pixels=599).imap([frame]))
    assert frame64.Encoder(max_pixels=None).encode(frame) == frame64.encode(frame, max_pixels=None)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [(0, ValueError, "max_pixels must be at least 1, got 0"), (1.5, TypeError, "max_pixels must be an int or None"),
     (True, TypeError, "max_pixels must be an int or None")],
)
def test_bad_max_pixels(value: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        frame64.encode(camera_frame(4, 4), max_pixels=value)
    with pytest.raises(error, match=message):
        frame64.Encoder(max_pixels=value)


# --- messages that help -------------------------------------------------------


def test_encoded_file_bytes_get_a_hint(backend: str) -> None:
    jpeg = frame64.b64decode(frame64.encode(camera_frame(8, 8)))
    png = frame64.b64decode(frame64.encode(camera_frame(8, 8), format="png"))
    with pytest.raises(TypeError, match=r"got \|S\d+; these look like the bytes of an encoded JPEG file.*b64encode_str"):
        frame64.encode(jpeg)
    with pytest.raises(ValueError, match=r"these look like the bytes of an encoded PNG file.*frame64\.decode"):
        frame64.encode(bytearray(png))
    with pytest.raises(TypeError, match="bytes are not pixels"):
        frame64.encode(b"\x00" * 12)


@pytest.mark.parametrize(
    ("dtype", "hint"),
    [(np.float32, r"np\.clip\(image, 0\.0, 1\.0\) \* 255"), (np.float64, r"floats in 0\.\.1"),
     (np.uint16, r"\(image >> 8\)\.astype\(np\.uint8\)"), (np.int32, r"np\.clip\(image, 0, 255\)"),
     (bool, r"image\.astype\(np\.uint8\) \* 255")],
)
def test_other_dtypes_say_how_to_convert(backend: str, dtype: Any, hint: str) -> None:
    with pytest.raises(TypeError, match=hint):
        frame64.encode(np.zeros((4, 4, 3), dtype))


@pytest.mark.parametrize(
    ("shape", "pixel_format", "hint"),
    [((4, 4), "BGR", "pixel_format='GRAY'"), ((4, 4, 1), "RGB", "pixel_format='GRAY'"),
     ((4, 4, 4), "BGR", "pixel_format='BGRA' \\(OpenCV\\) or 'RGBA'"),
     ((4, 4, 3), "BGRA", "pixel_format='BGR' \\(OpenCV\\) or 'RGB'"), ((4, 4, 3), "GRAY", "pixel_format='BGR'")],
)
def test_a_shape_that_fits_another_format_names_it(backend: str, shape: tuple[int, ...], pixel_format: str,
                                                   hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        frame64.encode(np.zeros(shape, np.uint8), pixel_format=pixel_format)


def test_a_shape_that_fits_no_format_gets_no_hint() -> None:
    with pytest.raises(ValueError) as caught:
        frame64.encode(np.zeros((4, 4, 2), np.uint8))
    assert "pass pixel_format" not in str(caught.value)


# --- the namespace ------------------------------------------------------------


def test_dir_shows_the_public_surface_only() -> None:
    assert dir(frame64) == sorted(frame64.__all__)
    for name in ("os", "Any", "ModuleType", "annotations", "_backend"):
        assert name not in dir(frame64)
