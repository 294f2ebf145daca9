"""PNG both ways: exact round trips, validity for PIL and OpenCV, decoding of
every colour type and bit depth PIL and OpenCV write, corrupt files, C++ vs
fallback, and bad arguments.

Decoding is tested on raw PNG bytes through frame64._png.decode_png (the hook
behind frame64.decode), on each backend.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import frame64
from frame64 import _backend, _fallback, _png
from frame64._fallback import png as fallback_png
from frame64._sample import camera_frame

from ..conftest import cv2

SIGNATURE = b"\x89PNG\r\n\x1a\n"
FORMATS = ("BGR", "RGB", "BGRA", "RGBA", "GRAY")
CHANNELS = {"BGR": 3, "RGB": 3, "BGRA": 4, "RGBA": 4, "GRAY": 1}
LEVELS = tuple(range(10))


def core_module() -> Any:
    return pytest.importorskip("frame64._core", exc_type=ImportError, reason="the compiled backend frame64._core is not built")


def module_for(name: str) -> Any:
    return core_module() if name == "cpp" else _fallback


@pytest.fixture(params=["cpp", "python"])
def impl(request: pytest.FixtureRequest) -> Any:
    return module_for(request.param)


def encode_raw(impl: Any, image: Any, pixel_format: str = "BGR", compression: int | None = None) -> bytes:
    with _backend.use(impl):
        text = _png.encode_png(image, pixel_format=pixel_format, compression=compression, data_uri=False)
    return base64.b64decode(text, validate=True)


def decode(impl: Any, raw: bytes, pixel_format: str = "BGR", **kwargs: Any) -> np.ndarray:
    with _backend.use(impl):
        return _png.decode_png(raw, pixel_format=pixel_format, **kwargs)


def frame(height: int, width: int, pixel_format: str, kind: str = "camera", seed: int = 0) -> np.ndarray:
    channels = CHANNELS[pixel_format]
    if kind == "camera":
        image = camera_frame(height, width, channels, seed=seed)
    elif kind == "noise":
        shape = (height, width) if channels == 1 else (height, width, channels)
        image = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    else:  # flat areas with a few edges, like a mask or a screenshot
        shape = (height, width) if channels == 1 else (height, width, channels)
        image = np.zeros(shape, np.uint8)
        image[height // 3 :, : width // 2] = 200
        image[:, width // 2 :: 7] = 17
    return np.ascontiguousarray(image)


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Parses a PNG, asserting the signature and every CRC (PNG spec 5.3)."""
    assert png[:8] == SIGNATURE
    pos, items = 8, []
    while pos < len(png):
        (length,) = struct.unpack_from(">I", png, pos)
        kind = png[pos + 4 : pos + 8]
        payload = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", png, pos + 8 + length)
        assert crc == zlib.crc32(kind + payload), f"bad CRC in {kind!r}"
        items.append((kind, payload))
        pos += 12 + length
    assert pos == len(png)
    return items


def idat_stream(png: bytes) -> bytes:
    return b"".join(payload for kind, payload in chunks(png) if kind == b"IDAT")


def make_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def build_png(ihdr: bytes, stream: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()) -> bytes:
    body = b"".join(make_chunk(k, p) for k, p in extra)
    return SIGNATURE + make_chunk(b"IHDR", ihdr) + body + make_chunk(b"IDAT", stream) + make_chunk(b"IEND", b"")


def pil_rgb_order(array: np.ndarray, pixel_format: str) -> np.ndarray:
    """The image in the order PIL and the PNG file use (RGB/RGBA/gray)."""
    if pixel_format in ("BGR", "BGRA"):
        return array[..., [2, 1, 0, 3][: array.shape[-1]]]
    return array


# --- round trips ----------------------------------------------------------------

SIZES = [(1, 1), (1, 7), (7, 1), (2, 2), (13, 17), (31, 64), (480, 640)]


