"""frame64.decode(scale=..., max_side=...): libjpeg-turbo's DCT-scaled decode.

Oracle: PyTurboJPEG's ``decode(..., scaling_factor=...)`` with the flags
frame64 decodes with (accurate IDCT, smooth upsampling), on both backends.
"""

from __future__ import annotations

import base64
from fractions import Fraction

import numpy as np
import pytest
from turbojpeg import TJFLAG_ACCURATEDCT, TJPF_BGR, TJPF_GRAY, TJPF_RGBA, TurboJPEG

import frame64
from frame64._formats import scale_for_max_side, scaled_side
from frame64._sample import camera_frame
from tests.photo_corpus import cmyk_corpus, pillow_jpeg, real_jpegs

EIGHTHS = range(1, 9)
SIZES = [(1, 1), (2, 3), (7, 5), (17, 33), (33, 17), (64, 48), (121, 9)]
SUBSAMPLINGS = ("444", "422", "420", "440", "411")

_turbo = TurboJPEG()


def _oracle(jpeg: bytes, eighths: int, pixel_format: int = TJPF_BGR) -> np.ndarray:
    factor = Fraction(eighths, 8)
    scaling = None if eighths == 8 else (factor.numerator, factor.denominator)
    return _turbo.decode(jpeg, pixel_format=pixel_format, scaling_factor=scaling, flags=TJFLAG_ACCURATEDCT)


def _jpeg(height: int, width: int, subsampling: str, seed: int = 0, gray: bool = False) -> bytes:
    if gray:
        return base64.b64decode(frame64.encode(camera_frame(height, width, 1, seed=seed), pixel_format="GRAY"))
    return base64.b64decode(frame64.encode(camera_frame(height, width, seed=seed), subsampling=subsampling))


@pytest.mark.parametrize("height,width", SIZES)
@pytest.mark.parametrize("subsampling", SUBSAMPLINGS + ("gray",))
def test_every_factor_equals_pyturbojpeg(backend_name, use_backend, height, width, subsampling):
    use_backend(backend_name)
    jpeg = _jpeg(height, width, subsampling, seed=height * 31 + width, gray=subsampling == "gray")
    text = base64.b64encode(jpeg).decode()
    for eighths in EIGHTHS:
        want = _oracle(jpeg, eighths)
        got = frame64.decode(text, scale=Fraction(eighths, 8))
        assert got.shape == (scaled_side(height, eighths), scaled_side(width, eighths), 3)
        assert np.array_equal(got, want), (eighths, height, width, subsampling)


@pytest.mark.parametrize("subsampling", ("444", "422", "420"))
def test_1080p_every_factor(backend_name, use_backend, subsampling):
    use_backend(backend_name)
    jpeg = _jpeg(1080, 1920, subsampling, seed=7)
    for eighths in EIGHTHS:
        assert np.array_equal(frame64.decode(base64.b64encode(jpeg), scale=eighths / 8), _oracle(jpeg, eighths))


def test_pixel_formats_and_real_jpegs(backend_name, use_backend):
    use_backend(backend_name)
    jpeg = real_jpegs()["opencv-restart-markers"]
    text = base64.b64encode(jpeg).decode()
    for eighths in (1, 3, 4, 7):
        assert np.array_equal(
            frame64.decode(text, scale=(eighths, 8), pixel_format="GRAY"), _oracle(jpeg, eighths, TJPF_GRAY)[..., 0]
        )
        assert np.array_equal(frame64.decode(text, scale=(eighths, 8), pixel_format="RGBA"), _oracle(jpeg, eighths, TJPF_RGBA))
    progressive = pillow_jpeg(camera_frame(61, 90, seed=9), quality=80, progressive=True)
    for eighths in EIGHTHS:
        assert np.array_equal(frame64.decode(base64.b64encode(progressive), scale=eighths / 8), _oracle(progressive, eighths))


def test_scale_spellings_agree():
    text = frame64.encode(camera_frame(40, 56, seed=3))
    half = frame64.decode(text, scale=0.5)
    for spelling in (Fraction(1, 2), (1, 2), (4, 8), (2, 4)):
        assert np.array_equal(frame64.decode(text, scale=spelling), half)
    assert np.array_equal(frame64.decode(text, scale=1), frame64.decode(text))
    assert np.array_equal(frame64.decode(text, scale=None), frame64.decode(text))


@pytest.mark.parametrize("height,width", [(1080, 1920), (1920, 1080), (17, 33), (1, 1), (300, 512)])
@pytest.mark.parametrize("max_side", [1, 5, 100, 240, 241, 512, 960, 1919, 1920, 4000])
def test_max_side_picks_the_smallest_factor_that_reaches_it(height, width, max_side):
    longer = max(height, width)
    eighths = scale_for_max_side(width, height, max_side)
    reaching = [k for k in EIGHTHS if scaled_side(longer, k) >= max_side]
    assert eighths == (min(reaching) if reaching else 8)
    text = frame64.encode(camera_frame(height, width, seed=1))
    got = frame64.decode(text, max_side=max_side)
    assert got.shape[:2] == (scaled_side(height, eighths), scaled_side(width, eighths))
    assert max(got.shape[:2]) >= min(max_side, longer)
    assert np.array_equal(got, frame64.decode(text, scale=(eighths, 8)))


