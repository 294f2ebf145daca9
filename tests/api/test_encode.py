"""frame64.encode: C++ == fallback == PyTurboJPEG, and independent decoders agree.

The identity matrix runs the public ``frame64.encode`` (its option
validation and view handling included) on both backends. Small frames get
the full cross product of options; large ones a representative subset.
"""

from __future__ import annotations

import base64
import ctypes
import io
import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import frame64
from frame64 import _fallback, _options
from frame64._sample import camera_frame

from ..conftest import (
    PIXEL_CASES,
    SUBSAMPLINGS,
    Encode,
    core_module,
    cv2,
    encoder_for,
    jpeg_bytes,
    make_frame,
    pil_open,
)

QUALITIES = (1, 50, 90, 95, 96, 100)
SMALL_SIZES = ((1, 1), (15, 17), (16, 16), (17, 33))  # (height, width)
FLAG_COMBOS = tuple(itertools.product((False, True), (False, True)))  # (fast_dct, progressive)
DATA_URI_PREFIX = "data:image/jpeg;base64,"


def size_id(size: tuple[int, int]) -> str:
    return f"{size[1]}x{size[0]}"


# --- identity: C++ == fallback ---------------------------------------------


@pytest.mark.parametrize("size", SMALL_SIZES, ids=size_id)
@pytest.mark.parametrize("subsampling", SUBSAMPLINGS)
@pytest.mark.parametrize("case", PIXEL_CASES)
def test_identity_small_full_matrix(
    encode_cpp: Encode, encode_py: Encode, case: str, subsampling: str, size: tuple[int, int]
) -> None:
    frame, pixel_format = make_frame(case, *size)
    for quality, (fast_dct, progressive) in itertools.product(QUALITIES, FLAG_COMBOS):
        options = dict(quality=quality, subsampling=subsampling, pixel_format=pixel_format)
        options.update(fast_dct=fast_dct, progressive=progressive)
        cpp = encode_cpp(frame, **options)
        assert isinstance(cpp, str)
        assert cpp == encode_py(frame, **options), options
        jpeg_bytes(cpp)  # valid base64 of a whole JPEG stream


LARGE_OPTIONS = (
    dict(quality=90, subsampling="420"),
    dict(quality=100, subsampling="444"),
    dict(quality=50, subsampling="422", fast_dct=True),
    dict(quality=95, subsampling="440", progressive=True),
    dict(quality=96, subsampling="411", fast_dct=True, progressive=True),
    dict(quality=1, subsampling="gray"),
)


@pytest.mark.parametrize("size", ((480, 640), (1080, 1920)), ids=size_id)
@pytest.mark.parametrize("case", PIXEL_CASES)
def test_identity_large(encode_cpp: Encode, encode_py: Encode, case: str, size: tuple[int, int]) -> None:
    frame, pixel_format = make_frame(case, *size)
    option_sets = LARGE_OPTIONS if case == "BGR" else LARGE_OPTIONS[:2]
    for options in option_sets:
        assert encode_cpp(frame, pixel_format=pixel_format, **options) == encode_py(
            frame, pixel_format=pixel_format, **options
        ), options


def test_defaults_are_bgr_q90_420_accurate_baseline(encode_cpp: Encode, encode_py: Encode) -> None:
    frame = camera_frame(48, 64)
    explicit = dict(format="jpeg", quality=90, subsampling="420", pixel_format="BGR")
    explicit.update(fast_dct=False, progressive=False, data_uri=False)
    for encode in (encode_cpp, encode_py):
        assert encode(frame) == encode(frame, **explicit)
    assert frame64.encode(frame) == encode_cpp(frame, **explicit)


def test_gray_input_always_makes_a_grayscale_jpeg(encode: Encode) -> None:
    gray = camera_frame(24, 40, 1)
    expected = encode(gray, pixel_format="GRAY", subsampling="gray")
    for subsampling in SUBSAMPLINGS:
        assert encode(gray, pixel_format="GRAY", subsampling=subsampling) == expected
        assert encode(gray[:, :, None], pixel_format="GRAY", subsampling=subsampling) == expected
    assert pil_open(expected).mode == "L"


def test_option_spellings(encode: Encode) -> None:
    frame = camera_frame(16, 24)
    expected = encode(frame, pixel_format="BGR", quality=80)
    assert encode(frame, pixel_format="bgr", quality=np.int64(80), format="JPG") == expected
    assert encode(frame, pixel_format="BGR", quality=80, fast_dct=np.bool_(False)) == expected


