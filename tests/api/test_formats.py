"""The C++ table of facts (cpp/image/formats.hpp, exported by frame64._core)
says what frame64._formats says."""

from __future__ import annotations

import pytest

import frame64._formats as formats

core = pytest.importorskip("frame64._core")

NAMES = ["TJPF", "TJSAMP", "PIXEL_SIZE", "BLUE_FIRST", "MCU_SIZE", "MAX_JPEG_SIDE", "MAX_PNG_SIDE", "JPEG_MAGIC",
         "PNG_SIGNATURE", "DATA_URI_PREFIX"]


@pytest.mark.parametrize("name", NAMES)
def test_core_fact_equals_python_fact(name: str) -> None:
    value = getattr(core, name)
    expected = getattr(formats, name)
    assert value == expected
    assert type(value) is type(expected)


def test_side_limits_match_max_side() -> None:
    assert formats.MAX_SIDE == {"jpeg": core.MAX_JPEG_SIDE, "png": core.MAX_PNG_SIDE}


def test_core_sniffs_by_the_same_magic() -> None:
    assert formats.sniff(core.JPEG_MAGIC) == "jpeg"
    assert formats.sniff(core.PNG_SIGNATURE) == "png"
