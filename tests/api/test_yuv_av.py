"""A real pipeline (issue 15): H.264 clips written and decoded with PyAV, each
decoded VideoFrame encoded via the YUV path and via to_ndarray("bgr24")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import _backend, _sample

from ..conftest import cv2

av = pytest.importorskip("av")
BACKENDS = list(_backend.available())


def write_clip(path: Path, colorspace: str, color_range: str, size: tuple[int, int] = (128, 176),
               blur: bool = True) -> None:
    """Four generated frames (camera-like, softened as video is unless blur=False) as H.264."""
    height, width = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.colorspace = getattr(av.video.reformatter.Colorspace, colorspace)
        stream.codec_context.color_range = getattr(av.video.reformatter.ColorRange, color_range)
        for index in range(4):
            bgr = np.roll(_sample.camera_frame(height, width, seed=index), 8 * index, axis=1)
            if blur:
                bgr = cv2.GaussianBlur(bgr, (5, 5), 0)
            frame = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(
                format="yuv420p", dst_colorspace=colorspace, dst_color_range=color_range)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def decoded_frames(path: Path) -> list[Any]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


class PlanesOnly:
    """A VideoFrame seen through planes, format and colour properties only: no to_ndarray, no reformat."""

    def __init__(self, frame: Any) -> None:
        self.planes, self.format, self.width, self.height = frame.planes, frame.format, frame.width, frame.height
        self.color_range, self.colorspace = frame.color_range, frame.colorspace


PlanesOnly.__name__ = "VideoFrame"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("colorspace,color_range", [("ITU601", "MPEG"), ("ITU709", "MPEG"), ("ITU709", "JPEG")])
def test_h264_frames_match_the_bgr_path(tmp_path: Path, backend: str, colorspace: str, color_range: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "clip.mp4"
    write_clip(path, colorspace, color_range)
    frames = decoded_frames(path)
    assert len(frames) == 4
    expected_space = {"ITU601": (5, 6), "ITU709": (1,)}[colorspace]
    with _backend.use(backend):
        for frame in frames:
            assert frame.format.name in ("yuv420p", "yuvj420p") and frame.colorspace in expected_space
            via_bgr = frame64.decode(frame64.encode(frame.to_ndarray(format="bgr24"))).astype(int)
            with monkeypatch.context() as patch:  # the YUV path never makes BGR pixels
                patch.setattr(_backend.current(), "encode_jpeg", None)
                text = frame64.encode(PlanesOnly(frame))
            assert text == frame64.encode(frame)
            assert np.abs(frame64.decode(text).astype(int) - via_bgr).mean() <= 1.5


@pytest.mark.parametrize("fmt", ["nv12", "yuyv422", "uyvy422"])
def test_reformatted_frames_equal_their_planes(fmt: str) -> None:
    """PyAV's nv12/yuyv422/uyvy422 frames (padded line sizes) give the bytes of their planes as arrays."""
    source = av.VideoFrame.from_ndarray(_sample.camera_frame(36, 50), format="bgr24")
    frame = source.reformat(format=fmt)
    layout = {"nv12": "NV12", "yuyv422": "YUYV", "uyvy422": "UYVY"}[fmt]
    line = frame.planes[0].line_size
    rows = 54 if layout == "NV12" else 36
    array = np.frombuffer(frame.planes[0] if layout != "NV12" else bytes(frame.planes[0]) + bytes(frame.planes[1]),
                          np.uint8)[: rows * line].reshape(rows, line)[:, : 50 if layout == "NV12" else 100]
    if layout != "NV12":
        array = array.reshape(36, 50, 2)
    assert frame64.encode(frame) == frame64.encode(array, pixel_format=layout)


def exact_bgr(frame: Any, matrix: str, full: bool) -> np.ndarray:
    """The textbook (float) reading of a yuv420p frame's planes, chroma repeated 2x2."""
    h, w = frame.height, frame.width
    def plane(i: int, rows: int, cols: int) -> np.ndarray:
        return np.frombuffer(frame.planes[i], np.uint8).reshape(rows, -1)[:, :cols].astype(float)
    y = plane(0, h, w)
    cb, cr = ((plane(i, h // 2, w // 2).repeat(2, 0).repeat(2, 1) - 128) for i in (1, 2))
    kr, kb = (0.2126, 0.0722) if matrix == "bt709" else (0.299, 0.114)
    if not full:
        y, cb, cr = (y - 16) * 255 / 219, cb * 255 / 224, cr * 255 / 224
    r, b = y + 2 * (1 - kr) * cr, y + 2 * (1 - kb) * cb
    g = (y - kr * r - kb * b) / (1 - kr - kb)
    return np.clip(np.rint(np.stack([b, g, r], 2)), 0, 255)


@pytest.mark.parametrize("colorspace,matrix", [("ITU601", "bt601"), ("ITU709", "bt709")])
def test_unsoftened_frames_are_unbiased_against_the_textbook_conversion(tmp_path: Path, colorspace: str,
                                                                        matrix: str) -> None:
    """Full-detail frames against the exact conversion of their planes (PyAV's own bgr24,
    swscale's fast path, reads them about 1.2 levels darker than the textbook)."""
    path = tmp_path / "clip.mp4"
    write_clip(path, colorspace, "MPEG", blur=False)
    for frame in decoded_frames(path):
        via_bgr = frame64.decode(frame64.encode(exact_bgr(frame, matrix, full=False).astype(np.uint8)))
        difference = frame64.decode(frame64.encode(frame)).astype(float) - via_bgr
        assert np.abs(difference).mean() <= 1.5
        assert abs(difference.mean()) <= 0.25
