"""The one place that chooses a backend: the compiled ``_core`` or the fallback.

Every module asks :func:`current` when it is called; none binds a backend
at import. The policy is read once, when this module is first imported:

- ``FRAME64_BACKEND=auto`` (default): ``_core`` when it imports, else the
  pure-Python package ``frame64._fallback``;
- ``FRAME64_BACKEND=cpp``: ``_core`` or an ImportError that says how to get it;
- ``FRAME64_BACKEND=python``: the fallback;
- ``FRAME64_SIMD=<kernel>``: force a base64 kernel at import (ImportError if
  this build or CPU cannot run it).

Differential tests and the CLI's ``--backend`` switch with :func:`use`, a
context variable: the switch holds for the calling thread (and the tasks it
starts with ``contextvars.copy_context``) only, so other threads keep the
process default.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import os
from collections.abc import Iterator
from types import ModuleType
from typing import Union

BACKENDS = ("cpp", "python")
_MODULES = {"cpp": "frame64._core", "python": "frame64._fallback"}

_override: contextvars.ContextVar[ModuleType | None] = contextvars.ContextVar("frame64_backend", default=None)


def module(name: str) -> ModuleType:
    """The backend module called ``name`` ("cpp" or "python"), imported on first use.

    Raises:
        ValueError: ``name`` is not a backend name.
        ImportError: that backend cannot be imported here.
    """
    if name not in _MODULES:
        raise ValueError(f"backend must be one of {', '.join(map(repr, BACKENDS))}, got {name!r}")
    return importlib.import_module(_MODULES[name])


def name_of(backend: ModuleType) -> str:
    """"cpp" or "python" for a backend module."""
    return "cpp" if backend.__name__ == _MODULES["cpp"] else "python"


def available() -> dict[str, ModuleType]:
    """The backends that import here, by name (the fallback needs PyTurboJPEG only when it encodes)."""
    found: dict[str, ModuleType] = {}
    for name in BACKENDS:
        try:
            found[name] = module(name)
        except ImportError:
            continue
    return found


def _load_default() -> ModuleType:
    choice = os.environ.get("FRAME64_BACKEND", "auto").strip().lower() or "auto"
    if choice not in ("auto", *BACKENDS):
        raise ImportError(f"FRAME64_BACKEND must be 'auto', 'cpp' or 'python', got {choice!r}")
    if choice != "python":
        try:
            return module("cpp")
        except ImportError as exc:
            if choice == "cpp":
                raise ImportError(
                    "FRAME64_BACKEND=cpp, but the compiled extension frame64._core could not be imported "
                    f"({exc}). Install its system libraries (Debian/Ubuntu: apt-get install pkg-config "
                    "libturbojpeg0-dev libjpeg62-turbo-dev libdeflate-dev libspng-dev) and reinstall frame64, or unset "
                    "FRAME64_BACKEND to use the fallback."
                ) from exc
    return module("python")


def _force_simd_from_env(backend: ModuleType) -> None:
    choice = os.environ.get("FRAME64_SIMD", "").strip().lower()
    if not choice:
        return
    try:
        backend.set_simd(choice)
    except ValueError as exc:
        raise ImportError(f"FRAME64_SIMD={choice}: {exc}") from exc


_default = _load_default()
_force_simd_from_env(_default)


def default() -> ModuleType:
    """The process-wide backend chosen by the policy above."""
    return _default


def current() -> ModuleType:
    """The backend for this call: the one :func:`use` set in this context, else the default."""
    chosen = _override.get()
    return _default if chosen is None else chosen


@contextlib.contextmanager
def use(backend: Union[ModuleType, str]) -> Iterator[ModuleType]:
    """Run the ``with`` block on ``backend`` (a module or "cpp"/"python"), in this context only."""
    chosen = module(backend) if isinstance(backend, str) else backend
    token = _override.set(chosen)
    try:
        yield chosen
    finally:
        _override.reset(token)
