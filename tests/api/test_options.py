"""The Python option tables agree with the compiled core's TurboJPEG enums."""

from __future__ import annotations

import pytest

import frame64
from frame64 import _formats
from frame64._sample import camera_frame
from frame64._fallback.jpeg import jpeg_flags

core = pytest.importorskip("frame64._core", exc_type=ImportError)


def test_pixel_format_codes_match_turbojpeg_header() -> None:
    assert core.TJPF == _formats.TJPF


def test_subsampling_codes_match_turbojpeg_header() -> None:
    assert core.TJSAMP == _formats.TJSAMP


@pytest.mark.parametrize("quality", [1, 95, 96, 100])
@pytest.mark.parametrize("fast_dct", [False, True])
@pytest.mark.parametrize("progressive", [False, True])
def test_every_output_changing_flag_is_explicit(fast_dct: bool, progressive: bool, quality: int) -> None:
    flags = jpeg_flags(fast_dct, progressive, quality)
    # Exactly one DCT flag is always set, so libjpeg-turbo 2.x and 3.x agree;
    # from quality 96 up it is the accurate one, as 2.x forces it there.
    fast = fast_dct and quality < 96
    assert bool(flags & _formats.TJFLAG_FASTDCT) == fast
    assert bool(flags & _formats.TJFLAG_ACCURATEDCT) == (not fast)
    assert bool(flags & _formats.TJFLAG_PROGRESSIVE) == progressive


def test_the_jpeg_options_cache_never_admits_what_validation_refuses() -> None:
    from frame64 import _options

    frame = camera_frame(8, 8)
    good = frame64.encode(frame, fast_dct=True, quality=80)  # cached now
    assert frame64.encode(frame, fast_dct=True, quality=80) == good
    for options, error in [
        ({"fast_dct": 1, "quality": 80}, TypeError),  # 1 == True and hash(1) == hash(True)
        ({"fast_dct": True, "quality": 80.0}, TypeError),
        ({"fast_dct": True, "quality": True}, TypeError),
        ({"fast_dct": True, "quality": 80, "subsampling": "421"}, ValueError),
    ]:
        with pytest.raises(error):
            frame64.encode(frame, **options)
    assert _options.jpeg_options(quality=80, subsampling="420", pixel_format="bgr", fast_dct=True, progressive=False,
                                 data_uri=False).pixel_format == "BGR"  # folded case, cached under its own key