@pytest.mark.parametrize("pixel_format", FORMATS)
@pytest.mark.parametrize("height,width", SIZES)
@pytest.mark.parametrize("kind", ["camera", "noise", "flat"])
def test_round_trip_is_exact(impl: Any, pixel_format: str, height: int, width: int, kind: str) -> None:
    image = frame(height, width, pixel_format, kind)
    for level in (None, 0, 2) if height * width < 10000 else (None,):
        raw = encode_raw(impl, image, pixel_format, level)
        np.testing.assert_array_equal(decode(impl, raw, pixel_format), image)


@pytest.mark.parametrize("level", LEVELS)
def test_every_compression_level_round_trips_and_both_backends_agree(level: int) -> None:
    core = core_module()
    image = frame(61, 83, "BGR", "camera")
    raw_cpp = encode_raw(core, image, "BGR", level)
    raw_py = encode_raw(_fallback, image, "BGR", level)
    for raw in (raw_cpp, raw_py):
        for reader in (core, _fallback):
            np.testing.assert_array_equal(decode(reader, raw, "BGR"), image)
    # The same filtered scanlines go into both deflaters.
    assert zlib.decompress(idat_stream(raw_cpp)) == zlib.decompress(idat_stream(raw_py))
    if level == 0:
        assert raw_cpp == raw_py  # both write the same stored blocks


@pytest.mark.parametrize("pixel_format", FORMATS)
def test_full_hd_round_trip(impl: Any, pixel_format: str) -> None:
    image = frame(1080, 1920, pixel_format)
    raw = encode_raw(impl, image, pixel_format)
    np.testing.assert_array_equal(decode(impl, raw, pixel_format), image)


def test_full_hd_levels_cpp() -> None:
    core = core_module()
    image = frame(1080, 1920, "BGR")
    for level in (0, 1, 2, 3):
        raw = encode_raw(core, image, "BGR", level)
        np.testing.assert_array_equal(decode(core, raw, "BGR"), image)


def test_large_stored_image_spans_many_stored_blocks(impl: Any) -> None:
    image = frame(300, 400, "RGBA", "noise")  # 480300 filtered bytes: 8 stored blocks
    raw = encode_raw(impl, image, "RGBA", 0)
    assert len(raw) > 480300
    np.testing.assert_array_equal(decode(impl, raw, "RGBA"), image)


def test_compressible_image_gets_smaller(impl: Any) -> None:
    image = frame(200, 300, "BGR", "flat")
    raw = encode_raw(impl, image, "BGR")
    assert len(raw) < image.nbytes // 20
    np.testing.assert_array_equal(decode(impl, raw), image)


def test_gray_hw1_input_equals_hw(impl: Any) -> None:
    image = frame(20, 30, "GRAY")
    assert encode_raw(impl, image[:, :, None], "GRAY") == encode_raw(impl, image, "GRAY")


