#!/usr/bin/env bash
# Builds the C libraries frame64 links (libjpeg-turbo, libdeflate, libspng)
# from their release sources and installs them under $PREFIX (/usr/local).
# Used by cibuildwheel's before-all in the manylinux_2_28 containers
# (AlmaLinux 8 ships libjpeg-turbo 1.5 and no libspng); auditwheel then
# copies the shared libraries into each wheel. Pin a tarball's checksum with
# <NAME>_SHA256 (e.g. LIBJPEG_TURBO_SHA256) to make the download verified.
set -euo pipefail

PREFIX="${PREFIX:-/usr/local}"
LIBJPEG_TURBO_VERSION="${LIBJPEG_TURBO_VERSION:-3.0.4}"
LIBDEFLATE_VERSION="${LIBDEFLATE_VERSION:-1.22}"
LIBSPNG_VERSION="${LIBSPNG_VERSION:-0.7.4}"

if command -v dnf >/dev/null 2>&1; then
    dnf install -y nasm zlib-devel pkgconfig
elif command -v yum >/dev/null 2>&1; then
    yum install -y nasm zlib-devel pkgconfig
elif command -v apk >/dev/null 2>&1; then
    apk add --no-cache nasm zlib-dev pkgconf
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch NAME URL: download and unpack a release tarball into $work/NAME.
fetch() {
    local name="$1" url="$2" sha_var
    sha_var="$(echo "$name" | tr 'a-z-' 'A-Z_')_SHA256"
    curl -fsSL "$url" -o "$work/$name.tar.gz"
    if [ -n "${!sha_var:-}" ]; then
        echo "${!sha_var}  $work/$name.tar.gz" | sha256sum -c -
    fi
    mkdir -p "$work/$name"
    tar -xzf "$work/$name.tar.gz" -C "$work/$name" --strip-components=1
}

# cmake_install NAME ARGS...: configure, build and install one library.
cmake_install() {
    local name="$1"
    shift
    cmake -S "$work/$name" -B "$work/$name-build" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib "$@"
    cmake --build "$work/$name-build" --parallel
    cmake --install "$work/$name-build"
}

fetch libjpeg-turbo "https://github.com/libjpeg-turbo/libjpeg-turbo/releases/download/${LIBJPEG_TURBO_VERSION}/libjpeg-turbo-${LIBJPEG_TURBO_VERSION}.tar.gz"
cmake_install libjpeg-turbo -DENABLE_STATIC=OFF -DWITH_TURBOJPEG=ON -DWITH_JAVA=OFF

fetch libdeflate "https://github.com/ebiggers/libdeflate/archive/refs/tags/v${LIBDEFLATE_VERSION}.tar.gz"
cmake_install libdeflate -DLIBDEFLATE_BUILD_STATIC_LIB=OFF -DLIBDEFLATE_BUILD_GZIP=OFF

fetch libspng "https://github.com/randy408/libspng/archive/refs/tags/v${LIBSPNG_VERSION}.tar.gz"
cmake_install libspng -DSPNG_STATIC=OFF -DBUILD_EXAMPLES=OFF

ldconfig 2>/dev/null || true
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
pkg-config --modversion libturbojpeg libjpeg libdeflate spng
