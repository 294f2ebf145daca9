#!/usr/bin/env bash
# Runs one atheris harness of fuzz/ against an AddressSanitizer + UBSan build
# of the extension whose C++ code is instrumented for libFuzzer coverage.
#
#   scripts/fuzz.sh HARNESS [SECONDS] [extra libFuzzer flags...]
#   scripts/fuzz.sh b64decode 600
#   scripts/fuzz.sh decode 60 -jobs=1 -max_len=20000
#
# Environment: FUZZ_VENV (default .venv-fuzz) and FUZZ_BUILD_DIR (default
# build/fuzz) let two harnesses run at once from separate builds.
#
# HARNESS is b64decode, decode or encode (fuzz/fuzz_HARNESS.py). SECONDS
# defaults to 60. The corpus grows in fuzz/corpus/HARNESS (seeded from
# fuzz/make_seeds.py), crashes land in fuzz/artifacts/HARNESS/.
#
# How the pieces fit (see docs/hardening.md):
# - With clang (Debian: apt-get install clang; any version with compiler-rt),
#   the extension is built with FRAME64_SANITIZE=address,undefined,fuzzer-no-link
#   and a runtime made here from clang's own archives (ASan + UBSan + libFuzzer
#   in one shared object, as atheris' native-extension guide describes) is
#   preloaded, so libFuzzer sees the C++ core's coverage and ASan/UBSan check it.
# - Without clang it falls back to GCC's ASan + UBSan with Python-level
#   coverage only, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

HARNESS="${1:?usage: scripts/fuzz.sh HARNESS [SECONDS] [libFuzzer flags...]}"
SECONDS_TO_RUN="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
SCRIPT="fuzz/fuzz_${HARNESS}.py"
[ -f "$SCRIPT" ] || { echo "fuzz.sh: no harness $SCRIPT" >&2; exit 2; }

VENV="${FUZZ_VENV:-.venv-fuzz}"
BUILD_DIR="${FUZZ_BUILD_DIR:-build/fuzz}"
PYTHON="${PYTHON:-python3}"
CLANG="${FUZZ_CLANG:-$(command -v clang || true)}"
RUNTIME_DIR=build/fuzz-runtime

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/pip" install -q "scikit-build-core>=0.10" "pybind11>=2.13" "atheris>=2.3"

if [ -n "$CLANG" ]; then
    resource_lib="$("$CLANG" -print-resource-dir)/lib/linux"
    runtime="$RUNTIME_DIR/asan_ubsan_fuzzer.so"
    if [ ! -f "$runtime" ]; then
        # One shared object with ASan (+ its C++ part and UBSan's handlers) and
        # libFuzzer without main(). asan_preinit is left out: .preinit_array is
        # not allowed in a shared object, and LD_PRELOAD initialises it anyway.
        work="$RUNTIME_DIR/objects"
        rm -rf "$work" && mkdir -p "$work/asan" "$work/asan_cxx" "$work/fuzzer"
        (cd "$work/asan" && ar x "$resource_lib/libclang_rt.asan-x86_64.a" && rm -f asan_preinit*.o)
        (cd "$work/asan_cxx" && ar x "$resource_lib/libclang_rt.asan_cxx-x86_64.a")
        (cd "$work/fuzzer" && ar x "$resource_lib/libclang_rt.fuzzer_no_main-x86_64.a")
        "$CLANG" -shared -o "$runtime" "$work"/asan/*.o "$work"/asan_cxx/*.o "$work"/fuzzer/*.o \
            -lstdc++ -lpthread -ldl -lrt -lm
        rm -rf "$work"
    fi
    CC="$CLANG" CXX="${CLANG}++" "$VENV/bin/pip" install -q --no-build-isolation -Cbuild-dir="$BUILD_DIR" \
        -Ccmake.build-type=RelWithDebInfo \
        -Ccmake.define.FRAME64_SANITIZE=address,undefined,fuzzer-no-link .
    export LD_PRELOAD
    LD_PRELOAD="$(readlink -f "$runtime")"
else
    echo "fuzz.sh: clang not found: GCC ASan+UBSan build, Python-level coverage only" >&2
    "$VENV/bin/pip" install -q --no-build-isolation -Cbuild-dir="$BUILD_DIR-gcc" -Ccmake.build-type=RelWithDebInfo \
        -Ccmake.define.FRAME64_SANITIZE=address,undefined .
    export LD_PRELOAD
    LD_PRELOAD="$(readlink -f "$(g++ -print-file-name=libasan.so)"):$(readlink -f "$(g++ -print-file-name=libubsan.so)")"
fi

corpus="fuzz/corpus/$HARNESS"
artifacts="fuzz/artifacts/$HARNESS"
if [ ! -d "fuzz/seeds/$HARNESS" ]; then
    # Seeds are made without the sanitizer runtime, so the instrumented
    # extension cannot load here: the pure-Python backend writes them.
    env -u LD_PRELOAD FRAME64_BACKEND=python "$VENV/bin/python" fuzz/make_seeds.py --out fuzz/seeds
fi
mkdir -p "$corpus" "$artifacts"

# Leak detection off: CPython keeps objects alive at exit by design.
# allocator_may_return_null: a huge malloc must fail as MemoryError, not abort.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export FRAME64_BACKEND=cpp
cd fuzz
exec nice -n 19 "../$VENV/bin/python" "fuzz_${HARNESS}.py" -max_total_time="$SECONDS_TO_RUN" \
    -artifact_prefix="../$artifacts/" -print_final_stats=1 -rss_limit_mb=4096 -max_len=65536 "$@" \
    "../$corpus" "seeds/$HARNESS"
