"""frame64.image_block: a frame as the image content block of a vision-model chat API.

No network is used. Each provider's documented limits live in PROVIDER_LIMITS
(one table; the page and the date each figure was read from are given next
to it) and are applied by default; every one can be overridden per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ._encode import encode
from ._formats import DATA_URI_PREFIX, MIME_TYPES


@dataclass(frozen=True)
class ProviderLimits:
    """What one provider accepts for an inline base64 image."""

    formats: tuple[str, ...]        # image formats frame64 writes that it accepts
    max_side: Optional[int]         # longer-side limit applied by default (None: none documented)
    max_chars: Optional[int]        # the per-image limit, as a length of what the block carries
    data_uri: bool                  # the block carries a data: URI (True) or raw base64 (False)


def _chars_for_bytes(limit_bytes: int, prefix: str) -> int:
    """The longest base64 text (with ``prefix``) whose decoded image is at most ``limit_bytes``."""
    return len(prefix) + 4 * (limit_bytes // 3)


MIB = 1024 * 1024

# The limits, read on 2026-12-02 (the date of this table) from stored copies
# of the pages named; where the official page's stored copy did not show a
# figure, the comment says where it came from instead.
PROVIDER_LIMITS: dict[str, ProviderLimits] = {
    # OpenAI, "Images and vision" guide, https://platform.openai.com/docs/guides/images
    # (read from its mirror openai-hd4n6.mintlify.app/docs/guides/images): PNG, JPEG,
    # WEBP, non-animated GIF; "up to 20MB per image" (the image file's bytes);
    # high detail "768px (short side) x 2000px (long side)": the long side is applied.
    "openai": ProviderLimits(("jpeg", "png"), 2000, _chars_for_bytes(20 * MIB, DATA_URI_PREFIX["png"]), True),
    # Anthropic, "Vision", https://platform.claude.com/docs/en/build-with-claude/vision
    # (the stored copy did not show the limits): the 5 MB limit counts the base64
    # string (API error "image exceeds 5 MB maximum: ... bytes > 5242880 bytes",
    # quoted in github.com/anthropics/claude-code/issues/14887); 1568 px is the long
    # edge beyond which the API downsizes (the same page, as quoted in issue 14 of
    # this project and by third-party guides); the 8000 px hard limit could not be
    # confirmed from a stored official page and is not applied.
    "anthropic": ProviderLimits(("jpeg", "png"), 1568, 5 * MIB, False),
    # Google Gemini API, "Image understanding", https://ai.google.dev/gemini-api/docs/vision
    # (stored copies: "total request size less than 20MB" for inline data, the whole
    # request, so the image alone is capped at 20 MB of base64 here). No pixel limit
    # is documented there (large images are scaled by the service): none applied.
    "gemini": ProviderLimits(("jpeg", "png"), None, 20 * MIB, False),
}

class _ProviderDefault:
    """The default of image_block's limits: the provider's value from PROVIDER_LIMITS."""

    def __repr__(self) -> str:
        return "<the provider's limit>"


_UNSET: Any = _ProviderDefault()
# Options the block itself decides.
_FIXED_OPTIONS = ("data_uri",)


def image_block(
    image: Any,
    provider: str = "openai",
    *,
    max_side: Optional[int] = _UNSET,
    max_chars: Optional[int] = _UNSET,
    **encode_options: Any,
) -> dict[str, Any]:
    """The JSON-ready content block for ``image`` in ``provider``'s chat API.

    - "openai": ``{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,..."}}``
    - "anthropic": ``{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "..."}}``
    - "gemini": ``{"inline_data": {"mime_type": "image/jpeg", "data": "..."}}`` (raw base64)

    Args:
        image: anything ``frame64.encode`` takes.
        provider: "openai", "anthropic" or "gemini".
        max_side: the longer-side limit; default: the provider's (PROVIDER_LIMITS),
            None for no limit.
        max_chars: the limit on the base64 text the block carries (the data URI
            for OpenAI), searched as ``frame64.encode(max_chars=)`` does;
            default: the provider's per-image limit measured the way it
            measures it; None for no limit.
        **encode_options: the other options of ``frame64.encode`` (format,
            quality, min_quality, subsampling, pixel_format, ...).

    Returns:
        A dict of str keys and values, ready for ``json.dumps``.

    Raises:
        ValueError: an unknown provider, a format the provider does not
            accept, or any error of ``frame64.encode``.
        TypeError: ``data_uri`` (the block decides it) or an unknown option.
    """
    if not isinstance(provider, str) or provider.lower() not in PROVIDER_LIMITS:
        raise ValueError(f"provider must be one of {', '.join(map(repr, PROVIDER_LIMITS))}; got {provider!r}")
    name = provider.lower()
    limits = PROVIDER_LIMITS[name]
    for option in _FIXED_OPTIONS:
        if option in encode_options:
            raise TypeError(f"image_block() sets {option} itself for provider {name!r}; do not pass it")
    fmt = str(encode_options.get("format", "jpeg")).lower()
    fmt = "jpeg" if fmt == "jpg" else fmt
    if fmt not in limits.formats:
        raise ValueError(f"format: provider {name!r} accepts {', '.join(map(repr, limits.formats))}; got {fmt!r}")
    encode_options["format"] = fmt
    text = encode(
        image,
        data_uri=limits.data_uri,
        max_side=limits.max_side if max_side is _UNSET else max_side,
        max_chars=limits.max_chars if max_chars is _UNSET else max_chars,
        **encode_options,
    )
    mime = MIME_TYPES[fmt]
    if name == "openai":
        return {"type": "image_url", "image_url": {"url": text}}
    if name == "anthropic":
        return {"type": "image", "source": {"type": "base64", "media_type": mime, "data": text}}
    return {"inline_data": {"mime_type": mime, "data": text}}
