"""``frame64 bench``: frame64's backends against the installed peers, by interleaved medians.

The peers and the frame64 contenders are also the demo's.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

import frame64

from .. import _backend, _formats, _options, _timing
from .._sample import camera_frame
from .common import PROG, InputError, UsageError, check_frame_size, check_writable

BENCH_SIZES = ((480, 640), (1080, 1920), (2160, 3840))


def frame64_backends() -> dict[str, ModuleType]:
    """The backends that can encode here: ``_backend.available()``, less a fallback whose
    PyTurboJPEG (or its libturbojpeg) is missing."""
    backends = _backend.available()
    fallback = backends.get("python")
    if fallback is not None:
        try:
            fallback._turbo.turbojpeg()
        except (ImportError, OSError, RuntimeError):
            del backends["python"]  # PyTurboJPEG or its libturbojpeg is missing
    return backends


def jpeg_peers(frame: np.ndarray, quality: int) -> dict[str, Callable[[], str]]:
    """The naive and the fast non-frame64 ways to make a base64 JPEG, for those installed."""
    peers: dict[str, Callable[[], str]] = {}
    b64: Callable[[bytes], str] = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    fast_b64 = b64
    fast_name = "base64"
    with contextlib.suppress(ImportError):
        import pybase64

        fast_b64, fast_name = pybase64.b64encode_as_string, "pybase64"
    with contextlib.suppress(ImportError):
        import cv2

        params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
                  cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]
        peers["cv2.imencode + base64"] = lambda: b64(cv2.imencode(".jpg", frame, params)[1].tobytes())
    with contextlib.suppress(ImportError):
        import io

        from PIL import Image

        def pil() -> str:
            buffer = io.BytesIO()
            Image.fromarray(frame[:, :, ::-1]).save(buffer, "JPEG", quality=quality, subsampling=2)
            return b64(buffer.getvalue())

        peers["PIL + base64"] = pil
    with contextlib.suppress(ImportError, OSError, RuntimeError):
        from turbojpeg import TJFLAG_ACCURATEDCT, TJPF_BGR, TJSAMP_420, TurboJPEG

        turbo = TurboJPEG()

        def turbojpeg(encode_b64: Callable[[bytes], str]) -> Callable[[], str]:
            return lambda: encode_b64(turbo.encode(frame, quality, TJPF_BGR, TJSAMP_420, TJFLAG_ACCURATEDCT))

        peers["PyTurboJPEG + base64"] = turbojpeg(b64)
        if fast_name == "pybase64":
            peers["PyTurboJPEG + pybase64"] = turbojpeg(fast_b64)
    with contextlib.suppress(ImportError):
        import simplejpeg

        peers[f"simplejpeg + {fast_name}"] = lambda: fast_b64(
            simplejpeg.encode_jpeg(frame, quality, colorspace="BGR", colorsubsampling="420")
        )
    return peers


def png_peers(frame: np.ndarray) -> dict[str, Callable[[], str]]:
    """The usual ways to make a base64 PNG, for those installed."""
    peers: dict[str, Callable[[], str]] = {}
    b64: Callable[[bytes], str] = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    with contextlib.suppress(ImportError):
        import cv2

        def cv2_png(level: int) -> Callable[[], str]:
            return lambda: b64(cv2.imencode(".png", frame, [cv2.IMWRITE_PNG_COMPRESSION, level])[1].tobytes())

        for level in (1, 3):
            peers[f"cv2.imencode png{level} + base64"] = cv2_png(level)
    with contextlib.suppress(ImportError):
        import io

        from PIL import Image

        def pil(level: int) -> Callable[[], str]:
            def run() -> str:
                buffer = io.BytesIO()
                Image.fromarray(frame[:, :, ::-1]).save(buffer, "PNG", compress_level=level)
                return b64(buffer.getvalue())

            return run

        for level in (1, 6):
            peers[f"PIL png{level} + base64"] = pil(level)
    return peers


def frame64_contenders(frame: np.ndarray, options: dict[str, Any]) -> dict[str, Callable[[], str]]:
    """frame64.encode on each backend, as "frame64 (cpp)" and "frame64 (python)"."""
    contenders: dict[str, Callable[[], str]] = {}
    for name, module in frame64_backends().items():

        def run(module: ModuleType = module) -> str:
            with _backend.use(module):
                return frame64.encode(frame, **options)

        contenders[f"frame64 ({name})"] = run
    return contenders


def check_output(name: str, text: str, fmt: str, frame: np.ndarray) -> int:
    """The size in bytes of a contender's image, after checking it is the right one."""
    data = base64.b64decode(text, validate=True)
    info = _formats.image_info(data)
    expected = (fmt, frame.shape[1], frame.shape[0])
    if info is None or (info.format, info.width, info.height) != expected:
        raise RuntimeError(f"{name} produced a wrong image: {info} instead of {expected}")
    return len(data)