# --- data URIs ---------------------------------------------------------------


@pytest.mark.parametrize("case", ("BGR", "GRAY"))
def test_data_uri_is_prefix_plus_plain_string(encode: Encode, case: str) -> None:
    frame, pixel_format = make_frame(case, 33, 47)
    plain = encode(frame, pixel_format=pixel_format)
    uri = encode(frame, pixel_format=pixel_format, data_uri=True)
    assert uri == DATA_URI_PREFIX + plain
    assert uri.isascii()


def test_data_uri_identity_across_backends(encode_cpp: Encode, encode_py: Encode) -> None:
    frame = camera_frame(121, 97)
    for quality in (1, 90, 100):
        assert encode_cpp(frame, quality=quality, data_uri=True) == encode_py(frame, quality=quality, data_uri=True)


# --- views -------------------------------------------------------------------


def _views(frame: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "negative_rows": frame[::-1],
        "negative_cols": frame[:, ::-1],
        "negative_both": frame[::-1, ::-1],
        "fortran": np.asfortranarray(frame),
        "transposed": frame.swapaxes(0, 1),
        "every_other_pixel": frame[5:60:2, 3:70:2],
    }


@pytest.mark.parametrize("case", PIXEL_CASES)
def test_crop_is_compressed_in_place(encode_cpp: Encode, encode_py: Encode, case: str) -> None:
    frame, pixel_format = make_frame(case, 64, 80)
    for crop in (frame[7:50, 9:71], frame[::3], frame[10:11, 5:60], frame[3:40, 20:21]):
        prepared = _options.prepare_image(crop, pixel_format)
        assert np.shares_memory(prepared, frame), "a crop with packed rows must not be copied"
        assert prepared.strides[0] == crop.strides[0]  # the row pitch is passed through
        expected = encode_cpp(np.ascontiguousarray(crop), pixel_format=pixel_format)
        assert encode_cpp(crop, pixel_format=pixel_format) == expected
        assert encode_py(crop, pixel_format=pixel_format) == expected


@pytest.mark.parametrize("case", PIXEL_CASES)
def test_other_views_equal_their_contiguous_copy(encode_cpp: Encode, encode_py: Encode, case: str) -> None:
    frame, pixel_format = make_frame(case, 64, 80)
    for name, view in _views(frame).items():
        assert _options.prepare_image(view, pixel_format).flags.c_contiguous, name  # copied to C order
        expected = encode_cpp(np.ascontiguousarray(view), pixel_format=pixel_format, quality=95, subsampling="444")
        got = encode_cpp(view, pixel_format=pixel_format, quality=95, subsampling="444")
        assert got == expected, name
        assert encode_py(view, pixel_format=pixel_format, quality=95, subsampling="444") == expected, name


def test_channel_slices_equal_their_contiguous_copy(encode_cpp: Encode, encode_py: Encode) -> None:
    bgra = camera_frame(40, 56, 4)
    views = {
        "BGR": [bgra[..., :3], bgra[..., 1:], bgra[..., ::-1][..., 1:]],
        "RGB": [bgra[..., 2::-1], bgra[..., :3][::-1, ::2]],
        "GRAY": [bgra[..., 1], bgra[..., 2:3], bgra[..., 0][::2]],
        "BGRA": [bgra[..., ::-1], bgra[..., [2, 1, 0, 3]]],
    }
    for pixel_format, slices in views.items():
        for view in slices:
            prepared = _options.prepare_image(view, pixel_format)
            assert prepared.flags.c_contiguous and not np.shares_memory(prepared, bgra)  # packed copy
            expected = encode_cpp(np.ascontiguousarray(view), pixel_format=pixel_format)
            assert encode_cpp(view, pixel_format=pixel_format) == expected, (pixel_format, view.strides)
            assert encode_py(view, pixel_format=pixel_format) == expected, (pixel_format, view.strides)


def test_core_takes_a_strided_crop_directly() -> None:
    core = core_module()
    frame = camera_frame(90, 120)
    crop = frame[11:80, 13:101]
    assert not crop.flags.c_contiguous
    args = (_options.TJPF["BGR"], 90, _options.TJSAMP["420"], False, False, False)
    assert core.encode_jpeg(crop, *args) == core.encode_jpeg(np.ascontiguousarray(crop), *args)
    assert core.encode_jpeg(crop, *args) == _fallback.encode_jpeg(crop, *args)


