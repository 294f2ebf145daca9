"""``max_chars=``: the search for the best image that fits a character budget.

Shared by JPEG and PNG: ``fit`` calls ``encode_at(quality, width, height)``
(one compression, returning the final string) and bisects the quality; when
even the lowest quality does not fit, it cuts the longer side to 3/4
(the shorter one rounded as ``max_side`` does) and searches again.
"""

from __future__ import annotations

from typing import Any, Callable

from . import _options

DEFAULT_MIN_QUALITY = 30
DOWNSCALE_NUMERATOR, DOWNSCALE_DENOMINATOR = 3, 4  # each step keeps 3/4 of the longer side

EncodeAt = Callable[[int, int, int], str]


def check_max_chars(value: Any) -> int | None:
    """``max_chars``: None (no budget) or an int >= 1."""
    if value is None:
        return None
    chars = _options._integer("max_chars", value, "an int >= 1 or None")
    if chars < 1:
        raise ValueError(f"max_chars must be >= 1 (or None), got {chars}")
    return chars


def check_min_quality(value: Any, quality: int) -> int:
    """``min_quality``: an int in 1..100; the search floor is min(min_quality, quality)."""
    floor = _options._integer("min_quality", value, "an int in 1..100")
    if not 1 <= floor <= 100:
        raise ValueError(f"min_quality must be in 1..100, got {floor}")
    return min(floor, quality)


def smaller(width: int, height: int) -> tuple[int, int]:
    """The next size of the downscale steps: the longer side times 3/4 (at least 1)."""
    longer = max(width, height)
    return _options.fit_max_side(width, height, max(1, longer * DOWNSCALE_NUMERATOR // DOWNSCALE_DENOMINATOR))


def _best_quality(encode_at: EncodeAt, width: int, height: int, quality: int, floor: int, max_chars: int) -> str | None:
    """The string at the highest q in floor..quality that fits with q + 1 not fitting (or q = quality); None if floor does not fit.

    Bisection keeps ``low`` fitting and ``high`` not fitting, so it needs no
    monotonic size: at most 2 + ceil(log2(quality - floor)) compressions.
    """
    text = encode_at(quality, width, height)
    if len(text) <= max_chars:
        return text
    if floor == quality:
        return None
    best = encode_at(floor, width, height)
    if len(best) > max_chars:
        return None
    low, high = floor, quality
    while high - low > 1:
        middle = (low + high) // 2
        candidate = encode_at(middle, width, height)
        if len(candidate) <= max_chars:
            low, best = middle, candidate
        else:
            high = middle
    return best


def fit(encode_at: EncodeAt, size: tuple[int, int], quality: int, floor: int, max_chars: int) -> str:
    """The best string within ``max_chars`` (see the module docstring).

    Raises:
        ValueError: not even a 1x1 image at ``floor`` fits; the message names max_chars.
    """
    width, height = size
    while True:
        text = _best_quality(encode_at, width, height, quality, floor, max_chars)
        if text is not None:
            return text
        if (width, height) == (1, 1):
            smallest = len(encode_at(floor, 1, 1))
            raise ValueError(f"max_chars={max_chars} is too small: the smallest image (1x1) takes {smallest} characters")
        width, height = smaller(width, height)
