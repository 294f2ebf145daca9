"""YUV input for frame64.encode: I420, NV12 (4:2:0) and YUYV, UYVY (packed 4:2:2).

The frame arrives in one of three shapes, and leaves here as the planes the
backends' ``encode_yuv`` takes (2-D uint8 arrays, each row contiguous, rows
at a positive pitch; anything else is copied first):

- one array as OpenCV and PyAV's ``to_ndarray`` lay them out: I420 and NV12
  as (H*3/2, W) (Y rows, then U then V, or then the interleaved UV rows),
  YUYV/UYVY as (H, W, 2). These need an even width and height (I420/NV12)
  or an even width (YUYV/UYVY);
- a tuple of planes with their own strides (padded line sizes, crops):
  I420 ``(Y, U, V)`` with Y (H, W) and U, V (ceil(H/2), ceil(W/2)); NV12
  ``(Y, UV)`` with UV (ceil(H/2), 2*ceil(W/2)) or (ceil(H/2), ceil(W/2), 2).
  Odd widths and heights are allowed, as libjpeg-turbo's YUV functions
  define them (tjPlaneWidth/tjPlaneHeight): chroma covers the odd last
  column/row, and TurboJPEG's luma plane, rounded up to even, is the
  caller's with its last column/row repeated (never read past the plane);
- a PyAV ``VideoFrame`` in yuv420p, yuvj420p, nv12, yuyv422 or uyvy422,
  read through its planes and line sizes without a copy. It supplies its
  own range and matrix (``color_range``, ``colorspace``).

Range and matrix: JFIF stores full-range BT.601. ``yuv_range`` is "limited"
(Y 16..235, chroma 16..240) or "full"; ``yuv_matrix`` "bt601" or "bt709".
Other pairs are converted to full-range BT.601 with the fixed-point rule of
cpp/image/yuv_convert.hpp (Q14 coefficients ``_formats.YUV_COEFFICIENTS``,
round half up by ``(x + 8192) >> 14``, clamped; the luma correction of BT.709
taken at chroma resolution). For raw arrays the default is limited-range
BT.601, what ``cv2.cvtColor(..., COLOR_BGR2YUV_I420)`` and video decoders
produce; a VideoFrame's unspecified range is limited and its unspecified
colour space BT.601, as FFmpeg's swscale assumes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _resize
from ._formats import MAX_JPEG_SIDE, YUV_FORMATS, YUV_MATRICES, YUV_RANGES, YUV_SUBSAMPLING
from ._options import choice

# PyAV format names and the layout each is (yuvj420p is full-range I420).
AV_FORMATS = {"yuv420p": "I420", "yuvj420p": "I420", "nv12": "NV12", "yuyv422": "YUYV", "uyvy422": "UYVY"}
# FFmpeg's AVColorRange and AVColorSpace values (libavutil/pixfmt.h).
AVCOL_RANGE = {0: None, 1: "limited", 2: "full"}
AVCOL_SPC = {1: "bt709", 2: None, 5: "bt601", 6: "bt601"}


class YuvFrame(NamedTuple):
    """A validated YUV frame: its planes and the codes the backends take."""

    planes: tuple[np.ndarray, ...]
    layout: int
    width: int
    height: int
    yuv_range: int
    yuv_matrix: int


def is_yuv(pixel_format: Any, image: Any) -> bool:
    """True for a YUV pixel format name or a PyAV VideoFrame."""
    if _is_video_frame(image):
        return True
    return isinstance(pixel_format, str) and pixel_format.upper() in YUV_FORMATS


def _is_video_frame(image: Any) -> bool:
    # Duck-typed, so that av is never imported here.
    return type(image).__name__ == "VideoFrame" and hasattr(image, "planes") and hasattr(image, "format")


def check_subsampling(subsampling: Any, layout_name: str) -> str:
    """The input's own subsampling; another value is a ValueError."""
    own = YUV_SUBSAMPLING[layout_name]
    if subsampling is None:
        return own
    if choice("subsampling", subsampling, ("444", "422", "420", "gray", "440", "411")) != own:
        raise ValueError(
            f"subsampling: {layout_name} input is {own[0]}:{own[1]}:{own[2]} and compresses to "
            f"subsampling={own!r} (or leave it out); got {subsampling!r}"
        )
    return own