def test_repeated_calls_reuse_buffers_without_corrupting_results(encode: Encode) -> None:
    big, small = camera_frame(300, 400), camera_frame(8, 8, seed=3)
    first_big, first_small = encode(big), encode(small)
    # Alternate sizes: the per-thread output buffer grows and is reused.
    for _ in range(3):
        assert encode(small) == first_small
        assert encode(big) == first_big
    assert first_small == encode(small)  # earlier results are independent copies


# --- the buffer protocol -----------------------------------------------------


def test_any_buffer_with_a_matching_shape(encode: Encode) -> None:
    frame = camera_frame(12, 20)
    expected = encode(frame)
    raw = frame.tobytes()
    readonly = frame.copy()
    readonly.setflags(write=False)
    ctypes_frame = ((ctypes.c_uint8 * 3) * 20 * 12).from_buffer_copy(raw)
    buffers: dict[str, Any] = {
        "memoryview_cast": memoryview(raw).cast("B", frame.shape),
        "memoryview_of_bytearray": memoryview(bytearray(raw)).cast("B", frame.shape),
        "read_only_array": readonly,
        "frombuffer_bytes": np.frombuffer(raw, np.uint8).reshape(frame.shape),
        "ctypes_array": ctypes_frame,
        "nested_list_as_uint8": np.asarray(frame.tolist(), dtype=np.uint8),
    }
    for name, buffer in buffers.items():
        assert encode(buffer) == expected, name
    gray = camera_frame(9, 31, 1)
    assert encode(memoryview(gray.tobytes()).cast("B", gray.shape), pixel_format="GRAY") == encode(
        gray, pixel_format="GRAY"
    )


def test_pil_image_is_accepted(encode: Encode) -> None:
    from PIL import Image

    rgb = camera_frame(20, 30)[..., ::-1].copy()
    assert encode(Image.fromarray(rgb), pixel_format="RGB") == encode(rgb, pixel_format="RGB")


# --- independent decoders ------------------------------------------------------

# (quality, subsampling) -> bound on the mean absolute error per channel value,
# on a 480x640 camera frame (measured worst case x ~1.3; the frame carries
# sensor noise of sigma 3 that JPEG partly removes). Swapped channels give ~29.
ERROR_BOUNDS = {
    (100, "444"): 0.75,
    (95, "444"): 3.0,
    (90, "420"): 3.5,
    (50, "420"): 4.5,
    (75, "411"): 4.5,
    (85, "440"): 4.0,
    (90, "422"): 3.5,
    (1, "420"): 20.0,
}


def _reference_rgb(frame: np.ndarray, pixel_format: str) -> np.ndarray:
    """The input's colour planes in RGB order (alpha dropped), or the gray plane."""
    if pixel_format == "GRAY":
        return frame.reshape(frame.shape[:2])
    rgb = frame[..., :3]
    return rgb[..., ::-1] if pixel_format.startswith("BGR") else rgb


@pytest.mark.parametrize(("quality", "subsampling"), list(ERROR_BOUNDS))
@pytest.mark.parametrize("case", PIXEL_CASES)
def test_decoders_recover_the_image(encode: Encode, case: str, quality: int, subsampling: str) -> None:
    frame, pixel_format = make_frame(case, 480, 640)
    text = encode(frame, pixel_format=pixel_format, quality=quality, subsampling=subsampling)
    expected = _reference_rgb(frame, pixel_format).astype(np.int16)
    bound = ERROR_BOUNDS[(quality, subsampling)]

    image = pil_open(text)
    gray_jpeg = pixel_format == "GRAY" or subsampling == "gray"
    assert image.size == (640, 480)
    assert image.format == "JPEG"
    assert image.mode == ("L" if gray_jpeg else "RGB")

    decoded_cv = cv2.imdecode(np.frombuffer(jpeg_bytes(text), np.uint8), cv2.IMREAD_UNCHANGED)
    assert decoded_cv is not None
    assert decoded_cv.shape == ((480, 640) if gray_jpeg else (480, 640, 3))

    if gray_jpeg and pixel_format != "GRAY":
        return  # colour dropped on purpose: covered by test_gray_subsampling_keeps_luma
    pil_pixels = np.asarray(image).astype(np.int16)
    cv_pixels = decoded_cv if gray_jpeg else decoded_cv[..., ::-1]
    for name, pixels in (("PIL", pil_pixels), ("OpenCV", cv_pixels.astype(np.int16))):
        error = float(np.abs(pixels - expected).mean())
        assert error <= bound, f"{name}: mean abs error {error:.3f} > {bound}"


