"""frame64.encode takes PIL images: differential against the numpy path
with the pixel format the mode implies, on both backends."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import frame64
from frame64._sample import camera_frame


@pytest.fixture(scope="module")
def rgb_image() -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(camera_frame(37, 61)[:, :, ::-1]))


@pytest.mark.parametrize(("mode", "pixel_format"), [("RGB", "RGB"), ("RGBA", "RGBA"), ("L", "GRAY")])
@pytest.mark.parametrize("data_uri", [False, True])
def test_modes_read_directly(rgb_image: Image.Image, mode: str, pixel_format: str, data_uri: bool) -> None:
    image = rgb_image.convert(mode)
    expected = frame64.encode(np.asarray(image), pixel_format=pixel_format, quality=80, data_uri=data_uri)
    assert frame64.encode(image, quality=80, data_uri=data_uri) == expected
    assert frame64.encode(image, pixel_format=pixel_format, quality=80, data_uri=data_uri) == expected


@pytest.mark.parametrize(("mode", "converted"), [("P", "RGB"), ("1", "L"), ("LA", "RGBA"), ("CMYK", "RGB"),
                                                 ("YCbCr", "RGB"), ("HSV", "RGB"), ("PA", "RGBA")])
def test_other_8bit_modes_are_converted(rgb_image: Image.Image, mode: str, converted: str) -> None:
    image = rgb_image.convert(mode)
    expected = frame64.encode(image.convert(converted))
    assert frame64.encode(image) == expected


def test_palette_with_transparency_keeps_alpha(rgb_image: Image.Image) -> None:
    image = rgb_image.convert("P")
    image.info["transparency"] = 0
    rgba = image.convert("RGBA")
    assert frame64.encode(image) == frame64.encode(np.asarray(rgba), pixel_format="RGBA")


def test_crop_of_a_pil_image(rgb_image: Image.Image) -> None:
    crop = rgb_image.crop((5, 3, 40, 30))
    assert frame64.encode(crop) == frame64.encode(np.asarray(rgb_image)[3:30, 5:40], pixel_format="RGB")


@pytest.mark.parametrize("mode", ["I", "I;16", "F"])
def test_deep_modes_are_refused_by_name(mode: str) -> None:
    image = Image.new(mode, (8, 8))
    with pytest.raises(ValueError, match=rf"image: PIL mode '{mode}' is not supported"):
        frame64.encode(image)


@pytest.mark.parametrize(("mode", "pixel_format"), [("RGB", "GRAY"), ("RGB", "RGBA"), ("L", "RGB"), ("RGBA", "BGRA")])
def test_contradicting_pixel_format_is_an_error(rgb_image: Image.Image, mode: str, pixel_format: str) -> None:
    with pytest.raises(ValueError, match="pixel_format: a PIL image in mode"):
        frame64.encode(rgb_image.convert(mode), pixel_format=pixel_format)


def test_other_options_are_still_checked(rgb_image: Image.Image) -> None:
    with pytest.raises(ValueError, match="quality"):
        frame64.encode(rgb_image, quality=0)
    with pytest.raises(TypeError, match="pixel_format must be a str"):
        frame64.encode(rgb_image.convert("RGB"), pixel_format=3)


def test_backends_agree_on_pil_input(rgb_image: Image.Image) -> None:
    from frame64 import _backend
    from frame64.cli.bench import frame64_backends

    results = set()
    for module in frame64_backends().values():
        with _backend.use(module):
            results.add(frame64.encode(rgb_image.convert("RGBA"), subsampling="444"))
    assert len(results) == 1
