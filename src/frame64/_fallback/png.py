"""PNG in pure Python: numpy for the filters, zlib for deflate, struct and
zlib.crc32 for the chunks (PNG specification, 3rd edition; RFC 2083).

Same functions, signatures and pixels as ``frame64._core.encode_png`` and the
PNG branch of ``decode_image``. The encoder applies exactly the C++ filters (so both backends
deflate the same filtered bytes); the deflate differs (zlib here, frame64's
Huffman+run coder or libdeflate in C++), so the files are byte-identical only
at compression 0, where both write the same stored blocks.

The decoder is a careful reader, not a fast one: rows filtered with Average
or Paeth are undone in a Python loop.
"""

from __future__ import annotations

import struct
import sys
import zlib
from typing import Any

import numpy as np

from .._errors import PngError
from .._formats import BLUE_FIRST, DATA_URI_PREFIX, MAX_PNG_SIDE, PIXEL_SIZE, PNG_SIGNATURE
from .arrays import base64_str
from .resize import check_threads, resized

_STORED_MAX = 65535  # bytes in one stored deflate block (RFC 1951 3.2.4)
MAX_CHUNK_LENGTH = 2**31 - 1  # PNG specification 5.3
# Compression level -> (adaptive filters, fixed filter, zlib level, zlib strategy).
# Levels 1-2 stand in for the C++ Huffman+run coder with zlib's run-only
# strategy; 3-9 map libdeflate's levels 1, 3, 5, 6, 8, 10, 12 to zlib's 1..9.
_LEVELS = {
    0: (False, 0, 0, zlib.Z_DEFAULT_STRATEGY),
    1: (False, 2, 1, zlib.Z_RLE),
    2: (True, 0, 1, zlib.Z_RLE),
    3: (True, 0, 1, zlib.Z_DEFAULT_STRATEGY),
    4: (True, 0, 3, zlib.Z_DEFAULT_STRATEGY),
    5: (True, 0, 5, zlib.Z_DEFAULT_STRATEGY),
    6: (True, 0, 6, zlib.Z_DEFAULT_STRATEGY),
    7: (True, 0, 8, zlib.Z_DEFAULT_STRATEGY),
    8: (True, 0, 9, zlib.Z_DEFAULT_STRATEGY),
    9: (True, 0, 9, zlib.Z_DEFAULT_STRATEGY),
}
_COLOUR_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_KNOWN_CRITICAL = (b"IHDR", b"PLTE", b"IDAT", b"IEND")
_VALID_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# Adam7 passes: (x0, y0, dx, dy) (spec 8.2).
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def channel_layout(pixel_format: int) -> tuple[int, bool]:
    """(channels, red and blue swapped) of a TJPF code."""
    if pixel_format not in PIXEL_SIZE:
        raise ValueError(f"pixel_format: unsupported pixel format code {pixel_format}")
    return PIXEL_SIZE[pixel_format], pixel_format in BLUE_FIRST


# --- encoding -----------------------------------------------------------------


def _filter_candidates(rows: np.ndarray, bpp: int, types: tuple[int, ...]) -> dict[int, np.ndarray]:
    """Filtered residuals (uint8) of every row for each filter type (spec 9.2)."""
    x = rows.astype(np.int16)
    up = np.zeros_like(x)
    up[1:] = x[:-1]
    left = np.zeros_like(x)
    left[:, bpp:] = x[:, :-bpp]
    upper_left = np.zeros_like(x)
    upper_left[:, bpp:] = up[:, :-bpp]
    out: dict[int, np.ndarray] = {}
    for t in types:
        if t == 0:
            pred = np.zeros_like(x)
        elif t == 1:
            pred = left
        elif t == 2:
            pred = up
        elif t == 3:
            pred = (left + up) >> 1
        else:  # Paeth (spec 9.4)
            pa = np.abs(up - upper_left)
            pb = np.abs(left - upper_left)
            pc = np.abs(left + up - 2 * upper_left)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upper_left))
        out[t] = (x - pred).astype(np.uint8)
    return out


