"""Bad input on both backends, the C++ core's own guards, backend selection, threads."""

from __future__ import annotations

import ctypes
import inspect
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import _fallback, _options
from frame64._sample import camera_frame

from ..conftest import Encode, core_module

SIDE_LIMIT = 65500  # libjpeg-turbo's JPEG_MAX_DIMENSION (JPEG's 16-bit fields would allow 65535)


def _huge(shape: tuple[int, ...]) -> np.ndarray:
    """A read-only uint8 array of any shape, backed by one byte (stride 0)."""
    return np.broadcast_to(np.zeros((1,) * len(shape), np.uint8), shape)


# --- bad input through frame64.encode, on both backends ----------------------

GOOD = camera_frame(8, 8)

BAD_IMAGES = [
    pytest.param(GOOD.astype(np.float32), TypeError, r"image .*dtype uint8.*float32", id="float32"),
    pytest.param(GOOD.astype(np.uint16), TypeError, r"image .*dtype uint8.*uint16", id="uint16"),
    pytest.param(GOOD.astype(np.int8), TypeError, r"image .*dtype uint8.*int8", id="int8"),
    pytest.param(GOOD > 0, TypeError, r"image .*dtype uint8.*bool", id="bool"),
    pytest.param(GOOD.astype(object), TypeError, r"image must be", id="object"),
    pytest.param(None, TypeError, r"image must be", id="None"),
    pytest.param("frame", TypeError, r"image .*uint8", id="str"),
    pytest.param(b"\x00" * 192, TypeError, r"image .*uint8", id="bytes"),
    pytest.param(bytearray(192), ValueError, r"image must have shape \(H, W, 3\).*\(192,\)", id="bytearray-1d"),
    pytest.param([[[1, 2, 3]]], TypeError, r"image .*dtype uint8", id="list"),
    pytest.param([[[1, 2, 3]], [[4, 5]]], TypeError, r"image", id="ragged-list"),
    pytest.param(GOOD.reshape(-1), ValueError, r"image must have shape \(H, W, 3\).*\(192,\)", id="1d"),
    pytest.param(GOOD.reshape(1, 8, 8, 3), ValueError, r"image must have shape \(H, W, 3\)", id="4d"),
    pytest.param(np.uint8(7), ValueError, r"image must have shape", id="0d"),
    pytest.param(GOOD[:, :, :2], ValueError, r"image must have shape \(H, W, 3\).*'BGR'", id="2-channels"),
    pytest.param(GOOD[:, :, 0], ValueError, r"image must have shape \(H, W, 3\)", id="2d-for-bgr"),
    pytest.param(np.zeros((0, 8, 3), np.uint8), ValueError, r"image is empty", id="0xN"),
    pytest.param(np.zeros((8, 0, 3), np.uint8), ValueError, r"image is empty", id="Nx0"),
    pytest.param(_huge((SIDE_LIMIT + 1, 1, 3)), ValueError, r"image is 1x65501.* 65500", id="too-tall"),
    pytest.param(_huge((1, SIDE_LIMIT + 1, 3)), ValueError, r"image is 65501x1.* 65500", id="too-wide"),
]


