"""frame64.encode: one frame to a base64 JPEG or PNG string (or a data URI)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ._formats import TJSAMP
from . import _backend, _budget, _encoder, _options, _png, _resize, _yuv
from ._budget import DEFAULT_MIN_QUALITY

__all__ = ["encode"]


def encode(
    image: Any,
    *,
    format: str = "jpeg",
    quality: int = 90,
    subsampling: str | None = None,
    pixel_format: str = "BGR",
    fast_dct: bool = False,
    progressive: bool = False,
    data_uri: bool = False,
    compression: int | None = None,
    threads: int | None = 1,
    max_pixels: int | None = _options.MAX_PIXELS_DEFAULT,
    max_side: int | None = None,
    max_chars: int | None = None,
    min_quality: int = DEFAULT_MIN_QUALITY,
    yuv_range: str | None = None,
    yuv_matrix: str | None = None,
) -> str:
    """Encode a uint8 frame as a base64 JPEG or PNG string (or a ``data:`` URI).

    Args:
        image: a uint8 array (or any buffer with a shape) of shape (H, W, 3)
            for "BGR"/"RGB", (H, W, 4) for "BGRA"/"RGBA", (H, W) or (H, W, 1)
            for "GRAY". Crops with strided rows are compressed without a copy;
            other views (negative strides, Fortran order, channel slices) are
            copied to C order first and give the same string as that copy.
            A ``PIL.Image.Image`` is accepted too: modes "RGB", "RGBA" and
            "L" are read as they are (its mode sets the pixel format), 8-bit
            modes such as "P", "1", "LA" and "CMYK" are converted to RGB(A)
            or L first, and 16-bit/float modes raise ValueError.
        format: "jpeg" (default; "jpg" is accepted) or "png" (lossless: the
            exact pixels come back).
        quality: JPEG quality, 1..100. Default 90.
        subsampling: chroma subsampling, "444", "422", "420" (default for
            pixels), "440", "411" or "gray" (a grayscale JPEG). GRAY input
            always gives a grayscale JPEG. YUV input compresses to its own
            subsampling ("420" for I420/NV12, "422" for YUYV/UYVY): leave it
            out or pass that value.
        pixel_format: channel order of ``image``: "BGR" (OpenCV, default),
            "RGB", "BGRA", "RGBA" or "GRAY"; or a YUV layout, "I420", "NV12",
            "YUYV" or "UYVY", compressed straight from the planes with no RGB
            image in between. YUV ``image`` is one array as OpenCV lays it out
            ((H*3/2, W) for I420/NV12, (H, W, 2) for YUYV/UYVY), a tuple of
            planes with their own strides ((Y, U, V) or (Y, UV); odd sizes
            allowed), or a PyAV ``VideoFrame`` (yuv420p, yuvj420p, nv12,
            yuyv422, uyvy422; pixel_format may then be left out). See
            frame64._yuv for the layouts.
        fast_dct: use the faster, slightly less accurate integer DCT. It has
            no effect at quality 96 and above, where libjpeg-turbo 2.x always
            uses the accurate DCT (frame64 applies that rule on every version).
        progressive: write a progressive JPEG (smaller, slower).
        data_uri: prefix the result with "data:image/jpeg;base64," (or
            "data:image/png;base64,").
        compression: PNG only: 0 (stored) .. 9 (smallest, slowest); None
            means 1, the fast default (see frame64._png for the scale).
            Passing it with format="jpeg" is a ValueError. The JPEG options
            (quality, subsampling, fast_dct, progressive) are still checked
            with format="png" but have no effect.
        threads: threads for one large JPEG frame (default 1; None means
            all cores): a baseline JPEG is compressed in horizontal strips in
            parallel and stitched with restart markers, as
            ``Encoder(threads=..., split_frames=True).encode`` does. This is
            the one way besides that Encoder option to get strips: the bytes
            then carry restart markers (the pixels equal threads=1's).
            YUV input is split the same way, into strips of its planes.
            For PNG at compression 1-2, the image's bands of rows (about
            1 MiB of pixels each) are deflated on up to that many threads;
            the PNG is byte-identical for every value (no markers: see
            frame64._png). Other PNG levels use one thread.
        max_pixels: the largest image (width x height) to encode, checked on
            the shape before anything is copied or allocated (a huge strided
            view would otherwise be copied first). Default 178,956,970, the
            same guard as ``frame64.decode``; None: no limit.
        max_side: when the image's longer side exceeds it, the image is
            downscaled inside the call with frame64's exact area filter (see
            ``frame64.resize``) so that the longer side is ``max_side``, the
            shorter one rounded to nearest (at least 1), aspect kept. The
            resized frame goes to a per-thread buffer: no full-size copy.
            Never upscales. None (default): as it is. YUV input: each plane
            is resized on its own, with no RGB image between (see
            frame64._yuv.resize_yuv; packed 4:2:2 keeps an even width).
        max_chars: the returned string (data-URI prefix included) is at most
            this long. Quality is searched downwards from ``quality`` to
            ``min_quality`` by bisection (at most 2 + ceil(log2(quality -
            min_quality)) compressions per size, 8 for 90 -> 30); when even
            ``min_quality`` does not fit (or for PNG), the longer side is cut
            to 3/4 in steps and the search repeated. The result has the
            highest quality q that fits such that q + 1 (at that size) would
            not, is deterministic, and equals the other backend's for JPEG.
        min_quality: the lowest JPEG quality ``max_chars`` may use (1..100,
            default 30; a ``quality`` below it is its own floor).
        yuv_range: YUV input only: "limited" (Y 16..235; the default for
            arrays, as OpenCV's cvtColor and video decoders make) or "full".
            A VideoFrame's own color_range is the default for it.
        yuv_matrix: YUV input only: "bt601" (default for arrays) or "bt709".
            A VideoFrame's own colorspace is the default for it. Anything but
            full-range BT.601 is converted to it (what JPEG stores) with the
            fixed-point rule documented in frame64._yuv.

    Returns:
        The base64 text (RFC 4648, padded), as a str.

    Raises:
        TypeError: ``image`` is not uint8 pixels, or an option has the wrong type.
        ValueError: a wrong shape for ``pixel_format``, an empty image, a side
            over 65500 (libjpeg's limit) for JPEG or 2**31-1 for PNG, quality outside 1..100,
            compression outside 0..9 or given for JPEG, threads < 1, an image
            over max_pixels, max_side < 1, a max_chars that no image fits
            (even 1x1), or an unknown option value; for YUV input, planes
            of the wrong shape, odd sizes in a layout that forbids them, a
            subsampling other than the input's or format="png";
            yuv_range/yuv_matrix given for non-YUV input.
    """
    if _yuv.is_yuv(pixel_format, image):
        return _encode_yuv(image, pixel_format, format, quality, subsampling, fast_dct, progressive, data_uri,
                           compression, threads, max_pixels, yuv_range, yuv_matrix, max_side, max_chars, min_quality)
    if yuv_range is not None or yuv_matrix is not None:
        raise ValueError("yuv_range and yuv_matrix apply to YUV input only (pixel_format='I420', 'NV12', 'YUYV', "
                         "'UYVY' or a PyAV VideoFrame)")
    if subsampling is None:
        subsampling = "420"
    image, pixel_format = _options.from_pil(image, pixel_format)  # a PIL image's mode sets its format
    image_format = _options.check_format(format)
    options = _options.jpeg_options(
        quality=quality,
        subsampling=subsampling,
        pixel_format=pixel_format,
        fast_dct=fast_dct,
        progressive=progressive,
        data_uri=data_uri,
    )
    thread_count = _encoder.resolve_threads(threads)
    limit = _options.check_max_pixels(max_pixels)
    side = _options.check_max_side(max_side)
    chars = _budget.check_max_chars(max_chars)
    if image_format == "png":
        return _png.encode_png(
            image,
            pixel_format=pixel_format,
            compression=compression,
            data_uri=data_uri,
            max_pixels=limit,
            max_side=side,
            max_chars=chars,
            threads=thread_count,
        )
    if compression is not None:
        raise ValueError("compression applies to format='png' only; use quality= for JPEG")
    floor = _budget.check_min_quality(min_quality, options.quality)
    array = _options.prepare_image(image, options.pixel_format, max_pixels=limit)
    size = _options.fit_max_side(array.shape[1], array.shape[0], side)

    # The resize (exact: the same pixels on any number of threads) uses every core, whatever `threads`.
    resize_threads = _options.resize_threads()

    def encode_at(quality: int, width: int, height: int) -> str:
        if thread_count > 1:  # strips of the resized frame (a small copy) on the shared pool
            request = dataclasses.replace(options, quality=quality)
            frame = _resize.resize_prepared(array, request.channels, width, height, resize_threads)
            return _encoder.encode_threaded(frame, request, thread_count)
        return _backend.current().encode_jpeg(  # type: ignore[no-any-return]
            array, *options.args_at(quality), width, height, resize_threads)

    if chars is None:
        return encode_at(options.quality, *size)
    return _budget.fit(encode_at, size, options.quality, floor, chars)

def _encode_yuv(image: Any, pixel_format: Any, format: Any, quality: Any, subsampling: Any, fast_dct: Any,
                progressive: Any, data_uri: Any, compression: Any, threads: Any, max_pixels: Any, yuv_range: Any,
                yuv_matrix: Any, max_side: Any, max_chars: Any, min_quality: Any) -> str:
    """encode() for YUV input: checked here, planes resized here (max_side, max_chars), compressed by the backend."""
    if _options.check_format(format) != "jpeg":
        raise ValueError("format: YUV input is compressed to JPEG only; convert to BGR for PNG")
    if compression is not None:
        raise ValueError("compression applies to format='png' only; use quality= for JPEG")
    thread_count = _encoder.resolve_threads(threads)
    limit = _options.check_max_pixels(max_pixels)
    frame = _yuv.prepare_yuv(image, pixel_format, yuv_range, yuv_matrix, limit)
    own = _yuv.check_subsampling(subsampling, _yuv.layout_name(frame.layout))
    options = _options.jpeg_options(quality=quality, subsampling=own, pixel_format="GRAY", fast_dct=fast_dct,
                                    progressive=progressive, data_uri=data_uri)
    side = _options.check_max_side(max_side)
    chars = _budget.check_max_chars(max_chars)
    floor = _budget.check_min_quality(min_quality, options.quality)

    def encode_at(quality: int, width: int, height: int) -> str:
        planes = _yuv.resize_yuv(frame, width, height)
        if thread_count > 1:  # strips of the planes, as for pixel frames
            request = dataclasses.replace(options, quality=quality)
            return _encoder.encode_yuv_threaded(planes, request, TJSAMP[own], thread_count)
        return _backend.current().encode_yuv(  # type: ignore[no-any-return]
            *planes, quality, TJSAMP[own], options.fast_dct, options.progressive, options.data_uri)

    size = _options.fit_max_side(frame.width, frame.height, side)
    if chars is None:
        return encode_at(options.quality, *size)
    return _budget.fit(encode_at, size, options.quality, floor, chars)
