#!/usr/bin/env bash
# Runs the base64 kernel contract (tests/native, through CMake and ctest, via
# scripts/check-base64-kernels.sh native), then the base64 tests against an
# AddressSanitizer build of frame64._core.
# The extension is built with -fsanitize=address into its own build dir and
# installed into its own venv (build/asan-venv), so the dev install is left
# alone. Python itself is not instrumented, hence LD_PRELOAD of libasan;
# PYTHONMALLOC=malloc puts every bytes/str buffer in its own malloc block so
# that ASan sees overruns of the output objects too. Leak detection is off:
# CPython keeps objects alive at exit on purpose.
# Usage: scripts/asan-base64.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
venv="$(pwd)/${ASAN_VENV:-build/asan-venv}"
flags="-fsanitize=address -fno-omit-frame-pointer -g"

bash scripts/check-base64-kernels.sh native

[ -x "$venv/bin/python" ] || "$python" -m venv --system-site-packages "$venv"
"$venv/bin/pip" install -q --no-build-isolation --no-deps --force-reinstall \
    -Cbuild-dir=build/asan \
    -Ccmake.define.CMAKE_CXX_FLAGS="$flags" \
    -Ccmake.define.CMAKE_MODULE_LINKER_FLAGS="-fsanitize=address" .

# libstdc++ is preloaded too: ASan resolves its __cxa_throw interceptor at
# start-up, before python would dlopen libstdc++ with the extension, and a C++
# exception (pybind11 raising TypeError) would then abort in the interceptor.
libasan="$(${CXX:-g++} -print-file-name=libasan.so)"
libstdcxx="$(${CXX:-g++} -print-file-name=libstdc++.so)"
export LD_PRELOAD="$libasan $libstdcxx"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1"
export PYTHONMALLOC=malloc
# Make sure the instrumented module is the one under test.
"$venv/bin/python" - <<'PY'
import frame64._core as core, subprocess, sys
symbols = subprocess.run(["nm", "-D", "--undefined-only", core.__file__], capture_output=True, text=True).stdout
sys.exit(0 if "__asan_init" in symbols or "__asan_report" in symbols else f"{core.__file__} is not ASan-instrumented")
PY
cd tests  # import frame64 from the ASan venv, not from src/
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir=.. -c ../pyproject.toml \
    parity/test_base64_kernels.py api/test_base64_dropin.py "$@"