def test_gray_subsampling_keeps_luma(encode: Encode) -> None:
    frame = camera_frame(120, 160)
    image = pil_open(encode(frame, subsampling="gray", quality=100))
    b, g, r = (frame[..., i].astype(np.float64) for i in range(3))
    luma = 0.299 * r + 0.587 * g + 0.114 * b  # ITU-R BT.601, as JFIF uses
    assert image.mode == "L"
    assert float(np.abs(np.asarray(image) - luma).mean()) < 1.0


def test_lossless_flat_frame_round_trips_exactly(encode: Encode) -> None:
    flat = np.full((32, 48, 3), (20, 140, 230), np.uint8)
    decoded = np.asarray(pil_open(encode(flat, quality=100, subsampling="444")))
    assert np.abs(decoded.astype(int) - flat[..., ::-1]).max() <= 1


# --- PyTurboJPEG as a differential oracle -------------------------------------


@pytest.mark.parametrize("size", ((1, 1), (17, 33), (480, 640)), ids=size_id)
@pytest.mark.parametrize("case", PIXEL_CASES)
def test_pyturbojpeg_same_flags_same_bytes(encode: Encode, case: str, size: tuple[int, int]) -> None:
    import turbojpeg as tj

    frame, pixel_format = make_frame(case, *size)
    tjpf = {"BGR": tj.TJPF_BGR, "RGB": tj.TJPF_RGB, "BGRA": tj.TJPF_BGRA, "RGBA": tj.TJPF_RGBA, "GRAY": tj.TJPF_GRAY}
    tjsamp = {"444": tj.TJSAMP_444, "422": tj.TJSAMP_422, "420": tj.TJSAMP_420, "440": tj.TJSAMP_440,
              "411": tj.TJSAMP_411, "gray": tj.TJSAMP_GRAY}  # fmt: skip
    oracle = tj.TurboJPEG()
    matrix = itertools.product(("444", "420", "411"), (50, 95), FLAG_COMBOS)
    for subsampling, quality, (fast_dct, progressive) in matrix:
        flags = (tj.TJFLAG_FASTDCT if fast_dct else tj.TJFLAG_ACCURATEDCT) | (
            tj.TJFLAG_PROGRESSIVE if progressive else 0
        )
        samp = tjsamp["gray" if pixel_format == "GRAY" else subsampling]
        pixels = frame.reshape(frame.shape[:2]) if pixel_format == "GRAY" else frame
        reference = oracle.encode(
            pixels, quality=quality, pixel_format=tjpf[pixel_format], jpeg_subsample=samp, flags=flags
        )
        got = encode(
            frame, pixel_format=pixel_format, quality=quality, subsampling=subsampling, fast_dct=fast_dct,
            progressive=progressive,
        )  # fmt: skip
        assert got == base64.b64encode(reference).decode("ascii"), (subsampling, quality, fast_dct, progressive)


def test_fast_dct_flag_is_explicit_below_quality_96(encode: Encode) -> None:
    # TurboJPEG 2.x would pick the fast DCT by itself below 96 if no DCT flag
    # were passed; the two must differ on a real frame.
    frame = camera_frame(64, 96)
    assert encode(frame, quality=90) != encode(frame, quality=90, fast_dct=True)
    assert encode(frame, quality=90) != encode(frame, quality=90, progressive=True)


# --- hypothesis ----------------------------------------------------------------