def _filter_image(rows: np.ndarray, bpp: int, adaptive: bool, fixed: int) -> np.ndarray:
    """The filtered scanlines (type byte + residuals), as the C++ filter_image."""
    height, row_bytes = rows.shape
    filtered = np.empty((height, row_bytes + 1), np.uint8)
    if not adaptive:
        filtered[:, 0] = fixed
        filtered[:, 1:] = _filter_candidates(rows, bpp, (fixed,))[fixed]
        return filtered
    candidates = _filter_candidates(rows, bpp, (0, 1, 2, 3, 4))
    # Spec 12.8: smallest sum of |residual as signed byte|, lowest type on ties.
    costs = np.stack([np.abs(candidates[t].view(np.int8).astype(np.int64)).sum(axis=1) for t in range(5)])
    best = np.argmin(costs, axis=0)
    filtered[:, 0] = best
    stacked = np.stack([candidates[t] for t in range(5)])
    filtered[:, 1:] = stacked[best, np.arange(height)]
    return filtered


def _zlib_store(data: bytes) -> bytes:
    """A zlib stream of stored blocks, byte-identical to the C++ zlib_store."""
    parts = [b"\x78\x01"]
    n = len(data)
    pos = 0
    while True:
        length = min(n - pos, _STORED_MAX)
        final = pos + length == n
        parts.append(struct.pack("<BHH", 1 if final else 0, length, length ^ 0xFFFF))
        parts.append(data[pos : pos + length])
        pos += length
        if final:
            break
    parts.append(struct.pack(">I", zlib.adler32(data)))
    return b"".join(parts)


def png_deflate(data: Any, compression: int) -> bytes:
    """The zlib stream the encoder writes at this level (same contract as frame64._core.png_deflate)."""
    if not isinstance(compression, int) or not 0 <= compression <= 9:
        raise ValueError(f"compression must be in 0..9, got {compression}")
    data = bytes(memoryview(data).cast("B"))
    _, _, level, strategy = _LEVELS[compression]
    if level == 0:
        return _zlib_store(data)
    streams = []
    candidates = [(level, strategy)] + ([(1, zlib.Z_RLE)] if compression >= 3 else [])
    for lvl, strat in candidates:
        compressor = zlib.compressobj(lvl, zlib.DEFLATED, 15, 8, strat)
        streams.append(compressor.compress(data) + compressor.flush())
    # Like the C++ encoder, levels 3-9 keep the run-only stream when it is smaller.
    return min(streams, key=len)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def encode_png_bytes(image: np.ndarray, pixel_format: int, compression: int) -> bytes:
    """The PNG file for a validated frame."""
    channels, swap = channel_layout(pixel_format)
    if not isinstance(compression, int) or not 0 <= compression <= 9:
        raise ValueError(f"compression must be in 0..9, got {compression}")
    array = np.asarray(image)
    if array.ndim == 3 and channels == 1:
        array = array[:, :, 0]
    height, width = array.shape[:2]
    if not (1 <= height <= MAX_PNG_SIDE and 1 <= width <= MAX_PNG_SIDE):
        raise ValueError("image: PNG width and height must be in 1..2147483647")
    if swap:
        array = array[..., [2, 1, 0, 3][:channels]]
    rows = np.ascontiguousarray(array).reshape(height, width * channels)
    adaptive, fixed, _, _ = _LEVELS[compression]
    stream = png_deflate(_filter_image(rows, channels, adaptive, fixed).tobytes(), compression)
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def encode_png(
    image: np.ndarray,
    pixel_format: int,
    compression: int,
    data_uri: bool,
    width: int = 0,
    height: int = 0,
    threads: int = 1,
    resize_threads: int = 1,
) -> str:
    """Same contract as frame64._core.encode_png (image already validated; width, height 0: as it is;
    always one thread, whatever ``threads`` and ``resize_threads``)."""
    check_threads("threads", threads)
    check_threads("resize_threads", resize_threads)
    image = resized(image, width, height)
    return base64_str(encode_png_bytes(image, pixel_format, compression), DATA_URI_PREFIX["png"] if data_uri else "")


