#!/usr/bin/env bash
# Builds frame64's extension with AddressSanitizer + UndefinedBehaviorSanitizer
# into its own build dir and venv, then runs the whole test suite (tests/ and
# benchmarks/ as a correctness pass) under it.
#
#   scripts/sanitize.sh                 # everything
#   scripts/sanitize.sh tests/api/test_x.py # any pytest arguments
#
# Environment: FRAME64_SANITIZE (default address,undefined), SANITIZE_VENV
# (default .venv-sanitize), SANITIZE_BUILD_DIR (default build/sanitize), PYTHON.
#
# CPython is not instrumented, so the GCC sanitizer runtimes are preloaded
# (ASan must be the first library in the process). Leak detection is off:
# CPython deliberately leaves objects alive at exit (interned strings, static
# types, module state), and LeakSanitizer would report all of them; leaks of
# frame64 itself are measured by tests/hardening/test_leaks.py instead (second pass,
# below). PYTHONMALLOC=malloc
# sends every Python object through malloc, so ASan sees an overflow past the
# end of a bytes/str the extension writes into (pymalloc would hide it).
set -euo pipefail
cd "$(dirname "$0")/.."

SANITIZE="${FRAME64_SANITIZE:-address,undefined}"
VENV="${SANITIZE_VENV:-.venv-sanitize}"
BUILD_DIR="${SANITIZE_BUILD_DIR:-build/sanitize}"
PYTHON="${PYTHON:-python3}"
CXX_FOR_RUNTIME="${CXX:-g++}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv --system-site-packages "$VENV"
fi
# Build requirements first, then build without isolation so that the CMake
# cache in $BUILD_DIR stays valid between runs (incremental rebuilds).
"$VENV/bin/pip" install -q "scikit-build-core>=0.10" "pybind11>=2.13"
"$VENV/bin/pip" install -q --no-build-isolation \
    -Cbuild-dir="$BUILD_DIR" -Ccmake.build-type=RelWithDebInfo -Ccmake.define.FRAME64_SANITIZE="$SANITIZE" '.[test]'

preload=""
for runtime in libasan.so libubsan.so; do
    case "$runtime:$SANITIZE" in
        libasan.so:*address*|libubsan.so:*undefined*) ;;
        *) continue ;;
    esac
    path="$("$CXX_FOR_RUNTIME" -print-file-name="$runtime")"
    if [ ! -e "$path" ]; then
        echo "sanitize.sh: $CXX_FOR_RUNTIME has no $runtime ($path)" >&2
        exit 1
    fi
    preload="${preload:+$preload:}$(readlink -f "$path")"
done

export LD_PRELOAD="$preload"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export PYTHONMALLOC=malloc
export FRAME64_BACKEND=cpp
echo "sanitize.sh: LD_PRELOAD=$LD_PRELOAD"
# The installed (non-editable) package is what the tests import; make sure it
# is the instrumented one.
FRAME64_SANITIZE="$SANITIZE" "$VENV/bin/python" - <<'PY'
import os
import frame64, frame64._core as core
assert frame64.backend == "cpp", frame64.backend
binary = open(core.__file__, "rb").read()
for name, marker in (("address", b"__asan_"), ("undefined", b"__ubsan_")):
    if name in os.environ["FRAME64_SANITIZE"]:
        assert marker in binary, f"{core.__file__} is not instrumented for {name}"
print("sanitize.sh: testing", core.__file__)
PY
# Pass 1: everything but the RSS leak loops, with ASan's quarantine on (it
# delays the reuse of freed memory, which is what catches use-after-free).
# Exit 5 (no test selected) is fine in either pass: the arguments may pick
# only leak tests, or none.
status=0
"$VENV/bin/python" -m pytest -p no:cacheprovider --benchmark-disable -m "not leak" "$@" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then exit "$status"; fi
# Pass 2: the leak loops. The quarantine holds up to 256 MB of freed memory
# and would grow RSS by itself, so it is off here; ASan and UBSan still check
# every access. Left out:
# the thread-pool create/destroy loop, because ASan keeps a context for
# every thread that ever ran (for its reports), about 190 bytes each, which
# that loop measures instead of frame64 (it is flat without ASan).
status=0
ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=0:thread_local_quarantine_size_kb=0" \
    "$VENV/bin/python" -m pytest -p no:cacheprovider --benchmark-disable -m leak \
    --deselect tests/hardening/test_leaks.py::test_encoder_pool_create_and_destroy_is_flat "$@" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then exit "$status"; fi
echo "sanitize.sh: clean"
