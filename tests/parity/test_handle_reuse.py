"""Regression: the C++ path reuses one TurboJPEG handle per thread.

libjpeg-turbo 2.1 leaves optimized Huffman coding switched on in a handle
that has written a progressive JPEG, so a baseline JPEG written next by the
same handle came out different (smaller) from a fresh handle's, and from the
fallback's. Every order of options must give the bytes a fresh handle gives.
"""

from __future__ import annotations

import itertools

import pytest

from frame64 import _fallback, _options
from frame64._sample import camera_frame

core = pytest.importorskip("frame64._core", exc_type=ImportError)

OPTION_SETS = [
    dict(quality=q, subsampling=ss, fast_dct=fd, progressive=pr)
    for q, ss, fd, pr in itertools.product((1, 75, 100), ("444", "420"), (False, True), (False, True))
]


def _encode_both(image, **kw):
    options = _options.jpeg_options(pixel_format="BGR", data_uri=False, **kw)
    args = (image, options.tjpf, options.quality, options.tjsamp, options.fast_dct, options.progressive, False)
    return core.encode_jpeg(*args), _fallback.encode_jpeg(*args)


def test_every_option_order_matches_a_fresh_handle() -> None:
    image = camera_frame(67, 93)
    # All ordered pairs: the second encode runs on a handle the first one used.
    for first, second in itertools.permutations(OPTION_SETS, 2):
        _encode_both(image, **first)
        got, fresh = _encode_both(image, **second)
        assert got == fresh, (first, second)