def png_simd() -> str:
    """The pure-Python backend has no PNG kernels; "python" stands for it."""
    return "python"


def supported_png_simd() -> list[str]:
    return ["python"]


def set_png_simd(name: str) -> None:
    """Accepts only "auto" and "python": there is no kernel to force here."""
    if name not in ("auto", "python"):
        raise ValueError(f"the {name!r} PNG kernel needs the compiled backend (expected 'auto' or 'python')")


# --- decoding -----------------------------------------------------------------


class PngChunks:
    """The chunks of a PNG file, CRC-checked (spec 5.3, 5.4)."""

    def __init__(self, data: bytes, strict: bool) -> None:
        if data[:8] != PNG_SIGNATURE:
            raise PngError("invalid PNG: the signature is missing")
        self.items: list[tuple[bytes, bytes]] = []
        pos = 8
        while True:
            if pos + 8 > len(data):
                raise PngError("invalid PNG: truncated before IEND")
            length, kind = struct.unpack_from(">I4s", data, pos)
            if length > MAX_CHUNK_LENGTH:
                raise PngError("invalid PNG: chunk length over 2^31-1")
            if not all(65 <= c <= 90 or 97 <= c <= 122 for c in kind):
                raise PngError(f"invalid PNG: bad chunk type {kind!r}")
            end = pos + 12 + length
            if end > len(data):
                raise PngError(f"invalid PNG: chunk {kind.decode('latin-1')} is truncated")
            if pos == 8 and kind != b"IHDR":  # spec 5.6: IHDR comes first, whatever follows
                raise PngError("invalid PNG: the first chunk is not IHDR")
            payload = data[pos + 8 : pos + 8 + length]
            (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
            pos = end
            critical = kind[0] < 97
            if zlib.crc32(kind + payload) != crc:
                if critical or strict:
                    raise PngError(f"invalid PNG: CRC mismatch in chunk {kind.decode('latin-1')}")
                continue  # a damaged ancillary chunk is dropped
            self.items.append((kind, payload))
            if kind == b"IEND":
                return


class PngFile:
    """A parsed PNG: header, palette, transparency and the zlib stream."""

    def __init__(self, data: bytes, strict: bool) -> None:
        chunks = PngChunks(data, strict).items
        ihdr = chunks[0][1]
        if len(ihdr) != 13:
            raise PngError("invalid PNG: IHDR must be 13 bytes")
        (self.width, self.height, self.depth, self.colour, compression, filter_method, interlace) = struct.unpack(
            ">IIBBBBB", ihdr
        )
        if not (1 <= self.width <= MAX_PNG_SIDE and 1 <= self.height <= MAX_PNG_SIDE):
            raise PngError("invalid PNG: width and height must be in 1..2^31-1")
        if self.depth not in _VALID_DEPTHS.get(self.colour, ()):
            raise PngError(f"invalid PNG: bit depth {self.depth} with colour type {self.colour}")
        if compression != 0 or filter_method != 0 or interlace > 1:
            raise PngError("invalid PNG: unknown compression, filter or interlace method")
        self.interlaced = interlace == 1
        self.palette: np.ndarray | None = None
        self.trns: bytes | None = None
        idat: list[bytes] = []
        seen: list[bytes] = []
        for kind, payload in chunks[1:]:
            if kind == b"IHDR":
                raise PngError("invalid PNG: a second IHDR")
            if kind == b"PLTE":
                if self.palette is not None or idat or len(payload) % 3 or not 3 <= len(payload) <= 768:
                    raise PngError("invalid PNG: bad PLTE chunk")
                if self.colour in (0, 4):
                    raise PngError("invalid PNG: PLTE in a gray image")
                if self.colour == 3 and len(payload) // 3 > 1 << self.depth:
                    raise PngError("invalid PNG: more palette entries than the bit depth allows")
                self.palette = np.frombuffer(payload, np.uint8).reshape(-1, 3)
            elif kind == b"tRNS":
                if self.colour in (4, 6):
                    raise PngError("invalid PNG: tRNS in an image with an alpha channel")
                expected = {0: 2, 2: 6}.get(self.colour)
                if self.trns is not None or idat or (expected is not None and len(payload) != expected):
                    raise PngError("invalid PNG: bad tRNS chunk")
                if self.colour == 3 and (self.palette is None or len(payload) > len(self.palette)):
                    raise PngError("invalid PNG: tRNS longer than the palette")
                self.trns = payload
            elif kind == b"IDAT":
                if seen and seen[-1] != b"IDAT" and idat:
                    raise PngError("invalid PNG: IDAT chunks are not consecutive")
                idat.append(payload)
            elif kind[0] < 97 and kind not in _KNOWN_CRITICAL:  # spec 5.4: cannot be safely skipped
                raise PngError(f"invalid PNG: unknown critical chunk {kind.decode('latin-1')}")
            seen.append(kind)
        if self.colour == 3 and self.palette is None:
            raise PngError("invalid PNG: palette image without PLTE")
        if not idat:
            raise PngError("invalid PNG: no IDAT chunk")
        self.stream = b"".join(idat)


def _row_bytes(width: int, channels: int, depth: int) -> int:
    return (width * channels * depth + 7) // 8


def _unfilter(filtered: np.ndarray, bpp: int) -> np.ndarray:
    """Undoes the per-row filters of one (sub)image (spec 9.2); returns the rows."""
    height = filtered.shape[0]
    rows = np.empty((height, filtered.shape[1] - 1), np.uint8)
    prev = np.zeros(rows.shape[1], np.uint8)
    for y in range(height):
        kind = int(filtered[y, 0])
        line = filtered[y, 1:]
        if kind == 0:
            cur = line.copy()
        elif kind == 1 and len(line) % bpp == 0:
            cur = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:
            cur = line + prev
        elif kind in (1, 3, 4):
            cur = _unfilter_sequential(kind, line.tolist(), prev.tolist(), bpp)
        else:
            raise PngError("invalid PNG (image data): unknown filter type")
        rows[y] = cur
        prev = rows[y]
    return rows


def _unfilter_sequential(kind: int, line: list[int], prev: list[int], bpp: int) -> np.ndarray:
    out = [0] * len(line)
    for i, value in enumerate(line):
        left = out[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 1:
            pred = left
        elif kind == 3:
            pred = (left + up) >> 1
        else:
            upper_left = prev[i - bpp] if i >= bpp else 0
            pa, pb, pc = abs(up - upper_left), abs(left - upper_left), abs(left + up - 2 * upper_left)
            pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
        out[i] = (value + pred) & 0xFF
    return np.array(out, np.uint8)


def _samples(rows: np.ndarray, width: int, channels: int, depth: int) -> np.ndarray:
    """Unfiltered rows -> (h, w, channels) raw sample values (uint8, or uint16 at depth 16)."""
    height = rows.shape[0]
    if depth == 8:
        return rows.reshape(height, width, channels)
    if depth == 16:
        return rows.reshape(height, width, channels, 2).astype(np.uint16) @ np.array([256, 1], np.uint16)
    bits = np.unpackbits(rows, axis=1).reshape(height, -1, depth)
    weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)
    values: np.ndarray = (bits * weights).sum(axis=2, dtype=np.uint8)
    return values[:, :width].reshape(height, width, 1)


def _raw_samples(png: PngFile) -> np.ndarray:
    channels = _COLOUR_CHANNELS[png.colour]
    bpp = max(1, channels * png.depth // 8)
    passes = _ADAM7 if png.interlaced else ((0, 0, 1, 1),)
    sizes = []
    for x0, y0, dx, dy in passes:
        pw = (png.width - x0 + dx - 1) // dx if png.width > x0 else 0
        ph = (png.height - y0 + dy - 1) // dy if png.height > y0 else 0
        sizes.append((pw, ph))
    expected = sum(ph * (1 + _row_bytes(pw, channels, png.depth)) for pw, ph in sizes if pw and ph)
    if expected > sys.maxsize:
        raise PngError("invalid PNG (header): the image is too large to decode")
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(png.stream, expected)
        if len(raw) == expected:
            # As libspng: the stream is read on after the last row as far as
            # it goes, so an Adler-32 that is there is checked (a mismatch is
            # corrupt data), while a stream that just stops there is accepted.
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
    except zlib.error:  # libspng's SPNG_EIDAT_STREAM / SPNG_EZLIB (png_decoder.cpp check_image_data)
        raise PngError("invalid PNG (image data): the compressed image data is corrupt") from None
    if len(raw) < expected:
        raise PngError("invalid PNG (image data): the image data is truncated")
    dtype = np.uint16 if png.depth == 16 else np.uint8
    image = np.empty((png.height, png.width, channels), dtype)
    offset = 0
    for (x0, y0, dx, dy), (pw, ph) in zip(passes, sizes):
        if not pw or not ph:
            continue
        size = ph * (1 + _row_bytes(pw, channels, png.depth))
        filtered = np.frombuffer(raw, np.uint8, size, offset).reshape(ph, -1)
        offset += size
        image[y0::dy, x0::dx] = _samples(_unfilter(filtered, bpp), pw, channels, png.depth)
    return image


def _to_8bit_rgba(png: PngFile, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(h, w, 1 or 3) 8-bit colour and (h, w) alpha (None when opaque)."""
    depth, colour = png.depth, png.colour
    if colour == 3:
        index = samples[..., 0]
        assert png.palette is not None
        # An index past the palette reads as opaque black, as in libspng and PIL.
        palette = np.zeros((256, 3), np.uint8)
        palette[: len(png.palette)] = png.palette
        rgb = palette[index]
        alpha = None
        if png.trns is not None:
            table = np.full(256, 255, np.uint8)
            table[: len(png.trns)] = np.frombuffer(png.trns, np.uint8)
            alpha = table[index]
        return rgb, alpha
    if depth == 16:
        eight = (samples >> 8).astype(np.uint8)
    elif depth < 8:
        eight = samples * np.uint8(255 // ((1 << depth) - 1))
    else:
        eight = samples
    colour_channels = 1 if colour in (0, 4) else 3
    values = eight[..., :colour_channels]
    if colour in (4, 6):
        return values, eight[..., colour_channels]
    alpha = None
    if png.trns is not None:
        key = np.array(struct.unpack(f">{colour_channels}H", png.trns), np.uint32)
        match = np.all(samples[..., :colour_channels].astype(np.uint32) == key, axis=-1)
        alpha = np.where(match, np.uint8(0), np.uint8(255))
    return values, alpha


def decode_pixels(parsed: PngFile, pixel_format: int) -> np.ndarray:
    """The pixels of a parsed PNG in a pixel format's layout, converted as PIL's Image.convert does."""
    channels, swap = channel_layout(pixel_format)
    shape = (parsed.height, parsed.width) + ((channels,) if channels > 1 else ())
    values, alpha = _to_8bit_rgba(parsed, _raw_samples(parsed))
    gray = values.shape[-1] == 1
    if channels == 1:
        if gray:
            result = values[..., 0]
        else:  # PIL's ITU-R 601-2 luma, 16-bit fixed point
            v = values.astype(np.uint32)
            result = ((v[..., 0] * 19595 + v[..., 1] * 38470 + v[..., 2] * 7471 + 0x8000) >> 16).astype(np.uint8)
    else:
        rgb = np.repeat(values, 3, axis=-1) if gray else values
        if swap:
            rgb = rgb[..., ::-1]
        if channels == 4:
            a = np.full(shape[:2], 255, np.uint8) if alpha is None else alpha
            result = np.concatenate([rgb, a[..., None]], axis=-1)
        else:
            result = rgb
    return np.ascontiguousarray(result, np.uint8)
