"""YUV input (issue 15): I420, NV12, YUYV, UYVY against PyTurboJPEG's encode_from_yuv.

The oracle is PyTurboJPEG's ``encode_from_yuv`` on planes split (and, for
limited range or BT.709, converted) in numpy here, independently of
frame64._fallback.yuv; both backends must give its bytes exactly.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest
from turbojpeg import TJFLAG_ACCURATEDCT, TJFLAG_FASTDCT, TJFLAG_PROGRESSIVE, TJSAMP_420, TJSAMP_422, TurboJPEG

import frame64
from frame64 import _backend, _formats, _sample

from ..conftest import cv2

BACKENDS = list(_backend.available())
SIZES = [(1, 1), (2, 2), (2, 3), (3, 2), (5, 7), (17, 33), (16, 16), (48, 64), (31, 100)]
RANGES_MATRICES = [("full", "bt601"), ("limited", "bt601"), ("full", "bt709"), ("limited", "bt709")]
_TJ = TurboJPEG()


def planes_of(height: int, width: int, sub: str = "420", seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random Y, U, V planes of a frame (chroma as tjPlaneWidth/Height define it)."""
    rng = np.random.default_rng(seed)
    ch = (height + 1) // 2 if sub == "420" else height
    cw = (width + 1) // 2
    return (rng.integers(0, 256, (height, width), np.uint8), rng.integers(0, 256, (ch, cw), np.uint8),
            rng.integers(0, 256, (ch, cw), np.uint8))