@pytest.mark.parametrize(("image", "error", "match"), BAD_IMAGES)
def test_bad_image(encode: Encode, image: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        encode(image)


@pytest.mark.parametrize(
    ("image", "pixel_format", "match"),
    [
        (camera_frame(8, 8, 4), "BGR", r"image must have shape \(H, W, 3\).*'BGR'"),
        (camera_frame(8, 8), "RGBA", r"image must have shape \(H, W, 4\).*'RGBA'"),
        (camera_frame(8, 8), "GRAY", r"image must have shape \(H, W\) or \(H, W, 1\).*'GRAY'"),
        (np.zeros((8, 8, 2), np.uint8), "GRAY", r"image must have shape \(H, W\) or \(H, W, 1\)"),
        (np.zeros((8, 8), np.uint8), "BGRA", r"image must have shape \(H, W, 4\)"),
        (np.zeros((8, 0), np.uint8), "GRAY", r"image is empty"),
    ],
)
def test_channel_count_must_match_pixel_format(encode: Encode, image: Any, pixel_format: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        encode(image, pixel_format=pixel_format)


def test_largest_side_is_accepted_up_to_the_limit() -> None:
    # 65500 passes validation (checked without compressing a 65500-pixel-wide frame).
    assert _options.prepare_image(_huge((1, SIDE_LIMIT, 3)), "BGR").shape == (1, SIDE_LIMIT, 3)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        (dict(quality=0), ValueError, r"quality must be in 1\.\.100, got 0"),
        (dict(quality=101), ValueError, r"quality must be in 1\.\.100, got 101"),
        (dict(quality=-1), ValueError, r"quality must be in 1\.\.100, got -1"),
        (dict(quality=1.5), TypeError, r"quality must be an int.*float"),
        (dict(quality=90.0), TypeError, r"quality must be an int.*float"),
        (dict(quality=True), TypeError, r"quality must be an int.*bool"),
        (dict(quality="90"), TypeError, r"quality must be an int.*str"),
        (dict(quality=None), TypeError, r"quality must be an int"),
        (dict(subsampling="410"), ValueError, r"subsampling must be one of .*'410'"),
        (dict(subsampling=420), TypeError, r"subsampling must be a str"),
        (dict(subsampling=""), ValueError, r"subsampling must be one of"),
        (dict(pixel_format="BGRX"), ValueError, r"pixel_format must be one of .*'BGRX'"),
        (dict(pixel_format="YUV"), ValueError, r"pixel_format must be one of"),
        (dict(pixel_format=1), TypeError, r"pixel_format must be a str"),
        (dict(format="bmp"), ValueError, r"format must be one of .*'bmp'"),
        (dict(format=None), TypeError, r"format must be a str"),
        (dict(fast_dct=1), TypeError, r"fast_dct must be a bool, got int"),
        (dict(fast_dct="yes"), TypeError, r"fast_dct must be a bool, got str"),
        (dict(progressive=0), TypeError, r"progressive must be a bool, got int"),
        (dict(progressive=None), TypeError, r"progressive must be a bool, got NoneType"),
        (dict(data_uri="true"), TypeError, r"data_uri must be a bool, got str"),
        (dict(data_uri=1.0), TypeError, r"data_uri must be a bool, got float"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else None,
)
def test_bad_option(encode: Encode, options: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        encode(GOOD, **options)


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        frame64.encode(GOOD, "jpeg")  # type: ignore[misc]
    with pytest.raises(TypeError, match="colour"):
        frame64.encode(GOOD, colour="BGR")  # type: ignore[call-arg]


# --- the C++ core's own guards (called directly, bypassing _options) ----------

BGR, GRAY = _options.TJPF["BGR"], _options.TJPF["GRAY"]
S420 = _options.TJSAMP["420"]


def _core_call(image: Any, pixel_format: int = BGR, quality: int = 90, subsampling: int = S420) -> str:
    core = core_module()
    return str(core.encode_jpeg(image, pixel_format, quality, subsampling, False, False, False))


def _overlapping_rows() -> np.ndarray:
    base = np.zeros(64, np.uint8)
    return np.lib.stride_tricks.as_strided(base, shape=(4, 8, 3), strides=(5, 3, 1), writeable=False)


CORE_BAD = [
    pytest.param(dict(image=GOOD.astype(np.float32)), TypeError, r"image: expected uint8 pixels.*'f'", id="float32"),
    pytest.param(dict(image=GOOD.astype(np.uint16)), TypeError, r"image: expected uint8", id="uint16"),
    pytest.param(dict(image=GOOD.astype(np.int8)), TypeError, r"image: expected uint8.*'b'", id="int8"),
    pytest.param(dict(image=GOOD > 0), TypeError, r"image: expected uint8.*'\?'", id="bool"),
    pytest.param(dict(image=memoryview(b"ab" * 96).cast("c")), TypeError, r"image: expected uint8", id="char"),
    pytest.param(dict(image=None), TypeError, r"image: expected a buffer.*'NoneType'", id="None"),
    pytest.param(dict(image=12), TypeError, r"image: expected a buffer.*'int'", id="int"),
    pytest.param(dict(image="abc"), TypeError, r"image: expected a buffer.*'str'", id="str"),
    pytest.param(dict(image=[[[1, 2, 3]]]), TypeError, r"image: expected a buffer.*'list'", id="list"),
    pytest.param(dict(image=GOOD.reshape(-1)), ValueError, r"image: expected 2 or 3 dimensions, got 1", id="1d"),
    pytest.param(dict(image=GOOD.reshape(1, 8, 8, 3)), ValueError, r"image: expected 2 or 3 dim.*got 4", id="4d"),
    pytest.param(dict(image=np.uint8(3)), ValueError, r"image: expected 2 or 3 dimensions, got 0", id="0d"),
    pytest.param(dict(image=GOOD[:, :, :2]), ValueError, r"image: pixel_format needs 3 channel\(s\), got 2", id="2ch"),
    pytest.param(dict(image=GOOD[:, :, 0]), ValueError, r"image: pixel_format needs 3 channel\(s\), got 1", id="2d"),
    pytest.param(dict(image=GOOD, pixel_format=GRAY), ValueError, r"needs 1 channel\(s\), got 3", id="gray-3ch"),
    pytest.param(dict(image=GOOD[::-1]), ValueError, r"image: each row must be contiguous", id="neg-rows"),
    pytest.param(dict(image=GOOD[:, ::-1]), ValueError, r"image: each row must be contiguous", id="neg-cols"),
    pytest.param(dict(image=GOOD[:, ::2]), ValueError, r"image: each row must be contiguous", id="step-cols"),
    pytest.param(dict(image=GOOD[..., ::-1]), ValueError, r"image: each row must be contiguous", id="rev-chan"),
    pytest.param(dict(image=np.asfortranarray(GOOD)), ValueError, r"image: each row must", id="fortran"),
    pytest.param(dict(image=camera_frame(8, 8, 4)[..., :3]), ValueError, r"image: each row", id="chan-slice"),
    pytest.param(dict(image=_huge((4, 8, 3))), ValueError, r"image: each row must", id="zero-stride"),
    pytest.param(dict(image=_overlapping_rows()), ValueError, r"image: each row must", id="overlapping-rows"),
    pytest.param(dict(image=np.zeros((0, 8, 3), np.uint8)), ValueError, r"image: zero-size", id="0xN"),
    pytest.param(dict(image=np.zeros((8, 0, 3), np.uint8)), ValueError, r"image: zero-size", id="Nx0"),
    pytest.param(dict(image=_huge((SIDE_LIMIT + 1, 2, 3))), ValueError, r"image: .*65500", id="too-tall"),
    pytest.param(dict(image=_huge((2, SIDE_LIMIT + 1, 3))), ValueError, r"image: .*65500", id="too-wide"),
    pytest.param(dict(image=GOOD, pixel_format=-1), ValueError, r"pixel_format: unsupported.* -1", id="pf=-1"),
    pytest.param(dict(image=GOOD, pixel_format=2), ValueError, r"pixel_format: unsupported.* 2", id="pf=RGBX"),
    pytest.param(dict(image=GOOD, pixel_format=11), ValueError, r"pixel_format: unsupported.* 11", id="pf=CMYK"),
    pytest.param(dict(image=GOOD, pixel_format=2**30), ValueError, r"pixel_format: unsupported", id="pf=huge"),
    pytest.param(dict(image=GOOD, subsampling=-1), ValueError, r"subsampling: unsupported.* -1", id="ss=-1"),
    pytest.param(dict(image=GOOD, subsampling=6), ValueError, r"subsampling: unsupported.* 6", id="ss=6"),
    pytest.param(dict(image=GOOD, subsampling=99), ValueError, r"subsampling: unsupported", id="ss=99"),
    pytest.param(dict(image=GOOD[..., 0].copy(), pixel_format=GRAY), ValueError, r"subsampling: a GRAY image needs",
                 id="gray-420"),  # fmt: skip
    pytest.param(dict(image=GOOD, quality=0), ValueError, r"quality must be in 1\.\.100, got 0", id="q=0"),
    pytest.param(dict(image=GOOD, quality=101), ValueError, r"quality must be in 1\.\.100, got 101", id="q=101"),
    pytest.param(dict(image=GOOD, quality=-(2**31)), ValueError, r"quality must be in 1\.\.100", id="q=intmin"),
]


@pytest.mark.parametrize(("call", "error", "match"), CORE_BAD)
def test_core_rejects_bad_buffers_and_codes(call: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        _core_call(**call)


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 2**64, 1.5, "90", None])
def test_core_rejects_unconvertible_ints(value: Any) -> None:
    core = core_module()
    for position in range(1, 4):  # pixel_format, quality, subsampling
        args: list[Any] = [GOOD, BGR, 90, S420, False, False, False]
        args[position] = value
        with pytest.raises(TypeError, match="encode_jpeg"):
            core.encode_jpeg(*args)


def test_core_accepts_packed_rows_of_any_pitch_and_height_one() -> None:
    padded = np.zeros((10, 13, 3), np.uint8)
    padded[:, :11] = camera_frame(10, 11)
    view = padded[:, :11]
    assert _core_call(view) == _fallback.encode_jpeg(view, BGR, 90, S420, False, False, False)
    with pytest.raises(ValueError, match="image: each row"):
        _core_call(_huge((1, 5, 3)))  # one row, but its pixels overlap (stride 0)
    raw = camera_frame(6, 7).tobytes()
    ctypes_frame = ((ctypes.c_uint8 * 3) * 7 * 6).from_buffer_copy(raw)  # buffer format "<B"
    assert memoryview(ctypes_frame).format == "<B"
    # ctypes leaves the buffer's strides NULL (C-contiguous by PEP 3118).
    assert _core_call(ctypes_frame) == _core_call(np.frombuffer(raw, np.uint8).reshape(6, 7, 3))
    gray = camera_frame(5, 9, 1)
    ctypes_gray = (ctypes.c_uint8 * 9 * 5).from_buffer_copy(gray.tobytes())
    gray_sampling = _options.TJSAMP["gray"]
    assert _core_call(ctypes_gray, GRAY, subsampling=gray_sampling) == _core_call(gray, GRAY, subsampling=gray_sampling)
    single = np.lib.stride_tricks.as_strided(np.arange(3, dtype=np.uint8), shape=(1, 1, 3), strides=(-99, 7, 1))
    assert _core_call(single) == _core_call(np.ascontiguousarray(single))  # 1x1: strides of size-1 axes are moot


def test_core_and_fallback_have_the_same_encode_signature() -> None:
    core = core_module()
    first_line = core.encode_jpeg.__doc__.splitlines()[0]
    core_names = [part.split(":")[0].strip() for part in first_line.split("(", 1)[1].split(")")[0].split(",")]
    assert core_names == list(inspect.signature(_fallback.encode_jpeg).parameters)
    for module in (core, _fallback):
        text = module.encode_jpeg(
            image=GOOD, pixel_format=BGR, quality=90, subsampling=S420, fast_dct=False, progressive=False, data_uri=True
        )
        assert text == frame64.encode(GOOD, data_uri=True)


# --- backend selection (fresh interpreters) ---------------------------------

BLOCK_CORE = textwrap.dedent(
    """
    import sys

    class BlockCore:
        # A meta path finder that makes the compiled extension unimportable.
        def find_spec(self, name, path=None, target=None):
            if name == "frame64._core":
                raise ImportError("frame64._core blocked by the test")
            return None

    sys.meta_path.insert(0, BlockCore())
    """
)


def _run(code: str, backend: str | None, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FRAME64_BACKEND"}
    if backend is not None:
        env["FRAME64_BACKEND"] = backend
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=cwd)


def _backend_in_subprocess(backend: str | None, block_core: bool = False) -> subprocess.CompletedProcess[str]:
    code = (BLOCK_CORE if block_core else "") + "import frame64; print(frame64.backend, frame64.simd)"
    return _run(code, backend)


@pytest.mark.parametrize("value", ["python", "PYTHON", " python "])
def test_env_python_forces_the_fallback(value: str) -> None:
    result = _backend_in_subprocess(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["python", "python"]


def test_env_cpp_uses_the_extension() -> None:
    core_module()
    result = _backend_in_subprocess("cpp")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "cpp"


@pytest.mark.parametrize("value", [None, "auto", ""])
def test_auto_prefers_the_extension(value: str | None) -> None:
    expected = "cpp" if _core_importable() else "python"
    result = _backend_in_subprocess(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == expected


def _core_importable() -> bool:
    try:
        import frame64._core  # noqa: F401
    except ImportError:
        return False
    return True


def test_auto_falls_back_when_the_extension_is_missing() -> None:
    result = _backend_in_subprocess(None, block_core=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["python", "python"]


def test_env_cpp_without_the_extension_is_a_clear_import_error() -> None:
    result = _backend_in_subprocess("cpp", block_core=True)
    assert result.returncode != 0
    assert "ImportError: FRAME64_BACKEND=cpp" in result.stderr
    assert "frame64._core could not be imported" in result.stderr
    assert "blocked by the test" in result.stderr  # the cause is kept
    assert "libturbojpeg0-dev" in result.stderr  # and the fix is named


@pytest.mark.parametrize("value", ["rust", "c++", "1", "fallback"])
def test_env_bogus_value_is_an_import_error(value: str) -> None:
    result = _backend_in_subprocess(value)
    assert result.returncode != 0
    assert "ImportError: FRAME64_BACKEND must be 'auto', 'cpp' or 'python'" in result.stderr
    assert repr(value.lower()) in result.stderr


def test_fallback_backend_gives_the_same_string_in_a_fresh_process() -> None:
    code = (
        "import frame64; from frame64._sample import camera_frame; "
        "print(frame64.backend, frame64.encode(camera_frame(31, 45), quality=77, data_uri=True))"
    )
    fallback = _run(code, "python")
    auto = _run(code, None)
    assert fallback.returncode == 0 and auto.returncode == 0, fallback.stderr + auto.stderr
    assert fallback.stdout.split()[0] == "python"
    assert fallback.stdout.split()[1] == auto.stdout.split()[1]
    assert fallback.stdout.split()[1] == frame64.encode(camera_frame(31, 45), quality=77, data_uri=True)


@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_python_m_frame64_reports_the_backend(backend: str, tmp_path: Path) -> None:
    if backend == "cpp":
        core_module()
    result = _run("", backend, "-m", "frame64", cwd=tmp_path)  # the demo writes its page in cwd
    assert result.returncode == 0, result.stderr
    assert f"backend={backend}" in result.stdout
    assert "1920x1080" in result.stdout and "data URI" in result.stdout


# --- threads -----------------------------------------------------------------


@pytest.mark.parametrize("backend_module_name", ["cpp", "python"])
def test_threads_get_the_same_strings_as_sequential_calls(backend_module_name: str) -> None:
    module = core_module() if backend_module_name == "cpp" else _fallback
    jobs = []
    for index, (height, width) in enumerate([(240, 320), (97, 131), (480, 640), (16, 16), (333, 250), (64, 48)]):
        frame = camera_frame(height, width, seed=index)
        options = dict(quality=60 + 6 * index, subsampling=("420", "444", "422")[index % 3], fast_dct=index % 2 == 1,
                       progressive=index % 4 == 3, data_uri=index % 2 == 0)  # fmt: skip
        validated = _options.jpeg_options(pixel_format="BGR", **options)
        jobs.append((frame, (validated.tjpf, validated.quality, validated.tjsamp, validated.fast_dct,
                             validated.progressive, validated.data_uri)))  # fmt: skip
    sequential = [module.encode_jpeg(frame, *args) for frame, args in jobs]
    work = jobs * 6  # every thread meets every size, baseline and progressive, in a different order
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: module.encode_jpeg(job[0], *job[1]), work))
    assert results == sequential * 6


def test_threads_through_the_public_api() -> None:
    frames = [camera_frame(120 + 17 * i, 160 + 9 * i, seed=i) for i in range(8)]
    sequential = [frame64.encode(frame, quality=85, data_uri=True) for frame in frames]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(lambda frame: frame64.encode(frame, quality=85, data_uri=True), frames * 4))
    assert concurrent == sequential * 4


# --- no reads past the pixels ----------------------------------------------------

GUARD_PAGE_SCRIPT = textwrap.dedent(
    """
    import ctypes, mmap, sys
    import numpy as np
    import frame64
    from frame64 import _backend
    from frame64._sample import camera_frame

    page = mmap.PAGESIZE
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

    def at_guard(frame):
        # A copy of frame whose last byte is the last byte before a PROT_NONE page.
        pages = (frame.nbytes + page - 1) // page + 1
        mm = mmap.mmap(-1, (pages + 1) * page)
        base = ctypes.addressof(ctypes.c_char.from_buffer(mm))
        assert libc.mprotect(base + pages * page, page, 0) == 0, ctypes.get_errno()
        out = np.frombuffer(mm, np.uint8, count=frame.nbytes, offset=pages * page - frame.nbytes)
        out = out.reshape(frame.shape)
        out[...] = frame
        return out

    _backend.use(sys.argv[1]).__enter__()  # the rest of this script runs on that backend
    count = 0
    for h, w in [(1, 1), (15, 17), (16, 16), (17, 33), (61, 97)]:
        for channels, pixel_format in [(3, "BGR"), (4, "RGBA"), (1, "GRAY")]:
            frame = at_guard(camera_frame(h, w, channels))
            views = [frame, frame[h // 3:, w // 2:], frame[::2]]
            for view in views:
                for subsampling in ("444", "420", "411"):
                    text = frame64.encode(view, pixel_format=pixel_format, subsampling=subsampling)
                    assert text == frame64.encode(np.ascontiguousarray(view), pixel_format=pixel_format,
                                                  subsampling=subsampling)
                    count += 1
    print("ok", count)
    """
)


@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_no_read_past_the_last_pixel(backend: str) -> None:
    """Frames and crops ending right before a PROT_NONE page: any over-read would crash."""
    if backend == "cpp":
        core_module()
    result = subprocess.run(
        [sys.executable, "-c", GUARD_PAGE_SCRIPT, backend], capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "FRAME64_BACKEND"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ok", str(5 * 3 * 3 * 3)]