@settings(deadline=None, max_examples=40)
@given(
    height=st.integers(1, 40),
    width=st.integers(1, 40),
    pixel_format=st.sampled_from(FORMATS),
    level=st.integers(0, 9),
    seed=st.integers(0, 2**32 - 1),
    levels_of_gray=st.sampled_from([2, 16, 256]),
)
def test_property_round_trip_both_backends(
    height: int, width: int, pixel_format: str, level: int, seed: int, levels_of_gray: int
) -> None:
    rng = np.random.default_rng(seed)
    channels = CHANNELS[pixel_format]
    shape = (height, width) if channels == 1 else (height, width, channels)
    image = (rng.integers(0, levels_of_gray, shape) * (255 // (levels_of_gray - 1))).astype(np.uint8)
    modules = [_fallback]
    try:
        from frame64 import _core

        modules.append(_core)
    except ImportError:
        pass
    for writer in modules:
        raw = encode_raw(writer, image, pixel_format, level)
        for reader in modules:
            np.testing.assert_array_equal(decode(reader, raw, pixel_format), image)


# --- the deflate stage -------------------------------------------------------------


def deflate_inputs() -> dict[str, bytes]:
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, 300_000, dtype=np.uint8).tobytes()
    skewed = np.clip(rng.normal(0, 2, 300_000), -128, 127).astype(np.int8).tobytes()
    runs = b"".join(bytes([v]) * int(n) for v, n in zip(rng.integers(0, 4, 4000), rng.integers(1, 400, 4000)))
    out = {"empty": b"", "one": b"\x05", "two-same": b"\x00\x00", "three-same": b"aaa", "noise": noise,
           "skewed": skewed, "runs": runs, "zeros": bytes(700_000), "one-symbol-then-other": bytes(1000) + b"\x01"}
    for size in (65534, 65535, 65536, 131071, 131072, 131073, 262145):
        out[f"skewed-{size}"] = skewed[:size] if size <= len(skewed) else (skewed * 2)[:size]
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_png_deflate_is_valid_zlib(impl: Any, level: int) -> None:
    for name, data in deflate_inputs().items():
        stream = impl.png_deflate(data, level)
        assert zlib.decompress(stream) == data, name
        assert len(stream) <= len(data) + 6 * (len(data) // 16384 + 2) + 14, name  # never much larger than stored
    assert impl.png_deflate(b"abc", 0) == _fallback.png_deflate(b"abc", 0)


@settings(deadline=None, max_examples=150)
@given(data=st.binary(max_size=3000), repeat=st.integers(1, 300), level=st.sampled_from([0, 1, 2, 3, 9]))
def test_property_png_deflate_round_trips(data: bytes, repeat: int, level: int) -> None:
    modules = [_fallback] + ([module_for("cpp")] if _has_core() else [])
    payload = b"".join(bytes([b]) * (repeat if i % 3 == 0 else 1) for i, b in enumerate(data))
    for module in modules:
        assert zlib.decompress(module.png_deflate(payload, level)) == payload


# --- views --------------------------------------------------------------------


def views(base: np.ndarray) -> dict[str, np.ndarray]:
    readonly = base.copy()
    readonly.setflags(write=False)
    out = {
        "crop": base[3:40, 5:51],
        "row_step": base[::2],
        "negative_rows": base[::-1],
        "negative_cols": base[:, ::-1],
        "fortran": np.asfortranarray(base),
        "column_step": base[:, ::3],
        "readonly": readonly,
    }
    if base.ndim == 3:
        wider = np.zeros(base.shape[:2] + (base.shape[2] + 1,), np.uint8)
        wider[..., 1:] = base
        out["channel_slice"] = wider[..., 1:]
    return out


@pytest.mark.parametrize("pixel_format", FORMATS)
def test_views_encode_like_their_contiguous_copy(impl: Any, pixel_format: str) -> None:
    base = frame(50, 60, pixel_format, "camera", seed=3)
    for name, view in views(base).items():
        raw = encode_raw(impl, view, pixel_format)
        assert raw == encode_raw(impl, np.ascontiguousarray(view), pixel_format), name
        np.testing.assert_array_equal(decode(impl, raw, pixel_format), view, err_msg=name)


# --- valid for independent decoders ----------------------------------------------


@pytest.mark.parametrize("pixel_format", FORMATS)
@pytest.mark.parametrize("level", [0, 1, 2, 3, 9])
@pytest.mark.parametrize("height,width", [(1, 1), (17, 23), (120, 160)])
def test_png_is_valid_for_pil_and_opencv(impl: Any, pixel_format: str, level: int, height: int, width: int) -> None:
    image = frame(height, width, pixel_format, "camera", seed=height)
    raw = encode_raw(impl, image, pixel_format, level)
    items = chunks(raw)
    kinds = [k for k, _ in items]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and set(kinds[1:-1]) == {b"IDAT"}
    w, h, depth, colour, comp, filt, interlace = struct.unpack(">IIBBBBB", items[0][1])
    assert (w, h, depth, comp, filt, interlace) == (width, height, 8, 0, 0, 0)
    assert colour == {1: 0, 3: 2, 4: 6}[CHANNELS[pixel_format]]
    pil = np.array(Image.open(io.BytesIO(raw)))
    np.testing.assert_array_equal(pil, pil_rgb_order(image, pixel_format))
    cv = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED)
    expected_cv = image if pixel_format in ("BGR", "BGRA", "GRAY") else image[..., [2, 1, 0, 3][: image.shape[-1]]]
    np.testing.assert_array_equal(cv, expected_cv)


def test_public_encode_png_and_data_uri(impl: Any) -> None:
    image = frame(30, 40, "BGR")
    with _backend.use(impl):
        text = frame64.encode(image, format="png")
        uri = frame64.encode(image, format="PNG", data_uri=True, compression=1)
        assert frame64.encode(image, format="png", quality=50) == text  # JPEG options do not apply
    assert uri == "data:image/png;base64," + text
    raw = base64.b64decode(text, validate=True)
    np.testing.assert_array_equal(decode(impl, raw, "BGR"), image)
    assert _png.is_png(raw) and not _png.is_png(b"\xff\xd8\xff")


# --- reading what PIL and OpenCV write ----------------------------------------------


def pil_png(image: Image.Image, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def pil_reference(raw: bytes, pixel_format: str) -> np.ndarray:
    """PIL's decode in the requested layout; 16-bit gray keeps its high byte."""
    image = Image.open(io.BytesIO(raw))
    if image.mode.startswith("I"):
        gray = (np.array(image).astype(np.uint32) >> 8).astype(np.uint8)
        if pixel_format == "GRAY":
            return gray
        image = Image.fromarray(gray, "L")
    mode = {"GRAY": "L", "RGB": "RGB", "BGR": "RGB", "RGBA": "RGBA", "BGRA": "RGBA"}[pixel_format]
    return pil_rgb_order(np.array(image.convert(mode)), pixel_format)


def written_pngs(height: int, width: int) -> dict[str, bytes]:
    rng = np.random.default_rng(height * 1000 + width)
    files = {
        "1": pil_png(Image.fromarray(rng.integers(0, 2, (height, width)).astype(bool))),
        "L": pil_png(Image.fromarray(rng.integers(0, 256, (height, width), dtype=np.uint8))),
        "L-trns": pil_png(Image.fromarray(rng.integers(0, 4, (height, width), dtype=np.uint8)), transparency=2),
        "LA": pil_png(Image.fromarray(rng.integers(0, 256, (height, width, 2), dtype=np.uint8), "LA")),
        "RGB": pil_png(Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))),
        "RGB-trns": pil_png(Image.fromarray(rng.integers(6, 8, (height, width, 3), dtype=np.uint8)), transparency=(7, 7, 7)),
        "RGBA": pil_png(Image.fromarray(rng.integers(0, 256, (height, width, 4), dtype=np.uint8))),
        "I;16": pil_png(Image.fromarray(rng.integers(0, 65536, (height, width), dtype=np.uint16))),
        "RGB-opt": pil_png(Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)), optimize=True),
    }
    for bits in (1, 2, 4, 8):
        entries = 1 << bits
        palette_image = Image.fromarray(rng.integers(0, entries, (height, width), dtype=np.uint8), "P")
        palette_image.putpalette(rng.integers(0, 256, 3 * entries).astype(int).tolist())
        files[f"P{bits}"] = pil_png(palette_image, bits=bits)
        alphas = bytes(rng.integers(0, 256, entries // 2 + 1).astype(np.uint8).tolist())
        files[f"P{bits}-trns"] = pil_png(palette_image, bits=bits, transparency=alphas)
    for name, image in {
        "cv-gray": rng.integers(0, 256, (height, width), dtype=np.uint8),
        "cv-bgr": rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
        "cv-bgra": rng.integers(0, 256, (height, width, 4), dtype=np.uint8),
        "cv-gray16": rng.integers(0, 65536, (height, width), dtype=np.uint16),
        "cv-bgr16": rng.integers(0, 65536, (height, width, 3), dtype=np.uint16),
        "cv-bgra16": rng.integers(0, 65536, (height, width, 4), dtype=np.uint16),
    }.items():
        for level in (1, 9):
            ok, encoded = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, level])
            assert ok
            files[f"{name}-{level}"] = encoded.tobytes()
    return files