def cmd_bench(args: argparse.Namespace) -> int:
    fmt = _options.check_format(args.format)
    if fmt == "png" and args.quality is not None:
        raise UsageError("--quality applies to --format jpeg only")
    quality = 90 if args.quality is None else args.quality
    options: dict[str, Any] = {"format": fmt, "quality": quality} if fmt == "jpeg" else {"format": fmt}
    try:
        frame64.encode(camera_frame(8, 8), **options)
    except ValueError as exc:
        raise UsageError(f"--quality: {exc}") from exc
    sizes = _parse_sizes(args.sizes, fmt)
    if args.repeat is not None and args.repeat < 1:
        raise UsageError(f"--repeat must be at least 1, got {args.repeat}")
    plot = None
    if args.plot:
        check_writable("--plot", args.plot)
        plot = _plot_module()
    results: dict[str, dict[tuple[int, int], float]] = {}
    sizes_kb: dict[str, dict[tuple[int, int], int]] = {}
    for height, width in sizes:
        frame = camera_frame(height, width)
        contenders = frame64_contenders(frame, options)
        contenders.update(jpeg_peers(frame, quality) if fmt == "jpeg" else png_peers(frame))
        first = {}
        for name, run in contenders.items():  # warm-up, check, and a first timing for the repeat count
            start = time.perf_counter()
            text = run()
            first[name] = time.perf_counter() - start
            sizes_kb.setdefault(name, {})[(height, width)] = check_output(name, text, fmt, frame)
        repeat = _timing.repeat_for(max(first.values()), args.repeat)
        print(f"{width}x{height}: {len(contenders)} contenders x {repeat} interleaved runs", file=sys.stderr)
        for name, seconds in _timing.interleaved_medians(contenders, repeat).items():
            results.setdefault(name, {})[(height, width)] = seconds
    print(_bench_table(results, sizes_kb, sizes, fmt))
    if plot is not None:
        try:
            _plot(plot, results, sizes, args.plot)
        except OSError as exc:
            raise InputError(f"cannot write {args.plot}: {exc.strerror or exc}") from exc
        print(f"{PROG}: wrote {args.plot}", file=sys.stderr)
    return 0


def _parse_sizes(text: str | None, fmt: str) -> list[tuple[int, int]]:
    if text is None:
        return list(BENCH_SIZES)
    sizes = []
    for part in text.split(","):
        try:
            width, height = (int(v) for v in part.lower().split("x"))
        except ValueError:
            raise UsageError(f"--sizes takes WIDTHxHEIGHT[,...], got {part!r}") from None
        if width < 1 or height < 1:
            raise UsageError(f"--sizes: {part!r} must be at least 1x1")
        check_frame_size("--sizes", width, height, fmt)
        sizes.append((height, width))
    return sizes


def _bench_table(results: dict[str, dict[tuple[int, int], float]], sizes_bytes: dict[str, dict[tuple[int, int], int]],
                 sizes: list[tuple[int, int]], fmt: str) -> str:
    reference = next((name for name in results if name.startswith("frame64")), next(iter(results)))
    width = max(len(name) for name in results) + 2
    lines = [
        f"{fmt.upper()} encode + base64 of a camera-like BGR frame: median ms per frame, "
        f"x = time / {reference}, KiB of the image",
        " " * width + "".join(f"{f'{w}x{h}':>26}" for h, w in sizes),
        " " * width + "".join(f"{'ms':>10} {'x':>7} {'KiB':>7}" for _ in sizes),
    ]
    for name, per_size in results.items():
        cells = "".join(
            f"{per_size[s] * 1e3:>10.2f} {per_size[s] / results[reference][s]:>6.2f}x {sizes_bytes[name][s] / 1024:>7.0f}"
            for s in sizes
        )
        lines.append(f"{name:{width}}{cells}")
    return "\n".join(lines)


def _plot_module() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install matplotlib") from None
    return pyplot


def _plot(pyplot: Any, results: dict[str, dict[tuple[int, int], float]], sizes: list[tuple[int, int]],
          path: str) -> None:
    figure, axes = pyplot.subplots(figsize=(10, 5))
    bar = 0.8 / len(results)
    for index, (name, per_size) in enumerate(results.items()):
        positions = [i + index * bar for i in range(len(sizes))]
        axes.bar(positions, [per_size[s] * 1e3 for s in sizes], bar, label=name)
    axes.set_xticks([i + 0.4 - bar / 2 for i in range(len(sizes))], [f"{w}x{h}" for h, w in sizes])
    axes.set_yscale("log")
    axes.set_ylabel("median ms per frame (log scale)")
    axes.set_title(f"frame64 {frame64.__version__} bench ({frame64.backend} backend, simd {frame64.simd})")
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
