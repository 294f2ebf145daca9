"""Shared fixtures: both backends behind the public API, and test frames."""

from __future__ import annotations

import base64
import contextlib
import importlib
import io
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Callable

import numpy as np
import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame


class LazyModule:
    """A module imported on its first attribute access, not when a test module imports it.

    Free-threaded CPython has no OpenCV wheel: a test module that imported cv2
    at the top failed to collect there, all its tests with it. Through this
    proxy only the tests that call OpenCV fail, with importlib's own "No module
    named 'cv2'", a failure scripts/freethreaded_verdict.py accepts.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


cv2: Any = LazyModule("cv2")

Encode = Callable[..., str]

# Pixel formats as the tests name them: GRAY comes as (H, W) and as (H, W, 1).
PIXEL_CASES = ("BGR", "RGB", "BGRA", "RGBA", "GRAY", "GRAY3")
SUBSAMPLINGS = ("444", "422", "420", "440", "411", "gray")


def core_module() -> Any:
    """frame64._core; skips the calling test when the extension is not built or cannot load."""
    try:
        from frame64 import _core
    except ImportError as exc:  # not only ModuleNotFoundError: a missing libturbojpeg is an ImportError
        pytest.skip(f"the compiled backend frame64._core is not available: {exc}")
    return _core


def backend_module(name: str) -> Any:
    return core_module() if name == "cpp" else _fallback


def encoder_for(module: Any) -> Encode:
    """frame64.encode (the public validation) running on the given backend module.

    The switch (``frame64._backend.use``) holds for the calling thread only,
    so the returned function is safe to call from several threads at once.
    """

    def encode(image: Any, **options: Any) -> str:
        with _backend.use(module):
            return frame64.encode(image, **options)

    return encode


UseBackend = Callable[[Any], Any]


@pytest.fixture
def use_backend() -> Iterator[UseBackend]:
    """``use_backend(module_or_name)``: frame64 runs on that backend until the test ends."""
    with contextlib.ExitStack() as stack:
        yield lambda backend: stack.enter_context(_backend.use(backend))


@pytest.fixture(params=["cpp", "python"])
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def encode(backend_name: str) -> Encode:
    """frame64.encode on one backend; the test runs once per backend."""
    return encoder_for(backend_module(backend_name))


@pytest.fixture
def encode_cpp() -> Encode:
    return encoder_for(core_module())


@pytest.fixture
def encode_py() -> Encode:
    return encoder_for(_fallback)


def make_frame(case: str, height: int, width: int, seed: int = 0) -> tuple[np.ndarray, str]:
    """A camera-like frame for a PIXEL_CASES entry and the pixel_format to pass with it."""
    if case in ("GRAY", "GRAY3"):
        gray = camera_frame(height, width, 1, seed=seed)
        return (gray[:, :, None].copy() if case == "GRAY3" else gray), "GRAY"
    frame = camera_frame(height, width, 4 if case.endswith("A") else 3, seed=seed)
    return frame, case


def jpeg_bytes(text: str) -> bytes:
    """The JPEG inside a frame64 string, decoded by the standard library (strictly)."""
    data = base64.b64decode(text, validate=True)
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9", "not a complete JPEG stream"
    return data


def pil_open(text: str) -> Any:
    from PIL import Image

    image = Image.open(io.BytesIO(jpeg_bytes(text)))
    image.load()
    return image


@contextlib.contextmanager
def forced(get: Callable[[], str], set_: Callable[[str], None], name: str) -> Iterator[str]:
    """Forces the kernel ``name`` through a backend's getter/setter pair and restores the previous one."""
    previous = get()
    set_(name)
    assert get() == name
    try:
        yield name
    finally:
        set_(previous)


def passes_in_a_fork_child(check: Callable[[], bool], timeout: float = 60) -> bool:
    """Runs check() in an os.fork() child (which inherits frame64's pools but
    not their threads) and tells whether it returned True there. The child
    reports through its exit status only, and a hang ends it after `timeout`
    seconds with a traceback (faulthandler)."""
    import faulthandler
    import os
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork() of a threaded process
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            faulthandler.dump_traceback_later(timeout, exit=True)
            code = 0 if check() else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