@pytest.mark.filterwarnings("ignore:Palette images with Transparency:UserWarning")
@pytest.mark.parametrize("height,width", [(1, 1), (5, 3), (13, 17), (40, 67)])
@pytest.mark.parametrize("pixel_format", FORMATS)
def test_decodes_pil_and_opencv_pngs_like_pil(impl: Any, height: int, width: int, pixel_format: str) -> None:
    for name, raw in written_pngs(height, width).items():
        got = decode(impl, raw, pixel_format)
        np.testing.assert_array_equal(got, pil_reference(raw, pixel_format), err_msg=name)
        assert got.flags.c_contiguous and got.dtype == np.uint8


def adam7_png(image: np.ndarray, colour: int) -> bytes:
    """An interlaced 8-bit PNG (spec 8.2), each pass filtered adaptively."""
    height, width = image.shape[:2]
    channels = 1 if image.ndim == 2 else image.shape[2]
    parts = []
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
        sub = image[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        rows = np.ascontiguousarray(sub).reshape(sub.shape[0], -1)
        parts.append(fallback_png._filter_image(rows, channels, True, 0).tobytes())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 1)
    return build_png(ihdr, zlib.compress(b"".join(parts), 6))


@pytest.mark.parametrize("height,width", [(1, 1), (3, 2), (9, 9), (37, 53)])
def test_decodes_interlaced(impl: Any, height: int, width: int) -> None:
    rgb = frame(height, width, "RGB", "noise", seed=width)
    raw = adam7_png(rgb, 2)
    np.testing.assert_array_equal(np.array(Image.open(io.BytesIO(raw))), rgb)  # the oracle agrees
    np.testing.assert_array_equal(decode(impl, raw, "RGB"), rgb)
    np.testing.assert_array_equal(decode(impl, raw, "BGRA")[..., :3], rgb[..., ::-1])
    gray = frame(height, width, "GRAY", "noise", seed=width)
    np.testing.assert_array_equal(decode(impl, adam7_png(gray, 0), "GRAY"), gray)


