"""YUV encode for the pure-Python backend: numpy planes and PyTurboJPEG (mirrors bind_yuv.cpp).

The planes are split and converted in numpy with the fixed-point rule of
cpp/image/yuv_convert.hpp, packed into TurboJPEG's one-buffer YUV layout
(rows padded to 4 bytes, as PyTurboJPEG's ``encode_from_yuv`` passes
``pad=4``) and compressed with ``encode_from_yuv`` (through _turbo, which
keeps libjpeg-turbo's TJ_* variables out of it, as for pixel frames).
"""

from __future__ import annotations

import numpy as np

from .._errors import JpegError
from .._formats import DATA_URI_PREFIX, TJSAMP, YUV_COEFFICIENTS, YUV_FORMATS, YUV_RANGES
from ._turbo import encode_from_yuv
from .arrays import base64_str
from .jpeg import jpeg_flags

_I420, _NV12, _YUYV, _UYVY = (YUV_FORMATS[name] for name in ("I420", "NV12", "YUYV", "UYVY"))


def split_planes(planes: tuple[np.ndarray, ...], layout: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Y, U, V) of a validated frame, as views where numpy allows."""
    if layout == _I420:
        return planes[0], planes[1], planes[2]
    if layout == _NV12:
        return planes[0], planes[1][:, 0::2], planes[1][:, 1::2]
    packed = planes[0]
    if layout == _YUYV:
        return packed[:, 0::2], packed[:, 1::4], packed[:, 3::4]
    return packed[:, 1::2], packed[:, 0::4], packed[:, 2::4]


def to_full_bt601(y: np.ndarray, u: np.ndarray, v: np.ndarray, yuv_range: int,
                  yuv_matrix: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The planes in full-range BT.601, by the fixed-point rule of yuv_convert.hpp."""
    k = YUV_COEFFICIENTS.get((yuv_range, yuv_matrix))
    if k is None:
        return y, u, v
    ky, kyb, kyr, kbb, kbr, krb, krr = k
    cb = u.astype(np.int32) - 128
    cr = v.astype(np.int32) - 128
    delta = kyb * cb + kyr * cr
    rows = 1 if u.shape[0] == y.shape[0] else 2  # 4:2:2 or 4:2:0
    delta = np.repeat(np.repeat(delta, 2, axis=1), rows, axis=0)[: y.shape[0], : y.shape[1]]
    offset = 16 if yuv_range == YUV_RANGES["limited"] else 0

    def q14(value: np.ndarray, base: int) -> np.ndarray:
        result: np.ndarray = np.clip(base + ((value + 8192) >> 14), 0, 255).astype(np.uint8)
        return result

    return (q14(ky * (y.astype(np.int32) - offset) + delta, 0), q14(kbb * cb + kbr * cr, 128),
            q14(krb * cb + krr * cr, 128))


def pack_pad4(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """TurboJPEG's one-buffer YUV image with pad=4: each plane's rows padded to a multiple of 4 bytes."""
    parts = []
    for plane in (y, u, v):
        rows, samples = plane.shape
        padded = np.zeros((rows, (samples + 3) & ~3), np.uint8)
        padded[:, :samples] = plane
        parts.append(padded.reshape(-1))
    return np.concatenate(parts)


def layout_subsampling(layout: int) -> int:
    """The TJSAMP value a layout compresses to (jpeg::yuv_subsampling)."""
    return TJSAMP["422"] if layout in (_YUYV, _UYVY) else TJSAMP["420"]


def yuv_rows(planes: tuple[np.ndarray, ...], layout: int, first: int, rows: int) -> tuple[np.ndarray, ...]:
    """Luma rows [first, first + rows) of a frame's planes (first even at 4:2:0), as jpeg::yuv_rows."""
    if layout in (_YUYV, _UYVY):
        return (planes[0][first: first + rows],)
    start, stop = first // 2, (first + rows + 1) // 2
    return (planes[0][first: first + rows], *(plane[start:stop] for plane in planes[1:]))


def compress_yuv(planes: tuple[np.ndarray, ...], layout: int, width: int, height: int, yuv_range: int,
                 yuv_matrix: int, quality: int, fast_dct: bool, progressive: bool) -> bytes:
    """The JPEG bytes of a validated frame (compress_yuv in cpp/jpeg/yuv_encoder.cpp)."""
    subsampling = layout_subsampling(layout)
    y, u, v = to_full_bt601(*split_planes(planes, layout), yuv_range, yuv_matrix)
    # TurboJPEG's luma plane is the image rounded up to the subsampling
    # factors: the odd last column (and, for 4:2:0, row) repeats (yuv_encoder.cpp).
    rows = height % 2 if layout in (_I420, _NV12) else 0
    y = np.pad(y, ((0, rows), (0, width % 2)), mode="edge")
    try:
        jpeg = encode_from_yuv(pack_pad4(y, u, v), height, width, quality=quality, jpeg_subsample=subsampling,
                               flags=jpeg_flags(fast_dct, progressive, quality))
    except OSError as exc:
        raise JpegError(str(exc)) from None
    return jpeg


def encode_yuv(planes: tuple[np.ndarray, ...], layout: int, width: int, height: int, yuv_range: int,
               yuv_matrix: int, quality: int, subsampling: int, fast_dct: bool, progressive: bool,
               data_uri: bool) -> str:
    """Same contract as frame64._core.encode_yuv (planes already validated by frame64._yuv)."""
    if subsampling != layout_subsampling(layout):
        raise ValueError(f"subsampling: this YUV layout compresses to TJSAMP {layout_subsampling(layout)}, "
                         f"got {subsampling}")
    jpeg = compress_yuv(planes, layout, width, height, yuv_range, yuv_matrix, quality, fast_dct, progressive)
    return base64_str(jpeg, DATA_URI_PREFIX["jpeg"] if data_uri else "")


def yuv_kernel() -> str:
    return "numpy"


def set_yuv_kernel(name: str) -> None:
    """Accepts only "auto" and "numpy": the pure-Python backend has no kernel to force."""
    if name not in ("auto", "numpy"):
        raise ValueError(f"the {name!r} YUV kernel needs the compiled backend (expected 'auto' or 'numpy')")


def supported_yuv_kernels() -> list[str]:
    return ["numpy"]
