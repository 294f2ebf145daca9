"""frame64.image_block: each provider's block shape, media type and limits (from PROVIDER_LIMITS)."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pytest

import frame64
from frame64 import PROVIDER_LIMITS
from frame64._sample import camera_frame

FRAME_4K = camera_frame(2160, 3840)


def payload(provider: str, block: dict[str, Any]) -> tuple[str, str]:
    """(mime type, raw base64) carried by a block, checking its keys."""
    if provider == "openai":
        assert set(block) == {"type", "image_url"} and block["type"] == "image_url"
        assert set(block["image_url"]) == {"url"}
        url = block["image_url"]["url"]
        header, data = url.split(",", 1)
        assert header.startswith("data:") and header.endswith(";base64")
        return header[5:-7], data
    if provider == "anthropic":
        assert set(block) == {"type", "source"} and block["type"] == "image"
        source = block["source"]
        assert set(source) == {"type", "media_type", "data"} and source["type"] == "base64"
        return source["media_type"], source["data"]
    assert set(block) == {"inline_data"} and set(block["inline_data"]) == {"mime_type", "data"}
    return block["inline_data"]["mime_type"], block["inline_data"]["data"]


def carried_length(provider: str, block: dict[str, Any]) -> int:
    return len(block["image_url"]["url"]) if provider == "openai" else len(payload(provider, block)[1])


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
@pytest.mark.parametrize("provider", list(PROVIDER_LIMITS))
def test_block_shape_and_limits_4k(provider: str, fmt: str) -> None:
    block = frame64.image_block(FRAME_4K, provider, format=fmt)
    json.dumps(block)
    mime, data = payload(provider, block)
    assert mime == f"image/{fmt}"
    pixels = frame64.decode(data)
    limits = PROVIDER_LIMITS[provider]
    if limits.max_side is not None:
        assert max(pixels.shape[:2]) <= limits.max_side
        assert max(pixels.shape[:2]) == limits.max_side or limits.max_chars is not None
    assert limits.max_chars is None or carried_length(provider, block) <= limits.max_chars
    assert len(base64.b64decode(data, validate=True)) > 0


def test_anthropic_counts_base64_and_matches_encode() -> None:
    block = frame64.image_block(FRAME_4K, "anthropic")
    assert block["source"]["data"] == frame64.encode(FRAME_4K, max_side=1568, max_chars=5 * 1024 * 1024)


def test_overrides() -> None:
    block = frame64.image_block(FRAME_4K, "gemini", max_side=320, max_chars=20_000, quality=80)
    _, data = payload("gemini", block)
    assert len(data) <= 20_000 and max(frame64.decode(data).shape[:2]) <= 320
    full = frame64.image_block(FRAME_4K[:100, :100], "anthropic", max_side=None, max_chars=None)
    assert frame64.decode(full["source"]["data"]).shape == (100, 100, 3)


def test_noise_frame_fits_the_budget() -> None:
    noise = np.random.default_rng(3).integers(0, 256, (2160, 3840, 3), dtype=np.uint8)
    block = frame64.image_block(noise, "anthropic", max_chars=2_000_000)
    assert len(block["source"]["data"]) <= 2_000_000


@pytest.mark.parametrize("args,kwargs,error,match", [
    (("claude",), {}, ValueError, "provider"),
    ((3,), {}, ValueError, "provider"),
    (("openai",), {"data_uri": True}, TypeError, "data_uri"),
    (("gemini",), {"format": "gif"}, ValueError, "format"),
    (("openai",), {"max_side": 0}, ValueError, "max_side"),
    (("openai",), {"max_chars": 50}, ValueError, "max_chars"),
    (("openai",), {"colour": "red"}, TypeError, "colour"),
])
def test_bad_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        frame64.image_block(FRAME_4K[:64, :64], *args, **kwargs)