def test_split_idat_and_ancillary_chunks(impl: Any) -> None:
    image = frame(40, 50, "RGB", "camera")
    stream = idat_stream(encode_raw(impl, image, "RGB", 3))
    ihdr = struct.pack(">IIBBBBB", 50, 40, 8, 2, 0, 0, 0)
    pieces = [stream[i : i + 97] for i in range(0, len(stream), 97)]
    raw = (
        SIGNATURE
        + make_chunk(b"IHDR", ihdr)
        + make_chunk(b"tEXt", b"Comment\x00hello")
        + b"".join(make_chunk(b"IDAT", p) for p in pieces)
        + make_chunk(b"tIME", bytes(7))
        + make_chunk(b"IEND", b"")
    )
    np.testing.assert_array_equal(decode(impl, raw, "RGB"), image)


def test_palette_index_past_the_palette_reads_as_black(impl: Any) -> None:
    ihdr = struct.pack(">IIBBBBB", 3, 2, 8, 3, 0, 0, 0)
    stream = zlib.compress(bytes([0, 0, 1, 5, 0, 1, 0, 255]))
    raw = build_png(ihdr, stream, ((b"PLTE", bytes([10, 20, 30, 40, 50, 60])),))
    for pixel_format in FORMATS:
        np.testing.assert_array_equal(decode(impl, raw, pixel_format), pil_reference(raw, pixel_format))
    with_trns = build_png(ihdr, stream, ((b"PLTE", bytes([10, 20, 30, 40, 50, 60])), (b"tRNS", b"\x80")))
    np.testing.assert_array_equal(decode(impl, with_trns, "RGBA"), pil_reference(with_trns, "RGBA"))


def test_cpp_and_fallback_decode_identically() -> None:
    core = core_module()
    for raw in written_pngs(11, 19).values():
        for pixel_format in FORMATS:
            np.testing.assert_array_equal(decode(core, raw, pixel_format), decode(_fallback, raw, pixel_format))


# --- out= and max_pixels --------------------------------------------------------------


@pytest.mark.parametrize("pixel_format", FORMATS)
def test_out_is_filled_in_place(impl: Any, pixel_format: str) -> None:
    image = frame(21, 34, pixel_format)
    raw = encode_raw(impl, image, pixel_format)
    out = np.full(image.shape, 99, np.uint8)
    result = decode(impl, raw, pixel_format, out=out)
    assert result is out
    np.testing.assert_array_equal(out, image)


