#!/usr/bin/env bash
# Builds libjpeg-turbo from its release source and installs it under /usr/local.
# Used by cibuildwheel's before-all in the manylinux containers (AlmaLinux 8,
# whose own libjpeg-turbo is 1.5.x); auditwheel then bundles libturbojpeg.so
# into each wheel. Set LIBJPEG_TURBO_SHA256 to pin the tarball's checksum.
set -euo pipefail

VERSION="${LIBJPEG_TURBO_VERSION:-3.0.4}"
URL="https://github.com/libjpeg-turbo/libjpeg-turbo/releases/download/${VERSION}/libjpeg-turbo-${VERSION}.tar.gz"
PREFIX="${PREFIX:-/usr/local}"

if command -v dnf >/dev/null 2>&1; then
    dnf install -y nasm pkgconfig || dnf install -y yasm pkgconfig
elif command -v yum >/dev/null 2>&1; then
    yum install -y nasm pkgconfig || yum install -y yasm pkgconfig
elif command -v apk >/dev/null 2>&1; then
    apk add --no-cache nasm pkgconf
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL "$URL" -o "$work/src.tar.gz"
if [ -n "${LIBJPEG_TURBO_SHA256:-}" ]; then
    echo "${LIBJPEG_TURBO_SHA256}  $work/src.tar.gz" | sha256sum -c -
fi
tar -xzf "$work/src.tar.gz" -C "$work"
cmake -S "$work/libjpeg-turbo-${VERSION}" -B "$work/build" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DENABLE_STATIC=OFF -DWITH_TURBOJPEG=ON -DWITH_JAVA=OFF
cmake --build "$work/build" --parallel
cmake --install "$work/build"
ldconfig 2>/dev/null || true
PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" pkg-config --modversion libturbojpeg