@st.composite
def frames_and_options(draw: Any) -> tuple[np.ndarray, dict[str, Any]]:
    case = draw(st.sampled_from(PIXEL_CASES))
    height = draw(st.integers(1, 40))
    width = draw(st.integers(1, 40))
    channels = {"GRAY": None, "GRAY3": 1}.get(case, 4 if case.endswith("A") else 3)
    shape = (height, width) if channels is None else (height, width, channels)
    data = draw(st.binary(min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    frame = np.frombuffer(data, np.uint8).reshape(shape)
    if draw(st.booleans()) and height > 2:  # sometimes a crop with strided rows
        frame = frame[1:-1]
    options = dict(
        pixel_format="GRAY" if case.startswith("GRAY") else case,
        quality=draw(st.integers(1, 100)),
        subsampling=draw(st.sampled_from(SUBSAMPLINGS)),
        fast_dct=draw(st.booleans()),
        progressive=draw(st.booleans()),
        data_uri=draw(st.booleans()),
    )
    return frame, options


@settings(deadline=None, max_examples=150)
@given(frames_and_options())
def test_property_cpp_equals_fallback_and_opens_in_pil(case: tuple[np.ndarray, dict[str, Any]]) -> None:
    frame, options = case
    cpp = encoder_for(core_module())(frame, **options)
    assert cpp == encoder_for(_fallback)(frame, **options)
    text = cpp[len(DATA_URI_PREFIX) :] if options["data_uri"] else cpp
    if options["data_uri"]:
        assert cpp.startswith(DATA_URI_PREFIX)
    image = pil_open(text)
    assert image.size == (frame.shape[1], frame.shape[0])


def test_baseline_after_progressive_on_the_same_thread(encode: Encode) -> None:
    # libjpeg-turbo < 3.1.0 keeps a handle's optimised Huffman tables after a
    # progressive compress; a baseline JPEG from that handle would be corrupt.
    flat = np.full((64, 64, 3), 128, np.uint8)
    frame = camera_frame(128, 160)
    fresh = encoder_for(_fallback)(frame)  # PyTurboJPEG: a new handle per call
    encode(flat, progressive=True)
    after = encode(frame)
    assert after == fresh
    decoded = np.asarray(pil_open(after))[..., ::-1].astype(np.int16)
    assert float(np.abs(decoded - frame).mean()) < 3.5


# --- other libjpeg-turbo builds --------------------------------------------------

CV2_SAMPLING = {"444": "IMWRITE_JPEG_SAMPLING_FACTOR_444", "422": "IMWRITE_JPEG_SAMPLING_FACTOR_422",
                "420": "IMWRITE_JPEG_SAMPLING_FACTOR_420", "440": "IMWRITE_JPEG_SAMPLING_FACTOR_440",
                "411": "IMWRITE_JPEG_SAMPLING_FACTOR_411"}  # fmt: skip
PIL_SAMPLING = {"444": "4:4:4", "422": "4:2:2", "420": "4:2:0"}


@pytest.mark.parametrize("subsampling", list(CV2_SAMPLING))
def test_same_bytes_as_other_libjpeg_turbo_encoders(encode: Encode, subsampling: str) -> None:
    """The issue asks for the same bytes with libjpeg-turbo 2.1.x and 3.x.

    frame64 links the system library (2.1.5 on Debian 12); the wheels of
    simplejpeg (TurboJPEG API), OpenCV and Pillow (libjpeg API) bundle their
    own libjpeg-turbo (3.x at the time of writing). All of them make the same
    baseline JPEG from the same pixels and settings. simplejpeg never passes
    TJFLAG_ACCURATEDCT, so it is compared with fast_dct=True (TurboJPEG's
    2.x-API rule: fast DCT below quality 96 unless told otherwise).
    """
    import simplejpeg
    from PIL import Image, features

    versions = f"cv2 {cv2.__version__}, simplejpeg {simplejpeg.__version__}, Pillow libjpeg-turbo " + str(
        features.version("libjpeg_turbo")
    )
    for (height, width), quality in itertools.product(((1, 1), (17, 33), (64, 96)), (1, 50, 90, 96, 100)):
        frame = camera_frame(height, width)
        ours = jpeg_bytes(encode(frame, quality=quality, subsampling=subsampling))
        ours_fast = jpeg_bytes(encode(frame, quality=quality, subsampling=subsampling, fast_dct=True))
        where = (height, width, quality, versions)
        fast = simplejpeg.encode_jpeg(
            frame, quality=quality, colorspace="BGR", colorsubsampling=subsampling, fastdct=True
        )
        assert bytes(fast) == ours_fast, ("simplejpeg", *where)
        sampling = getattr(cv2, CV2_SAMPLING[subsampling])
        params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, sampling]
        ok, opencv = cv2.imencode(".jpg", frame, params)
        assert ok and opencv.tobytes() == ours, ("OpenCV", *where)
        if subsampling in PIL_SAMPLING:
            buffer = io.BytesIO()
            rgb = Image.fromarray(frame[:, :, ::-1])
            rgb.save(buffer, "JPEG", quality=quality, subsampling=PIL_SAMPLING[subsampling])
            assert buffer.getvalue() == ours, ("Pillow", *where)


def test_fast_dct_is_ignored_from_quality_96(encode: Encode) -> None:
    # TurboJPEG's 2.x function API (also in libjpeg-turbo 3.x) uses the
    # accurate DCT from quality 96 on, whatever the flag says.
    frame = camera_frame(64, 96)
    for quality in (96, 100):
        assert encode(frame, quality=quality, fast_dct=True) == encode(frame, quality=quality)
