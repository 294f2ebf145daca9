#!/usr/bin/env bash
# Builds tests/native/base64_kernel_contract.cpp against the base64 kernel
# library with CMake (-DFRAME64_NATIVE_TESTS=ON: the kernel list and their
# flags come from CMakeLists.txt's one table) and runs it with ctest:
#   1. natively, with AddressSanitizer + UBSan (FRAME64_SANITIZE), for every
#      kernel this machine can compile;
#   2. for AArch64 (the NEON kernel) with aarch64-linux-gnu-g++
#      (cmake/aarch64-linux-gnu.cmake), run under qemu-aarch64, when that
#      cross toolchain is installed
#      (Debian/Ubuntu: apt-get install g++-aarch64-linux-gnu qemu-user).
# Needs no Python package, pybind11 or image library; cmake (and its ctest)
# comes from PATH, or else is pip-installed into build/kernel-check/venv.
# Usage: scripts/check-base64-kernels.sh [native|aarch64|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out="build/kernel-check"
mkdir -p "$out"

cmake_bin() {
    if command -v cmake >/dev/null && command -v ctest >/dev/null; then
        dirname "$(command -v cmake)"; return
    fi
    if [ ! -x "$out/venv/bin/cmake" ]; then
        python3 -m venv "$out/venv" >&2
        "$out/venv/bin/pip" install -q cmake >&2
    fi
    echo "$out/venv/bin"
}
bin="$(cmake_bin)"

# configure + build in build/kernel-check/<name> with extra cmake arguments
build_contract() {
    local name="$1"; shift
    # A toolchain file is read only when a build tree is first configured.
    [ ! -f "$out/$name/CMakeCache.txt" ] || set -- "${@/#-DCMAKE_TOOLCHAIN_FILE=*/}"
    "$bin/cmake" -S . -B "$out/$name" -DFRAME64_NATIVE_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo $* >/dev/null
    "$bin/cmake" --build "$out/$name" -j 2 >/dev/null
}

# ctest shows the contract's own lines (one per kernel checked)
run_contract() { "$bin/ctest" --test-dir "$out/$1" --output-on-failure -V | grep -E '^[0-9]+: |tests passed|tests failed'; }

native() {
    echo "== native ($(uname -m)), ASan+UBSan"
    build_contract native -DFRAME64_SANITIZE=address,undefined
    ASAN_OPTIONS=detect_leaks=1 run_contract native
}

aarch64() {
    if ! command -v aarch64-linux-gnu-g++ >/dev/null; then
        echo "== aarch64: aarch64-linux-gnu-g++ not installed, skipped"; return 0
    fi
    build_contract aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
    echo "== aarch64: NEON kernel cross-compiled"
    if command -v qemu-aarch64 >/dev/null; then
        echo "== aarch64 under qemu-aarch64"
        run_contract aarch64
    else
        echo "== aarch64: qemu-aarch64 not installed, not run"
    fi
}

case "$what" in
    native) native ;;
    aarch64) aarch64 ;;
    all) native; aarch64 ;;
    *) echo "usage: $0 [native|aarch64|all]" >&2; exit 2 ;;
esac