def test_max_side_on_both_backends_agrees(use_backend):
    text = frame64.encode(camera_frame(90, 160, seed=2))
    cpp = frame64.decode(text, max_side=50)
    use_backend("python")
    assert np.array_equal(frame64.decode(text, max_side=50), cpp)


def test_exif_orientation_after_scaling(backend_name, use_backend):
    use_backend(backend_name)
    jpeg = pillow_jpeg(camera_frame(80, 120, seed=2), 6, quality=90)
    text = base64.b64encode(jpeg).decode()
    for eighths in (1, 2, 5, 8):
        stored = frame64.decode(text, scale=(eighths, 8), orientation="ignore")
        assert np.array_equal(stored, _oracle(jpeg, eighths))
        upright = frame64.decode(text, scale=(eighths, 8))
        assert np.array_equal(upright, np.rot90(stored, -1))  # orientation 6: 90 degrees clockwise
    # max_side looks at the longer side, whichever way up the frame is
    assert frame64.decode(text, max_side=30).shape[:2] == (scaled_side(120, 2), scaled_side(80, 2))


def test_cmyk_scaled_same_on_both_backends(use_backend):
    for name, (jpeg, _) in cmyk_corpus().items():
        text = base64.b64encode(jpeg).decode()
        for eighths in (1, 3, 4, 8):
            cpp = frame64.decode(text, scale=(eighths, 8), pixel_format="RGB")
            with frame64._backend.use("python"):
                assert np.array_equal(frame64.decode(text, scale=(eighths, 8), pixel_format="RGB"), cpp), name
            assert cpp.shape[:2] == tuple(scaled_side(side, eighths) for side in _stored_size(jpeg))


def _stored_size(jpeg: bytes) -> tuple[int, int]:
    width, height, _, _ = _turbo.decode_header(jpeg)
    return height, width


def test_out_takes_the_scaled_shape(backend_name, use_backend):
    use_backend(backend_name)
    text = frame64.encode(camera_frame(33, 17, seed=4))
    out = np.empty((scaled_side(33, 3), scaled_side(17, 3), 3), np.uint8)
    assert frame64.decode(text, scale=(3, 8), out=out) is out
    assert np.array_equal(out, frame64.decode(text, scale=(3, 8)))
    with pytest.raises(ValueError, match=r"\(13, 7, 3\)"):
        frame64.decode(text, scale=(3, 8), out=np.empty((33, 17, 3), np.uint8))


def test_png_scale_is_an_error_and_max_side_returns_full_size(backend_name, use_backend):
    use_backend(backend_name)
    image = camera_frame(20, 30, seed=5)
    text = frame64.encode(image, format="png")
    with pytest.raises(frame64.PngDecodeError, match=r"^scale=3/8 applies to JPEG only: this is a PNG"):
        frame64.decode(text, scale=(3, 8))
    assert np.array_equal(frame64.decode(text, max_side=5), image)
    assert np.array_equal(frame64.decode(text, scale=1), image)


def test_max_pixels_counts_the_full_frame(backend_name, use_backend):
    use_backend(backend_name)
    text = frame64.encode(camera_frame(64, 64, seed=6))
    with pytest.raises(frame64.JpegDecodeError, match=r"image is 64x64 \(4096 pixels\), over max_pixels=4095"):
        frame64.decode(text, scale=1 / 8, max_pixels=4095)


def test_truncated_scaled_decode_raises_the_same_error():
    jpeg = _jpeg(64, 96, "420", seed=8)
    text = base64.b64encode(jpeg[: len(jpeg) // 2]).decode()
    messages = []
    for backend in ("cpp", "python"):
        with frame64._backend.use(backend):
            with pytest.raises(frame64.JpegDecodeError) as caught:
                frame64.decode(text, scale=0.25)
            messages.append(str(caught.value))
            assert frame64.decode(text, scale=0.25, best_effort=True).shape == (16, 24, 3)
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    "options,error,message",
    [
        ({"scale": 0.3}, ValueError, r"scale must be one of 1/8, 1/4, .* got 0\.3"),
        ({"scale": 2}, ValueError, r"scale must be one of .* got 2"),
        ({"scale": 0}, ValueError, r"scale must be one of"),
        ({"scale": float("nan")}, ValueError, r"scale must be one of .* got nan"),
        ({"scale": (1, 0)}, ValueError, r"scale must be one of .* got 1/0"),
        ({"scale": "1/2"}, TypeError, r"scale must be one of .* got str"),
        ({"scale": True}, TypeError, r"scale must be one of .* got bool"),
        ({"scale": (1.0, 2)}, TypeError, r"scale must be .* got float"),
        ({"max_side": 0}, ValueError, r"max_side must be >= 1"),
        ({"max_side": 2.5}, TypeError, r"max_side must be an int"),
        ({"scale": 0.5, "max_side": 10}, ValueError, r"pass scale or max_side, not both"),
    ],
)
def test_bad_scaling_options(backend_name, use_backend, options, error, message):
    use_backend(backend_name)
    text = frame64.encode(camera_frame(8, 8))
    with pytest.raises(error, match=message):
        frame64.decode(text, **options)
