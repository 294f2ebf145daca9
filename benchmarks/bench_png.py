"""PNG encode + base64 and base64 + decode, frame64 against OpenCV and PIL.

Camera-like frames (smooth light, edges, sensor noise) at 640x480 and
1920x1080. Every contender's output is checked before timing, so a fast wrong
answer fails; with --benchmark-disable this is a plain correctness run.

Figures:
    python -m pytest benchmarks/bench_png.py --benchmark-only \\
        --benchmark-group-by=group --benchmark-columns=median,iqr,ops
Sizes, ratios and the deflate comparison: python benchmarks/png_report.py
"""

from __future__ import annotations

import base64
import io
from typing import Any, Callable

import cv2
import numpy as np
import pytest
from PIL import Image

from frame64 import _backend, _fallback, _png
from frame64._sample import camera_frame


def _on(backend: Any, call: Callable[[], np.ndarray]) -> np.ndarray:
    with _backend.use(backend):
        return call()

core = pytest.importorskip("frame64._core", reason="the compiled backend frame64._core is not built")

SIZES = {"640x480": (480, 640), "1920x1080": (1080, 1920)}


@pytest.fixture(scope="module", params=list(SIZES))
def scene(request: pytest.FixtureRequest) -> tuple[str, np.ndarray]:
    height, width = SIZES[request.param]
    return request.param, camera_frame(height, width)


def encoders(image: np.ndarray) -> dict[str, Callable[[], str]]:
    """Each contender: BGR frame -> base64 text of a PNG."""
    def pil(level: int) -> Callable[[], str]:
        def run() -> str:
            buffer = io.BytesIO()
            Image.fromarray(image[..., ::-1]).save(buffer, format="PNG", compress_level=level)
            return base64.b64encode(buffer.getvalue()).decode("ascii")

        return run

    def cv(level: int) -> Callable[[], str]:
        def run() -> str:
            ok, png = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, level])
            assert ok
            return base64.b64encode(png.tobytes()).decode("ascii")

        return run

    contenders: dict[str, Callable[[], str]] = {
        f"frame64-c{level}": (lambda level=level: core.encode_png(image, 1, level, False)) for level in range(10)
    }
    contenders["frame64-fallback-c1"] = lambda: _fallback.encode_png(image, 1, 1, False)
    contenders["cv2-c1"] = cv(1)
    contenders["cv2-c3"] = cv(3)
    contenders["pil-c1"] = pil(1)
    contenders["pil-c6"] = pil(6)
    return contenders


ENCODERS = list(encoders(np.zeros((1, 1, 3), np.uint8)))


@pytest.mark.parametrize("name", ENCODERS)
def test_encode_base64(benchmark: Any, scene: tuple[str, np.ndarray], name: str) -> None:
    label, image = scene
    benchmark.group = f"png-encode+b64-{label}"
    run = encoders(image)[name]
    text = run()
    raw = base64.b64decode(text)
    assert np.array_equal(cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR), image)
    benchmark.extra_info["png_bytes"] = len(raw)
    assert benchmark(run) == text


@pytest.fixture(scope="module")
def encoded(scene: tuple[str, np.ndarray]) -> dict[str, str]:
    """The PNGs to decode: frame64's default and OpenCV's compression 1."""
    _, image = scene
    ok, png = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return {
        "frame64-default": core.encode_png(image, 1, 1, False),
        "cv2-c1": base64.b64encode(png.tobytes()).decode("ascii"),
    }


def decoders(text: str, image: np.ndarray) -> dict[str, Callable[[], np.ndarray]]:
    """Each contender: base64 text -> BGR frame."""
    out = np.empty_like(image)
    return {
        "frame64": lambda: _on(core, lambda: _png.decode_png(core.b64decode(text))),
        "frame64-out": lambda: _on(core, lambda: _png.decode_png(core.b64decode(text), out=out)),
        "frame64-fallback": lambda: _on(_fallback, lambda: _png.decode_png(base64.b64decode(text))),
        "cv2+b64decode": lambda: cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_COLOR),
        "pil+b64decode": lambda: np.asarray(Image.open(io.BytesIO(base64.b64decode(text))).convert("RGB"))[..., ::-1],
    }


# The fallback reads OpenCV's PNG too slowly to time (it undoes Paeth rows in a
# Python loop); tests/api/test_png.py checks its pixels.
DECODE_CASES = [
    (source, name)
    for source in ("frame64-default", "cv2-c1")
    for name in decoders("", np.zeros((1, 1, 3), np.uint8))
    if not (source == "cv2-c1" and name == "frame64-fallback")
]


@pytest.mark.parametrize("source,name", DECODE_CASES)
def test_decode_base64(
    benchmark: Any, scene: tuple[str, np.ndarray], encoded: dict[str, str], source: str, name: str
) -> None:
    label, image = scene
    benchmark.group = f"png-b64+decode-{source}-{label}"
    run = decoders(encoded[source], image)[name]
    assert np.array_equal(run(), image)
    result = benchmark(run)
    assert np.array_equal(result, image)
