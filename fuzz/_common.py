"""Shared set-up for the atheris harnesses in this folder.

Each harness is a plain script: ``python fuzz/fuzz_X.py [libFuzzer flags]
[corpus dirs]``. scripts/fuzz.sh builds the instrumented extension and runs
them under AddressSanitizer + UBSan; see docs/hardening.md.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

import atheris
import numpy  # noqa: F401 - imported first so that only frame64 is instrumented

# Python dlopens extensions with RTLD_LOCAL. The instrumented _core (built
# with -fsanitize=fuzzer-no-link) needs libFuzzer's coverage callbacks, which
# the preloaded asan_with_fuzzer.so provides globally; RTLD_GLOBAL is harmless
# either way and matches the atheris documentation for native extensions.
sys.setdlopenflags(sys.getdlopenflags() | os.RTLD_GLOBAL)

with atheris.instrument_imports():
    import frame64
    import frame64._core as core



def _supported_kernels() -> list[str]:
    try:
        return list(core.supported_simd())
    except TypeError:  # the skeleton's binding lacked pybind11/stl.h; fixed with the SIMD kernels
        return [core.simd()]


SUPPORTED_KERNELS = _supported_kernels()


def pick_kernel(fdp: Any) -> None:
    """Switch the base64 kernel (every supported one gets fuzzed)."""
    core.set_simd(SUPPORTED_KERNELS[fdp.ConsumeIntInRange(0, len(SUPPORTED_KERNELS) - 1)])


def main(test_one_input: Callable[[bytes], None]) -> None:
    assert frame64.backend == "cpp", "the harnesses fuzz the compiled core"
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