@pytest.mark.parametrize(
    "bad_out,error",
    [
        (np.zeros((21, 34, 4), np.uint8), ValueError),
        (np.zeros((34, 21, 3), np.uint8), ValueError),
        (np.zeros((21, 34, 3), np.uint16), ValueError),
        (np.zeros((21, 68, 3), np.uint8)[:, ::2], ValueError),
        (np.zeros((21, 34, 3), np.uint8).tolist(), TypeError),
    ],
)
def test_bad_out(impl: Any, bad_out: Any, error: type) -> None:
    raw = encode_raw(impl, frame(21, 34, "BGR"), "BGR")
    with pytest.raises(error, match="out"):
        decode(impl, raw, "BGR", out=bad_out)


def test_readonly_out_is_refused(impl: Any) -> None:
    raw = encode_raw(impl, frame(21, 34, "BGR"), "BGR")
    out = np.zeros((21, 34, 3), np.uint8)
    out.setflags(write=False)
    with pytest.raises(ValueError, match="out"):
        decode(impl, raw, "BGR", out=out)


def test_max_pixels_is_checked_before_decoding(impl: Any) -> None:
    raw = encode_raw(impl, frame(20, 30, "BGR"), "BGR")
    assert decode(impl, raw, max_pixels=600).shape == (20, 30, 3)
    with pytest.raises(_png.PngDecodeError, match="max_pixels"):
        decode(impl, raw, max_pixels=599)
    # Bombs: huge headers with a tiny stream, refused from the header alone
    # (over the default max_pixels, or over what a size_t can hold).
    stream = zlib.compress(b"\x00" * 100)
    bomb = build_png(struct.pack(">IIBBBBB", 65536, 65536, 8, 2, 0, 0, 0), stream)
    with pytest.raises(_png.PngDecodeError, match="max_pixels"):
        decode(impl, bomb)
    with pytest.raises(_png.PngDecodeError):
        decode(impl, build_png(struct.pack(">IIBBBBB", 2**31 - 1, 2**31 - 1, 16, 6, 0, 0, 0), stream), max_pixels=2**62)


# --- corrupt input -----------------------------------------------------------------


@pytest.fixture(scope="module")
def small_png() -> bytes:
    return encode_raw(_fallback, frame(6, 5, "BGR", "camera"), "BGR", 3)


