#!/usr/bin/env bash
# Builds tests/native/base64_kernel_contract.cpp against the base64 kernel
# sources and runs it:
#   1. natively, with AddressSanitizer + UBSan, for every kernel this machine
#      can compile (the x86 kernels get the flags of CMakeLists.txt's table);
#   2. for AArch64 (the NEON kernel) with aarch64-linux-gnu-g++, run under
#      qemu-aarch64, when that cross toolchain is installed
#      (Debian/Ubuntu: apt-get install g++-aarch64-linux-gnu qemu-user).
# Usage: scripts/check-base64-kernels.sh [native|aarch64|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out="build/kernel-check"
mkdir -p "$out"
common=(-std=c++17 -O2 -Wall -Wextra -Icpp)
sources=(cpp/base64/scalar.cpp cpp/base64/codec.cpp tests/native/base64_kernel_contract.cpp)

native() {
    local cxx="${CXX:-g++}" objects=() defines=()
    local sanitize=(-fsanitize=address,undefined -fno-omit-frame-pointer)
    case "$(uname -m)" in
        x86_64)
            # name:flags, as in the flag table of CMakeLists.txt
            for entry in "avx2:-mavx2" "avx512vbmi:-mavx512f -mavx512bw -mavx512vbmi"; do
                local name="${entry%%:*}" flags="${entry#*:}"
                # shellcheck disable=SC2086
                "$cxx" "${common[@]}" "${sanitize[@]}" $flags -c "cpp/base64/$name.cpp" -o "$out/$name.o"
                objects+=("$out/$name.o")
                defines+=("-DFRAME64_KERNEL_${name^^}")
            done ;;
        aarch64)
            "$cxx" "${common[@]}" "${sanitize[@]}" -c cpp/base64/neon.cpp -o "$out/neon.o"
            objects+=("$out/neon.o"); defines+=(-DFRAME64_KERNEL_NEON) ;;
    esac
    "$cxx" "${common[@]}" "${sanitize[@]}" "${defines[@]}" cpp/base64/dispatch.cpp "${sources[@]}" "${objects[@]}" \
        -o "$out/contract-native"
    echo "== native ($(uname -m)), ASan+UBSan"
    ASAN_OPTIONS=detect_leaks=1 "$out/contract-native"
}

aarch64() {
    if ! command -v aarch64-linux-gnu-g++ >/dev/null; then
        echo "== aarch64: aarch64-linux-gnu-g++ not installed, skipped"; return 0
    fi
    aarch64-linux-gnu-g++ "${common[@]}" -DFRAME64_KERNEL_NEON cpp/base64/neon.cpp cpp/base64/dispatch.cpp \
        "${sources[@]}" -o "$out/contract-aarch64"
    echo "== aarch64: NEON kernel cross-compiled"
    if command -v qemu-aarch64 >/dev/null; then
        echo "== aarch64 under qemu-aarch64"
        qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/contract-aarch64"
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