def _chroma_size(layout_name: str, height: int, width: int) -> tuple[int, int]:
    """(rows, samples) of a chroma plane: tjPlaneHeight/tjPlaneWidth."""
    return ((height + 1) // 2 if YUV_SUBSAMPLING[layout_name] == "420" else height), (width + 1) // 2


def _plane(value: Any, name: str, shape: tuple[int, int]) -> np.ndarray:
    """A plane as a 2-D uint8 array of exactly ``shape``, rows contiguous at a positive pitch."""
    try:
        array = np.asarray(value)
    except Exception as exc:
        raise TypeError(f"{name} must be a uint8 array, got {type(value).__name__}") from exc
    if array.dtype != np.uint8:
        raise TypeError(f"{name} must have dtype uint8, got {array.dtype}")
    if array.ndim == 3 and array.shape[2] == 2:  # NV12's UV as (rows, samples, 2)
        array = array.reshape(array.shape[0], -1)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    if (shape[1] > 1 and array.strides[1] != 1) or array.strides[0] < shape[1]:
        array = array.copy(order="C")  # negative strides, column steps: packed first
    return array


def _one_array(image: Any, layout_name: str) -> tuple[tuple[np.ndarray, ...], int, int]:
    """The planes of OpenCV's single-array layouts."""
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise TypeError(f"image must have dtype uint8, got {array.dtype}")
    if layout_name in ("YUYV", "UYVY"):
        if array.ndim != 3 or array.shape[2] != 2:
            raise ValueError(f"image must have shape (H, W, 2) for pixel_format {layout_name!r}, got {array.shape}")
        height, width = array.shape[:2]
        if width % 2:
            raise ValueError(f"image: packed 4:2:2 ({layout_name}) needs an even width, got {width}")
        _check_size(width, height)
        # A view where the layout allows (row padding too), else numpy copies.
        return (_plane(array.reshape(height, 2 * width), "image", (height, 2 * width)),), width, height
    if array.ndim != 2 or array.shape[0] % 3:
        raise ValueError(
            f"image must have shape (H*3/2, W) for pixel_format {layout_name!r} (or pass a tuple of planes), "
            f"got {array.shape}"
        )
    height, width = array.shape[0] * 2 // 3, array.shape[1]
    if height % 2 or width % 2:
        raise ValueError(
            f"image: the one-array {layout_name} layout needs an even width and height, got {width}x{height}; "
            "pass a tuple of planes for odd sizes"
        )
    _check_size(width, height)
    if layout_name == "NV12":
        return (_plane(array[:height], "image", (height, width)),
                _plane(array[height:], "image", (height // 2, width))), width, height
    flat = np.ascontiguousarray(array).reshape(-1)
    quarter = (height // 2) * (width // 2)
    y = flat[: height * width].reshape(height, width)
    u = flat[height * width: height * width + quarter].reshape(height // 2, width // 2)
    v = flat[height * width + quarter:].reshape(height // 2, width // 2)
    return (y, u, v), width, height


def _tuple_planes(planes: tuple[Any, ...] | list[Any], layout_name: str) -> tuple[tuple[np.ndarray, ...], int, int]:
    count = {"I420": 3, "NV12": 2}.get(layout_name)
    if count is None:
        raise ValueError(f"image: {layout_name} is one packed array of shape (H, W, 2), not a tuple of planes")
    if len(planes) != count:
        names = "(Y, U, V)" if count == 3 else "(Y, UV)"
        raise ValueError(f"image: {layout_name} planes are a tuple {names}, got {len(planes)} plane(s)")
    first = np.asarray(planes[0])
    if first.ndim != 2:
        raise ValueError(f"image plane 0 (Y) must be 2-D (H, W), got shape {first.shape}")
    height, width = first.shape
    _check_size(width, height)
    rows, samples = _chroma_size(layout_name, height, width)
    y = _plane(first, "image plane 0 (Y)", (height, width))
    if count == 2:
        return (y, _plane(planes[1], "image plane 1 (UV)", (rows, 2 * samples))), width, height
    return (y, _plane(planes[1], "image plane 1 (U)", (rows, samples)),
            _plane(planes[2], "image plane 2 (V)", (rows, samples))), width, height


def _frame_planes(frame: Any, layout_name: str) -> tuple[tuple[np.ndarray, ...], int, int]:
    """A VideoFrame's planes as views of its buffers, with their line sizes."""
    width, height = int(frame.width), int(frame.height)
    _check_size(width, height)
    rows, samples = _chroma_size(layout_name, height, width)
    shapes = {"I420": [(height, width), (rows, samples), (rows, samples)], "NV12": [(height, width), (rows, 2 * samples)],
              "YUYV": [(height, 2 * width)], "UYVY": [(height, 2 * width)]}[layout_name]
    if layout_name in ("YUYV", "UYVY") and width % 2:
        raise ValueError(f"image: packed 4:2:2 ({layout_name}) needs an even width, got {width}")
    planes = []
    for index, (plane, shape) in enumerate(zip(frame.planes, shapes)):
        line = int(plane.line_size)
        data = np.frombuffer(plane, np.uint8)
        # The last row may stop at the row's bytes rather than at the line size.
        view = np.lib.stride_tricks.as_strided(data, shape=shape, strides=(line, 1))
        if data.size < (shape[0] - 1) * line + shape[1]:
            raise ValueError(f"image plane {index}: the VideoFrame buffer is smaller than its size says")
        planes.append(_plane(view, f"image plane {index}", shape))
    return tuple(planes), width, height


def _check_size(width: int, height: int) -> None:
    if width == 0 or height == 0:
        raise ValueError(f"image is empty ({width}x{height})")
    if width > MAX_JPEG_SIDE or height > MAX_JPEG_SIDE:
        raise ValueError(f"image is {width}x{height}; the format holds at most {MAX_JPEG_SIDE} pixels per side")


def prepare_yuv(image: Any, pixel_format: Any, yuv_range: Any, yuv_matrix: Any, max_pixels: int) -> YuvFrame:
    """Validate a YUV frame (array, tuple of planes or PyAV VideoFrame) and its range/matrix."""
    frame_range = frame_matrix = None
    if _is_video_frame(image):
        av_name = image.format.name
        if av_name not in AV_FORMATS:
            raise ValueError(
                f"image: VideoFrame format {av_name!r} is not supported (supported: {', '.join(AV_FORMATS)}); "
                "convert it with frame.reformat(format='yuv420p') or pass frame.to_ndarray(format='bgr24')"
            )
        layout_name = AV_FORMATS[av_name]
        if pixel_format not in ("BGR", layout_name) and str(pixel_format).upper() != layout_name:
            raise ValueError(f"pixel_format: this VideoFrame is {layout_name!r}; leave pixel_format out, got {pixel_format!r}")
        frame_range = "full" if av_name == "yuvj420p" else AVCOL_RANGE.get(int(image.color_range), None)
        space = int(image.colorspace)
        if space not in AVCOL_SPC and yuv_matrix is None:
            raise ValueError(f"image: VideoFrame colorspace {space} is neither BT.601 nor BT.709; pass yuv_matrix=")
        frame_matrix = AVCOL_SPC.get(space)
        planes, width, height = _frame_planes(image, layout_name)
    else:
        layout_name = choice("pixel_format", pixel_format, tuple(YUV_FORMATS))
        if isinstance(image, (tuple, list)):
            planes, width, height = _tuple_planes(image, layout_name)
        else:
            planes, width, height = _one_array(image, layout_name)
    if width * height > max_pixels:
        raise ValueError(
            f"image is {width}x{height} ({width * height} pixels), over max_pixels={max_pixels}; "
            "pass a larger max_pixels to encode it"
        )
    range_name = choice("yuv_range", yuv_range, tuple(YUV_RANGES)) if yuv_range is not None else frame_range
    matrix_name = choice("yuv_matrix", yuv_matrix, tuple(YUV_MATRICES)) if yuv_matrix is not None else frame_matrix
    return YuvFrame(planes, YUV_FORMATS[layout_name], width, height,
                    YUV_RANGES[range_name or "limited"], YUV_MATRICES[matrix_name or "bt601"])


def resize_yuv(frame: YuvFrame, width: int, height: int) -> YuvFrame:
    """The frame with each plane area-resized on its own (frame64.resize's filter, one channel), no RGB between.

    Luma becomes ``width`` x ``height`` and chroma the chroma size of that
    (tjPlaneWidth/tjPlaneHeight: ``ceil(width / 2)`` x ``ceil(height / 2)`` at
    4:2:0, ``ceil(width / 2)`` x ``height`` at 4:2:2), each resized from the
    frame's own plane; range and matrix are converted afterwards, when the
    planes are compressed. 4:2:0 frames come back as I420 planes (NV12's
    chroma split first); packed 4:2:2 frames are packed again, which needs
    an even width: an odd ``width`` is taken one less (at least 2). A frame
    already at that size comes back as it is.
    """
    name = layout_name(frame.layout)
    packed = name in ("YUYV", "UYVY")
    if packed:
        width = max(2, width - width % 2)
    if (width, height) == (frame.width, frame.height):
        return frame
    if name == "I420":
        y, u, v = frame.planes
    elif name == "NV12":
        y, u, v = frame.planes[0], frame.planes[1][:, 0::2], frame.planes[1][:, 1::2]
    else:
        row = frame.planes[0]
        luma, chroma = (0, 1) if name == "YUYV" else (1, 0)
        y, u, v = row[:, luma::2], row[:, chroma::4], row[:, chroma + 2::4]
    rows, samples = _chroma_size(name, height, width)

    def resized(plane: np.ndarray, columns: int, lines: int) -> np.ndarray:
        return _resize.resize_prepared(np.ascontiguousarray(plane), 1, columns, lines)

    y, u, v = resized(y, width, height), resized(u, samples, rows), resized(v, samples, rows)
    if not packed:
        return frame._replace(planes=(y, u, v), layout=YUV_FORMATS["I420"], width=width, height=height)
    out = np.empty((height, width // 2, 4), np.uint8)
    out[:, :, luma], out[:, :, luma + 2] = y[:, 0::2], y[:, 1::2]
    out[:, :, chroma], out[:, :, chroma + 2] = u, v
    return frame._replace(planes=(out.reshape(height, 2 * width),), width=width, height=height)


def layout_name(layout: int) -> str:
    """The pixel_format name of a layout code."""
    return next(name for name, code in YUV_FORMATS.items() if code == layout)
