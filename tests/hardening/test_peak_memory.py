"""Peak memory of a 10-megapixel PNG encode against its theoretical minimum (issue 16).

The measurement is benchmarks/peak_rss.py's, in a fresh subprocess: the peak
RSS (VmHWM, reset through /proc/self/clear_refs) during one call, minus the
RSS before it. The input exists before the call, so the theory is what the
call must add at once: the base64 str (output) + the PNG bytes it encodes
(one codec buffer). Memory, unlike time, is deterministic enough to assert.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

PEAK_RSS = Path(__file__).resolve().parents[2] / "benchmarks" / "peak_rss.py"
LIMIT = 1.5  # issue 16: at most 1.5x the theory


def _peak_rss() -> Any:
    spec = importlib.util.spec_from_file_location("peak_rss", PEAK_RSS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's /proc/self/clear_refs")
@pytest.mark.parametrize("noise", [False, True], ids=["camera", "noise"])
def test_png_encode_peak_is_within_1_5x_of_theory(noise: bool) -> None:
    figures = _peak_rss().measure("encode", 2736, 3648, "png", {"noise": noise})
    theory = figures["output"] + figures["codec"]
    rise = figures["peak_after"] - figures["rss_before"]
    assert rise <= LIMIT * theory, (
        f"PNG encode of 10 MP rose {rise / 2**20:.1f} MiB, {rise / theory:.2f}x its theory "
        f"({figures['output'] / 2**20:.1f} MiB str + {figures['codec'] / 2**20:.1f} MiB PNG)"
    )