def corruptions(png: bytes) -> dict[str, bytes]:
    items = chunks(png)
    ihdr = items[0][1]
    stream = idat_stream(png)
    bad: dict[str, bytes] = {}
    pos = 8
    boundaries = [8]
    for kind, payload in items:
        # Flip one bit of the CRC of each chunk.
        crc_at = pos + 8 + len(payload)
        bad[f"crc-{kind.decode()}"] = png[:crc_at] + bytes([png[crc_at] ^ 1]) + png[crc_at + 1 :]
        bad[f"data-{kind.decode()}"] = png[: pos + 4] + bytes([png[pos + 4] ^ 0x20]) + png[pos + 5 :]
        pos += 12 + len(payload)
        boundaries.append(pos)
    for b in boundaries[:-1]:
        bad[f"cut-at-{b}"] = png[:b]
        bad[f"cut-inside-{b}"] = png[: b + 6]
    w, h, depth, colour, comp, filt, interlace = struct.unpack(">IIBBBBB", ihdr)
    for name, fields in {
        "zero-width": (0, h, depth, colour, comp, filt, interlace),
        "zero-height": (w, 0, depth, colour, comp, filt, interlace),
        "depth-3": (w, h, 3, colour, comp, filt, interlace),
        "depth-16-palette": (w, h, 16, 3, comp, filt, interlace),
        "colour-5": (w, h, depth, 5, comp, filt, interlace),
        "compression-1": (w, h, depth, colour, 1, filt, interlace),
        "filter-1": (w, h, depth, colour, comp, 1, interlace),
        "interlace-2": (w, h, depth, colour, comp, filt, 2),
        "taller": (w, h + 1, depth, colour, comp, filt, interlace),
        "wider": (w + 1, h, depth, colour, comp, filt, interlace),
    }.items():
        bad[f"ihdr-{name}"] = build_png(struct.pack(">IIBBBBB", *fields), stream)
    bad["ihdr-short"] = SIGNATURE + make_chunk(b"IHDR", ihdr[:12]) + png[33:]
    bad["no-idat"] = SIGNATURE + make_chunk(b"IHDR", ihdr) + make_chunk(b"IEND", b"")
    bad["no-ihdr"] = SIGNATURE + make_chunk(b"IDAT", stream) + make_chunk(b"IEND", b"")
    bad["zlib-garbage"] = build_png(ihdr, bytes(range(7, 200, 3)))
    bad["zlib-header-only"] = build_png(ihdr, b"\x78\x01")
    bad["zlib-truncated"] = build_png(ihdr, stream[: len(stream) // 2])
    bad["zlib-bad-adler"] = build_png(ihdr, stream[:-1] + bytes([stream[-1] ^ 1]))
    raw_rows = bytearray(zlib.decompress(stream))
    raw_rows[0] = 9
    bad["filter-type-9"] = build_png(ihdr, zlib.compress(bytes(raw_rows)))
    bad["too-little-data"] = build_png(ihdr, zlib.compress(bytes(raw_rows[:-1])))
    bad["palette-missing"] = build_png(struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0), zlib.compress(bytes(h * (w + 1))))
    bad["signature"] = b"\x89PNG\r\n\x1a\x0b" + png[8:]
    bad["empty"] = b""
    bad["signature-only"] = SIGNATURE
    bad["jpeg"] = b"\xff\xd8\xff\xe0" + bytes(100)
    return bad


def test_corrupt_pngs_raise_png_decode_error(impl: Any, small_png: bytes) -> None:
    for name, raw in corruptions(small_png).items():
        with pytest.raises(_png.PngDecodeError):
            decode(impl, raw)
            pytest.fail(f"{name} decoded")


def test_every_truncation_raises(impl: Any, small_png: bytes) -> None:
    for length in range(len(small_png)):
        with pytest.raises(_png.PngDecodeError):
            decode(impl, small_png[:length])


def test_bad_ancillary_crc_is_dropped_unless_strict(impl: Any) -> None:
    image = frame(8, 9, "RGB")
    stream = idat_stream(encode_raw(impl, image, "RGB"))
    ihdr = struct.pack(">IIBBBBB", 9, 8, 8, 2, 0, 0, 0)
    text = make_chunk(b"tEXt", b"a\x00b")
    text = text[:-1] + bytes([text[-1] ^ 1])
    raw = SIGNATURE + make_chunk(b"IHDR", ihdr) + text + make_chunk(b"IDAT", stream) + make_chunk(b"IEND", b"")
    np.testing.assert_array_equal(decode(impl, raw, "RGB"), image)
    with pytest.raises(_png.PngDecodeError):
        decode(impl, raw, "RGB", strict=True)


@settings(deadline=None, max_examples=200)
@given(data=st.data())
def test_mutated_pngs_never_crash(data: st.DataObject) -> None:
    base = encode_raw(_fallback, frame(5, 7, "RGBA", "camera"), "RGBA", data.draw(st.sampled_from([0, 3])))
    raw = bytearray(base)
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    for module in [_fallback] + ([module_for("cpp")] if _has_core() else []):
        for pixel_format in ("BGR", "GRAY"):
            try:
                result = decode(module, bytes(raw[:cut]), pixel_format)
            except _png.PngDecodeError:
                continue
            assert result.dtype == np.uint8 and result.shape[:2] == (5, 7)


def _has_core() -> bool:
    try:
        from frame64 import _core  # noqa: F401
    except ImportError:
        return False
    return True


# --- bad arguments -----------------------------------------------------------------


def test_compression_is_png_only_and_checked() -> None:
    image = frame(4, 4, "BGR")
    with pytest.raises(ValueError, match="compression"):
        frame64.encode(image, compression=1)
    with pytest.raises(ValueError, match="compression"):
        frame64.encode(image, format="png", compression=10)
    with pytest.raises(ValueError, match="compression"):
        frame64.encode(image, format="png", compression=-1)
    with pytest.raises(TypeError, match="compression"):
        frame64.encode(image, format="png", compression=1.5)
    with pytest.raises(TypeError, match="compression"):
        frame64.encode(image, format="png", compression=True)
    with pytest.raises(ValueError, match="quality"):
        frame64.encode(image, format="png", quality=0)  # JPEG options are still checked
    with pytest.raises(ValueError, match="format"):
        frame64.encode(image, format="gif")


@pytest.mark.parametrize(
    "image,pixel_format,error",
    [
        (np.zeros((4, 4, 3), np.uint16), "BGR", TypeError),
        (np.zeros((4, 4, 3), np.float32), "BGR", TypeError),
        (np.zeros((4, 4, 4), np.uint8), "BGR", ValueError),
        (np.zeros((4, 4), np.uint8), "RGB", ValueError),
        (np.zeros((0, 4, 3), np.uint8), "BGR", ValueError),
        (np.zeros((4, 4, 3), np.uint8), "YUV", ValueError),
        ("not an image", "BGR", TypeError),
    ],
)
def test_bad_images(impl: Any, image: Any, pixel_format: str, error: type) -> None:
    with pytest.raises(error):
        encode_raw(impl, image, pixel_format)


def test_core_functions_guard_their_own_arguments(impl: Any) -> None:
    image = frame(4, 4, "BGR")
    with pytest.raises(ValueError, match="compression"):
        impl.encode_png(image, 1, 10, False)
    with pytest.raises(ValueError, match="pixel_format"):
        impl.encode_png(image, 3, 1, False)
    raw = encode_raw(impl, image)
    # PNG decodes through the one raw-bytes path (decode_image_bytes), which guards the same arguments.
    with pytest.raises(ValueError, match="pixel_format"):
        impl.decode_image_bytes(raw, 42, None, 100, 1, False)
    with pytest.raises(ValueError, match="max_pixels"):
        impl.decode_image_bytes(raw, 1, None, 0, 1, False)
    with pytest.raises(TypeError):
        impl.decode_image_bytes("not bytes", 1, None, 100, 1, False)
    with pytest.raises(frame64.DecodeError):
        impl.decode_image_bytes(b"\x89PNG\r\n\x1a\ngarbage", 1, None, 100, 1, False)
    assert issubclass(impl.PngError, ValueError)


def test_core_refuses_unpacked_rows() -> None:
    core = core_module()
    with pytest.raises(ValueError, match="contiguous"):
        core.encode_png(frame(8, 8, "BGR")[:, ::2], 1, 1, False)
    with pytest.raises(ValueError, match="channel"):
        core.encode_png(frame(8, 8, "BGR"), 7, 1, False)


def test_decode_arguments_are_checked(impl: Any) -> None:
    raw = encode_raw(impl, frame(4, 4, "BGR"))
    with pytest.raises(ValueError, match="pixel_format"):
        decode(impl, raw, "HSV")
    with pytest.raises(ValueError, match="max_pixels"):
        decode(impl, raw, max_pixels=0)
    with pytest.raises(TypeError, match="max_pixels"):
        decode(impl, raw, max_pixels=1.5)
    with pytest.raises(TypeError, match="strict"):
        decode(impl, raw, strict="yes")
    assert decode(impl, bytearray(raw)).shape == decode(impl, memoryview(raw)).shape == (4, 4, 3)


# --- threads ----------------------------------------------------------------------


def test_threads_encode_and_decode_like_serial() -> None:
    from concurrent.futures import ThreadPoolExecutor

    core = core_module()
    images = [frame(90 + 7 * i, 120 + 5 * i, "BGR", "camera", seed=i) for i in range(6)]
    jobs = [(image, level) for image in images for level in (1, 2, 3)]
    serial = [core.encode_png(image, 1, level, False) for image, level in jobs]

    def round_trip(job: tuple[np.ndarray, int]) -> tuple[str, np.ndarray]:
        image, level = job
        text = core.encode_png(image, 1, level, False)
        return text, core.decode_image_bytes(base64.b64decode(text), 1, None, 2**28, 1, False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(round_trip, jobs * 3))
    for (text, pixels), expected, (image, _) in zip(results, serial * 3, jobs * 3):
        assert text == expected
        np.testing.assert_array_equal(pixels, image)