def oracle_convert(y: np.ndarray, u: np.ndarray, v: np.ndarray, yuv_range: str,
                   yuv_matrix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The documented fixed-point rule, written out per output sample with floor division."""
    if (yuv_range, yuv_matrix) == ("full", "bt601"):
        return y, u, v
    ky, kyb, kyr, kbb, kbr, krb, krr = derived_coefficients()[(yuv_range, yuv_matrix)]
    cb, cr = u.astype(np.int64) - 128, v.astype(np.int64) - 128
    rows = np.arange(y.shape[0]) // (1 if u.shape[0] == y.shape[0] else 2)
    columns = np.arange(y.shape[1]) // 2
    cb_full, cr_full = cb[rows][:, columns], cr[rows][:, columns]
    y0 = y.astype(np.int64) - (16 if yuv_range == "limited" else 0)
    out_y = np.floor_divide(ky * y0 + kyb * cb_full + kyr * cr_full + 8192, 16384)
    out_u = 128 + np.floor_divide(kbb * cb + kbr * cr + 8192, 16384)
    out_v = 128 + np.floor_divide(krb * cb + krr * cr + 8192, 16384)
    return tuple(np.clip(p, 0, 255).astype(np.uint8) for p in (out_y, out_u, out_v))  # type: ignore[return-value]


def derived_coefficients() -> dict[tuple[str, str], tuple[int, ...]]:
    """The Q14 coefficients from Kr/Kb, as _formats.YUV_COEFFICIENTS documents them."""

    def to_ycc(kr: float, kb: float) -> np.ndarray:
        kg = 1 - kr - kb
        return np.array([[kr, kg, kb], [-kr / (2 - 2 * kb), -kg / (2 - 2 * kb), 0.5],
                         [0.5, -kg / (2 - 2 * kr), -kb / (2 - 2 * kr)]])

    m709to601 = to_ycc(0.299, 0.114) @ np.linalg.inv(to_ycc(0.2126, 0.0722))
    found = {}
    for yuv_range, sy, sc in (("full", 1.0, 1.0), ("limited", 255 / 219, 255 / 224)):
        for yuv_matrix, m in (("bt601", np.eye(3)), ("bt709", m709to601)):
            values = [sy * m[0, 0], sc * m[0, 1], sc * m[0, 2], sc * m[1, 1], sc * m[1, 2], sc * m[2, 1], sc * m[2, 2]]
            found[(yuv_range, yuv_matrix)] = tuple(int(round(16384 * value)) for value in values)
    return found


def oracle(y: np.ndarray, u: np.ndarray, v: np.ndarray, sub: int, quality: int = 90, *, yuv_range: str = "full",
           yuv_matrix: str = "bt601", data_uri: bool = False, flags: int = TJFLAG_ACCURATEDCT) -> str:
    """base64 of PyTurboJPEG's encode_from_yuv on the (converted) planes, rows padded to 4 bytes.

    TurboJPEG's luma plane is the image size rounded up to the subsampling
    factors; frame64 defines the extra odd column/row as the last one repeated.
    """
    y, u, v = oracle_convert(y, u, v, yuv_range, yuv_matrix)
    height, width = y.shape
    y = np.pad(y, ((0, height % 2 if sub == TJSAMP_420 else 0), (0, width % 2)), mode="edge")
    buffer = b"".join(
        np.pad(p, ((0, 0), (0, -p.shape[1] % 4))).tobytes() for p in (y, u, v)
    )
    # libjpeg-turbo 2.1 leaves a handle that wrote a progressive JPEG with
    # optimized Huffman tables on: progressive calls get a handle of their own.
    turbo = TurboJPEG() if flags & TJFLAG_PROGRESSIVE else _TJ
    jpeg = turbo.encode_from_yuv(np.frombuffer(buffer, np.uint8), height, width, quality=quality,
                                 jpeg_subsample=sub, flags=flags)
    return ("data:image/jpeg;base64," if data_uri else "") + base64.b64encode(jpeg).decode()


def i420_array(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """OpenCV's (H*3/2, W) I420 layout (even sizes)."""
    return np.concatenate([y.reshape(-1), u.reshape(-1), v.reshape(-1)]).reshape(-1, y.shape[1])


def nv12_array(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.concatenate([y, np.stack([u, v], axis=2).reshape(u.shape[0], -1)])


def packed422(y: np.ndarray, u: np.ndarray, v: np.ndarray, order: str) -> np.ndarray:
    """(H, W, 2) YUYV or UYVY from 4:2:2 planes (even width)."""
    out = np.empty((y.shape[0], y.shape[1] // 2, 4), np.uint8)
    luma, chroma = (0, 1) if order == "YUYV" else (1, 0)
    out[:, :, luma], out[:, :, luma + 2] = y[:, 0::2], y[:, 1::2]
    out[:, :, chroma], out[:, :, chroma + 2] = u, v
    return out.reshape(y.shape[0], y.shape[1], 2)


def padded(plane: np.ndarray, extra: int = 13) -> np.ndarray:
    """The plane as a view into rows with a larger line size, as decoders produce."""
    big = np.full((plane.shape[0], plane.shape[1] + extra), 7, np.uint8)
    big[:, : plane.shape[1]] = plane
    return big[:, : plane.shape[1]]


def flipped(plane: np.ndarray) -> np.ndarray:
    """A view with a negative row stride of the same samples (flipped twice)."""
    return plane[::-1].copy()[::-1]


@pytest.fixture(params=BACKENDS)
def backend(request: Any) -> Any:
    with _backend.use(request.param):
        yield request.param


# --- I420 -------------------------------------------------------------------


@pytest.mark.parametrize("height,width", SIZES)
def test_i420_planes_full_range_equal_pyturbojpeg(backend: str, height: int, width: int) -> None:
    y, u, v = planes_of(height, width, seed=height * 100 + width)
    assert frame64.encode((y, u, v), pixel_format="I420", yuv_range="full") == oracle(y, u, v, TJSAMP_420)


@pytest.mark.parametrize("height,width", [(2, 2), (4, 6), (16, 16), (48, 64), (1080, 1920)])
def test_i420_one_array_equals_pyturbojpeg(backend: str, height: int, width: int) -> None:
    y, u, v = planes_of(height, width, seed=3)
    image = i420_array(y, u, v)
    assert image.shape == (height * 3 // 2, width)
    assert frame64.encode(image, pixel_format="I420", yuv_range="full", quality=75) == oracle(y, u, v, TJSAMP_420, 75)


def test_i420_one_array_is_opencvs_layout(backend: str) -> None:
    bgr = _sample.camera_frame(64, 96)
    i420 = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)
    y, u, v = i420[:64], i420[64:80].reshape(32, 48), i420[80:].reshape(32, 48)
    assert frame64.encode(i420, pixel_format="i420") == frame64.encode((y, u, v), pixel_format="I420")


@pytest.mark.parametrize("view", [padded, flipped, lambda p: np.asfortranarray(p)], ids=["padded", "negative", "fortran"])
@pytest.mark.parametrize("height,width", [(17, 33), (48, 64)])
def test_i420_views_give_the_same_bytes(backend: str, view: Any, height: int, width: int) -> None:
    y, u, v = planes_of(height, width, seed=5)
    expected = oracle(y, u, v, TJSAMP_420)
    assert frame64.encode((view(y), view(u), view(v)), pixel_format="I420", yuv_range="full") == expected


def test_i420_crop_of_a_larger_frame(backend: str) -> None:
    y, u, v = planes_of(64, 64, seed=9)
    crop = (y[8:40, 16:48], u[4:20, 8:24], v[4:20, 8:24])
    assert frame64.encode(crop, pixel_format="I420", yuv_range="full") == oracle(*crop, TJSAMP_420)


def test_i420_padded_one_array(backend: str) -> None:
    y, u, v = planes_of(16, 32, seed=2)
    image = i420_array(y, u, v)
    assert frame64.encode(padded(image), pixel_format="I420") == frame64.encode(image, pixel_format="I420")


# --- NV12 -------------------------------------------------------------------


@pytest.mark.parametrize("height,width", SIZES)
def test_nv12_planes_equal_pyturbojpeg_on_split_planes(backend: str, height: int, width: int) -> None:
    y, u, v = planes_of(height, width, seed=width)
    uv = np.stack([u, v], axis=2)
    expected = oracle(y, u, v, TJSAMP_420)
    assert frame64.encode((y, uv), pixel_format="NV12", yuv_range="full") == expected
    assert frame64.encode((padded(y), padded(uv.reshape(uv.shape[0], -1))), pixel_format="NV12",
                          yuv_range="full") == expected


@pytest.mark.parametrize("height,width", [(2, 2), (16, 16), (34, 70), (1080, 1920)])
def test_nv12_one_array_equals_pyturbojpeg(backend: str, height: int, width: int) -> None:
    y, u, v = planes_of(height, width, seed=11)
    assert frame64.encode(nv12_array(y, u, v), pixel_format="NV12", yuv_range="full") == oracle(y, u, v, TJSAMP_420)


# --- YUYV / UYVY ------------------------------------------------------------


@pytest.mark.parametrize("order", ["YUYV", "UYVY"])
@pytest.mark.parametrize("height,width", [(1, 2), (2, 2), (3, 6), (17, 34), (8, 66), (64, 96)])
def test_packed_422_equals_pyturbojpeg_on_split_planes(backend: str, order: str, height: int, width: int) -> None:
    y, u, v = planes_of(height, width, "422", seed=height + width)
    image = packed422(y, u, v, order)
    expected = oracle(y, u, v, TJSAMP_422)
    assert frame64.encode(image, pixel_format=order, yuv_range="full") == expected
    assert frame64.encode(image, pixel_format=order, yuv_range="full", subsampling="422") == expected
    assert frame64.encode(image[::-1].copy()[::-1], pixel_format=order, yuv_range="full") == expected


def test_yuyv_is_opencvs_layout(backend: str) -> None:
    bgr = _sample.camera_frame(32, 64)
    yuyv = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_YUYV)
    y, u, v = yuyv[:, :, 0], yuyv[:, 0::2, 1], yuyv[:, 1::2, 1]
    assert frame64.encode(yuyv, pixel_format="YUYV") == oracle(y, u, v, TJSAMP_422, yuv_range="limited")


# --- range and matrix -------------------------------------------------------


def test_coefficients_are_the_documented_derivation() -> None:
    derived = derived_coefficients()
    table = {(r, m): _formats.YUV_COEFFICIENTS[(_formats.YUV_RANGES[r], _formats.YUV_MATRICES[m])]
             for r, m in RANGES_MATRICES if (r, m) != ("full", "bt601")}
    assert table == {key: derived[key] for key in table}
    assert derived[("full", "bt601")] == (16384, 0, 0, 16384, 0, 0, 16384)  # nothing to convert


@pytest.mark.parametrize("yuv_range,yuv_matrix", RANGES_MATRICES)
@pytest.mark.parametrize("height,width", [(1, 1), (5, 7), (17, 33), (64, 96)])
def test_range_and_matrix_equal_pyturbojpeg_on_converted_planes(backend: str, yuv_range: str, yuv_matrix: str,
                                                                height: int, width: int) -> None:
    y, u, v = planes_of(height, width, seed=17)
    kw = {"yuv_range": yuv_range, "yuv_matrix": yuv_matrix}
    expected = oracle(y, u, v, TJSAMP_420, **kw)
    assert frame64.encode((y, u, v), pixel_format="I420", **kw) == expected
    assert frame64.encode((y, np.stack([u, v], 2)), pixel_format="NV12", **kw) == expected
    y2, u2, v2 = planes_of(height, width + width % 2, "422", seed=19)
    assert frame64.encode(packed422(y2, u2, v2, "UYVY"), pixel_format="UYVY", **kw) == oracle(
        y2, u2, v2, TJSAMP_422, **kw)


def test_default_is_limited_bt601(backend: str) -> None:
    y, u, v = planes_of(16, 16)
    assert frame64.encode((y, u, v), pixel_format="I420") == oracle(y, u, v, TJSAMP_420, yuv_range="limited")


@pytest.mark.parametrize("size", [(240, 320), (1080, 1920)])
def test_limited_range_looks_like_the_bgr_path(backend: str, size: tuple[int, int]) -> None:
    """OpenCV's I420 (limited-range BT.601) vs the BGR path on OpenCV's own reading of the same planes.

    (BT.709 is covered by the PyAV clips in test_yuv_av.py.)"""
    i420 = cv2.cvtColor(_sample.camera_frame(*size), cv2.COLOR_BGR2YUV_I420)
    via_bgr = frame64.decode(frame64.encode(cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420))).astype(int)
    via_yuv = frame64.decode(frame64.encode(i420, pixel_format="I420")).astype(int)
    assert np.abs(via_yuv - via_bgr).mean() <= 1.5
    washed = frame64.decode(frame64.encode(i420, pixel_format="I420", yuv_range="full")).astype(int)
    assert np.abs(washed - via_bgr).mean() > 3  # the conversion matters


# --- options ----------------------------------------------------------------


def test_data_uri_progressive_fast_dct_threads(backend: str) -> None:
    y, u, v = planes_of(40, 40)
    assert frame64.encode((y, u, v), pixel_format="I420", data_uri=True, yuv_range="full") == oracle(
        y, u, v, TJSAMP_420, data_uri=True)
    one = frame64.encode((y, u, v), pixel_format="I420")
    assert frame64.encode((y, u, v), pixel_format="I420", threads=4) == one  # one piece, documented
    assert frame64.encode((y, u, v), pixel_format="I420", threads=None) == one
    progressive = frame64.encode((y, u, v), pixel_format="I420", progressive=True)
    assert progressive != one and np.abs(
        frame64.decode(progressive).astype(int) - frame64.decode(one).astype(int)).max() == 0
    assert frame64.encode((y, u, v), pixel_format="I420", progressive=False) == one  # no state left behind
    assert frame64.encode((y, u, v), pixel_format="I420", fast_dct=True, quality=70) != frame64.encode(
        (y, u, v), pixel_format="I420", quality=70)


@pytest.mark.parametrize("height", [1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40])
def test_every_height_residue_equals_pyturbojpeg(backend: str, height: int) -> None:
    """Heights and widths on and off the 8- and 16-line grid: the last iMCU row and block padding."""
    for width in (1, 8, 9, 16, 17, 24, 30, 33):
        y, u, v = planes_of(height, width, seed=height * 64 + width)
        expected = oracle(y, u, v, TJSAMP_420, quality=85)
        assert frame64.encode((y, u, v), pixel_format="I420", yuv_range="full", quality=85) == expected
        assert frame64.encode((y, np.stack([u, v], 2)), pixel_format="NV12", yuv_range="full", quality=85) == expected
        if width % 2 == 0:
            y2, u2, v2 = planes_of(height, width, "422", seed=height + width)
            assert frame64.encode(packed422(y2, u2, v2, "YUYV"), pixel_format="YUYV", yuv_range="full",
                                  quality=85) == oracle(y2, u2, v2, TJSAMP_422, quality=85)


def test_every_quality_equals_pyturbojpeg(backend: str) -> None:
    y, u, v = planes_of(37, 53, seed=23)
    for quality in range(1, 101):
        assert frame64.encode((y, u, v), pixel_format="I420", yuv_range="full", quality=quality) == oracle(
            y, u, v, TJSAMP_420, quality), quality


@pytest.mark.parametrize("fast_dct,progressive", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("quality", [40, 95, 96, 100])
def test_fast_dct_and_progressive_equal_pyturbojpeg(backend: str, fast_dct: bool, progressive: bool,
                                                    quality: int) -> None:
    """TurboJPEG's flags as frame64 passes them: the fast DCT only below quality 96."""
    flags = (TJFLAG_FASTDCT if fast_dct and quality < 96 else TJFLAG_ACCURATEDCT) | (
        TJFLAG_PROGRESSIVE if progressive else 0)
    y, u, v = planes_of(41, 67, seed=quality)
    options = {"quality": quality, "fast_dct": fast_dct, "progressive": progressive}
    expected = oracle(y, u, v, TJSAMP_420, quality, yuv_range="limited", yuv_matrix="bt709", flags=flags)
    assert frame64.encode((y, u, v), pixel_format="I420", yuv_matrix="bt709", **options) == expected
    assert frame64.encode((y, u, v), pixel_format="I420", yuv_range="full", **options) == oracle(
        y, u, v, TJSAMP_420, quality, flags=flags)
    assert frame64.encode((y, u, v), pixel_format="I420", yuv_range="full", quality=quality) == oracle(
        y, u, v, TJSAMP_420, quality)  # nothing left behind by the call before
    y2, u2, v2 = planes_of(41, 68, "422", seed=quality)
    assert frame64.encode(packed422(y2, u2, v2, "UYVY"), pixel_format="UYVY", yuv_range="full", **options) == oracle(
        y2, u2, v2, TJSAMP_422, quality, flags=flags)


def test_yuv_and_pixel_frames_share_the_compressor(backend: str) -> None:
    """The compiled backend compresses both on one per-thread libjpeg struct: neither leaves state for the other."""
    y, u, v = planes_of(48, 64, seed=29)
    bgr = _sample.camera_frame(48, 64)
    first = [frame64.encode(bgr), frame64.encode((y, u, v), pixel_format="I420", yuv_range="full")]
    for progressive in (True, False):
        frame64.encode(bgr, progressive=progressive, subsampling="444")
        assert frame64.encode((y, u, v), pixel_format="I420", yuv_range="full") == first[1]
        frame64.encode((y, u, v), pixel_format="I420", progressive=progressive)
        assert frame64.encode(bgr) == first[0]
    assert first[1] == oracle(y, u, v, TJSAMP_420)


def test_cpp_equals_fallback_on_a_camera_frame() -> None:
    if len(BACKENDS) < 2:
        pytest.skip("needs both backends")
    i420 = cv2.cvtColor(_sample.camera_frame(), cv2.COLOR_BGR2YUV_I420)
    results = []
    for name in BACKENDS:
        with _backend.use(name):
            results.append([frame64.encode(i420, pixel_format="I420", yuv_matrix=m, quality=q)
                            for m in ("bt601", "bt709") for q in (50, 95)])
    assert results[0] == results[1]


BAD = [
    ("(Y,)", "ValueError", "I420 planes are a tuple (Y, U, V), got 1 plane(s)"),
    ("(Y, U[:-1], V)", "ValueError", "image plane 1 (U) must have shape (9, 9), got (8, 9)"),
    ("(Y, U, V[:, :4])", "ValueError", "image plane 2 (V) must have shape (9, 9), got (9, 4)"),
    ("(Y, U.astype(np.int16), V)", "TypeError", "image plane 1 (U) must have dtype uint8, got int16"),
    ("(Y[0], U, V)", "ValueError", "image plane 0 (Y) must be 2-D (H, W), got shape (17,)"),
]


@pytest.mark.parametrize("call,exception,message", BAD)
def test_bad_planes(backend: str, call: str, exception: str, message: str) -> None:
    y, u, v = planes_of(17, 17)
    with pytest.raises({"ValueError": ValueError, "TypeError": TypeError}[exception]) as info:
        frame64.encode(eval(call, {"Y": y, "U": u, "V": v, "np": np}), pixel_format="I420")
    assert message in str(info.value)


def test_subsampling_mismatch_is_a_value_error(backend: str) -> None:
    y, u, v = planes_of(8, 8)
    with pytest.raises(ValueError, match=r"subsampling: I420 input is 4:2:0 .* got '444'"):
        frame64.encode((y, u, v), pixel_format="I420", subsampling="444")
    with pytest.raises(ValueError, match=r"subsampling: YUYV input is 4:2:2"):
        frame64.encode(np.zeros((4, 4, 2), np.uint8), pixel_format="YUYV", subsampling="420")


@pytest.mark.parametrize("image,pixel_format,message", [
    (np.zeros((9, 5), np.uint8), "I420", "needs an even width and height, got 5x6"),
    (np.zeros((6, 5), np.uint8), "NV12", "needs an even width and height, got 5x4"),
    (np.zeros((7, 4), np.uint8), "I420", "must have shape (H*3/2, W)"),
    (np.zeros((4, 5, 2), np.uint8), "YUYV", "needs an even width, got 5"),
    (np.zeros((4, 4, 3), np.uint8), "UYVY", "must have shape (H, W, 2)"),
    (np.zeros((6, 4), np.float32), "I420", "must have dtype uint8, got float32"),
    ((np.zeros((4, 4), np.uint8),), "YUYV", "one packed array of shape (H, W, 2), not a tuple"),
])
def test_bad_layouts(backend: str, image: Any, pixel_format: str, message: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        frame64.encode(image, pixel_format=pixel_format)
    assert message in str(info.value) and "image" in str(info.value)


def test_option_errors(backend: str) -> None:
    y, u, v = planes_of(8, 8)
    with pytest.raises(ValueError, match="yuv_range must be one of 'full', 'limited'; got 'tv'"):
        frame64.encode((y, u, v), pixel_format="I420", yuv_range="tv")
    with pytest.raises(ValueError, match="yuv_matrix must be one of 'bt601', 'bt709'"):
        frame64.encode((y, u, v), pixel_format="I420", yuv_matrix="bt2020")
    with pytest.raises(ValueError, match="yuv_range and yuv_matrix apply to YUV input only"):
        frame64.encode(np.zeros((4, 4, 3), np.uint8), yuv_range="full")
    with pytest.raises(ValueError, match="format: YUV input is compressed to JPEG only"):
        frame64.encode((y, u, v), pixel_format="I420", format="png")
    with pytest.raises(ValueError, match="over max_pixels=10"):
        frame64.encode((y, u, v), pixel_format="I420", max_pixels=10)
    with pytest.raises(ValueError, match="quality must be in 1..100"):
        frame64.encode((y, u, v), pixel_format="I420", quality=0)


# --- max_side and max_chars: each plane resized on its own ------------------


def resized_planes(y: np.ndarray, u: np.ndarray, v: np.ndarray, width: int, height: int,
                   sub: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The documented rule through the public API: frame64.resize of each plane, chroma to the new chroma size."""
    rows = (height + 1) // 2 if sub == "420" else height
    return (frame64.resize(y, (width, height)), frame64.resize(u, ((width + 1) // 2, rows)),
            frame64.resize(v, ((width + 1) // 2, rows)))


@pytest.mark.parametrize("height,width,max_side", [(480, 640, 100), (37, 53, 20), (99, 31, 7), (16, 16, 1),
                                                   (64, 96, 96), (64, 96, 500)])
def test_max_side_resizes_each_plane(backend: str, height: int, width: int, max_side: int) -> None:
    y, u, v = planes_of(height, width, seed=max_side)
    new_w, new_h = _options_fit(width, height, max_side)
    expected = frame64.encode(resized_planes(y, u, v, new_w, new_h, "420"), pixel_format="I420")
    assert frame64.encode((y, u, v), pixel_format="I420", max_side=max_side) == expected
    assert frame64.encode((y, np.stack([u, v], 2)), pixel_format="NV12", max_side=max_side) == expected
    assert frame64.Encoder(pixel_format="I420", max_side=max_side, threads=2).encode_batch([(y, u, v)]) == [expected]
    big = frame64.encode((y, u, v), pixel_format="I420", max_side=max_side, threads=2)
    assert np.array_equal(frame64.decode(big), frame64.decode(expected))  # strips when large: the same pixels


@pytest.mark.parametrize("order", ["YUYV", "UYVY"])
@pytest.mark.parametrize("height,width,max_side", [(240, 320, 101), (30, 64, 10), (64, 6, 32)])
def test_max_side_packed_422_keeps_an_even_width(backend: str, order: str, height: int, width: int,
                                                 max_side: int) -> None:
    y, u, v = planes_of(height, width, "422", seed=width)
    new_w, new_h = _options_fit(width, height, max_side)
    new_w = max(2, new_w - new_w % 2)
    y2, u2, v2 = resized_planes(y, u, v, new_w, new_h, "422")
    expected = frame64.encode(packed422(y2, u2, v2, order), pixel_format=order, yuv_matrix="bt709")
    image = packed422(y, u, v, order)
    assert frame64.encode(image, pixel_format=order, yuv_matrix="bt709", max_side=max_side) == expected
    assert frame64.decode(expected).shape[:2] == (new_h, new_w)


def _options_fit(width: int, height: int, max_side: int) -> tuple[int, int]:
    """encode's documented max_side rule: the longer side to max_side, the shorter rounded half up."""
    longer, shorter = max(width, height), min(width, height)
    if longer <= max_side:
        return width, height
    rounded = max(1, (2 * shorter * max_side + longer) // (2 * longer))
    return (max_side, rounded) if width >= height else (rounded, max_side)


@pytest.mark.parametrize("max_chars", [20000, 3000, 1200])
def test_max_chars_fits_and_agrees_across_backends(max_chars: int) -> None:
    i420 = cv2.cvtColor(_sample.camera_frame(240, 320), cv2.COLOR_BGR2YUV_I420)
    results = []
    for name in BACKENDS:
        with _backend.use(name):
            text = frame64.encode(i420, pixel_format="I420", max_chars=max_chars, data_uri=True)
            assert len(text) <= max_chars
            results.append(text)
    assert len(set(results)) == 1
    with pytest.raises(ValueError, match="max_chars=50 is too small"):
        frame64.encode(i420, pixel_format="I420", max_chars=50)
