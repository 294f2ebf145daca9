#!/usr/bin/env bash
# Builds a free-threaded ("nogil", PEP 703) CPython into $PREFIX (default
# /opt/py313t, or /opt/py314t with PY_SERIES=3.14), for running frame64's
# suite with PYTHON_GIL=0.
#
# Why from source: no Debian release (bookworm .. sid, experimental) ships a
# free-threaded python binary package, and only PyPI and Debian's archive are
# reachable from this project's machines. So the source is the upstream
# CPython tarball as Debian's archive carries it: the *.orig.tar.xz of the
# Debian source package python3.13 (pool/main/p/python3.13/, version
# 3.13.15-1, listed in forky's and sid's Sources indexes), unpacked as is.
# PY_SERIES=3.14 picks sid's python3.14 3.14.10-1 instead; when this script
# was written the archive's mirror listed it in sid's Sources index but its
# pool files answered 404 (as did forky's 3.14.8-1), so 3.13 is the default.
# Debian's own patches (the debian.tar.xz) are NOT applied: this is plain
# upstream CPython, configured with --disable-gil.
#
# Both the .dsc and the orig tarball are pinned by SHA-256 below (the .dsc's
# value is the one the Sources index lists; the tarball's is the one the
# .dsc lists in Checksums-Sha256, and the script checks the downloaded .dsc
# agrees). A mismatch stops the script before anything is unpacked.
#
# Idempotent: does nothing when $PREFIX/bin/python3.1Xt already exists and
# reports a free-threaded build (FORCE=1 rebuilds). Build deps come from apt
# when missing (as root). No PGO/LTO, to keep the build short (about 6.5 min on
# 2 cores); JOBS (default 2) sets make's parallelism.
#
# Usage: scripts/build-freethreaded-python.sh   then
#        PYTHON_GIL=0 /opt/py313t/bin/python3.13t -c 'import sys; print(sys._is_gil_enabled())'
set -euo pipefail

PY_SERIES="${PY_SERIES:-3.13}"
case "$PY_SERIES" in
    3.13)
        VERSION=3.13.15 DEB_REVISION=1
        DSC_SHA256=4078ff651ea7096e6933f794b854054cda195d600e02ac83306cee524da31b87
        ORIG_SHA256=1e66a7945a48390ee4c2a4268a0e4185884059a13c4aab6d148aa208deea4a76 ;;
    3.14)
        VERSION=3.14.10 DEB_REVISION=1
        DSC_SHA256=f43aca95f4d225c20dc56fb202306bcb1774afcf62d8b4fb6d8ba33a27c4c029
        ORIG_SHA256=de414a57119abef52784d8993e341d53aed635fc2b05c2607d9f98a2c5b72032 ;;
    *) echo "PY_SERIES must be 3.13 or 3.14" >&2; exit 2 ;;
esac
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
POOL="$MIRROR/pool/main/p/python$PY_SERIES"
DSC="python${PY_SERIES}_${VERSION}-${DEB_REVISION}.dsc"
ORIG="python${PY_SERIES}_${VERSION}.orig.tar.xz"

TAG="py${PY_SERIES/./}t"
PREFIX="${PREFIX:-/opt/$TAG}"
WORKDIR="${WORKDIR:-/tmp/$TAG-build}"
JOBS="${JOBS:-2}"
PY="$PREFIX/bin/python${PY_SERIES}t"

is_done() {
    [ -x "$PY" ] && PYTHON_GIL=0 "$PY" -c \
        'import sys, sysconfig; sys.exit(0 if sysconfig.get_config_var("Py_GIL_DISABLED") and not sys._is_gil_enabled() else 1)' \
        >/dev/null 2>&1
}

if [ "${FORCE:-0}" != 1 ] && is_done; then
    echo "free-threaded CPython already at $PY:"
    PYTHON_GIL=0 "$PY" -VV
    exit 0
fi

APT_DEPS=(build-essential pkg-config curl xz-utils libssl-dev libffi-dev zlib1g-dev
          libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev libncurses-dev
          libzstd-dev uuid-dev libgdbm-dev libexpat1-dev)
missing=()
for p in "${APT_DEPS[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing build deps (install as root): ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

mkdir -p "$WORKDIR"
cd "$WORKDIR"

fetch_checked() {  # file sha256
    local file=$1 want=$2
    if [ ! -f "$file" ] || [ "$(sha256sum "$file" | cut -d' ' -f1)" != "$want" ]; then
        rm -f "$file"
        curl -sSfL -o "$file.part" "$POOL/$file"
        mv "$file.part" "$file"
    fi
    local got
    got="$(sha256sum "$file" | cut -d' ' -f1)"
    if [ "$got" != "$want" ]; then
        echo "SHA-256 mismatch for $file: got $got, want $want" >&2
        exit 1
    fi
    echo "verified $file sha256 $got"
}

fetch_checked "$DSC" "$DSC_SHA256"
# The .dsc must list the same tarball hash as the one pinned here.
if ! grep -qE "^ $ORIG_SHA256 [0-9]+ $ORIG\$" "$DSC"; then
    echo "$DSC does not list $ORIG with SHA-256 $ORIG_SHA256" >&2
    exit 1
fi
fetch_checked "$ORIG" "$ORIG_SHA256"

SRC="$WORKDIR/Python-$VERSION"
rm -rf "$SRC"
tar -xJf "$ORIG"
[ -d "$SRC" ] || { echo "unexpected tarball layout (no Python-$VERSION/)" >&2; exit 1; }

cd "$SRC"
# Out-of-tree build dir keeps the source pristine.
mkdir -p build
cd build
../configure --disable-gil --prefix="$PREFIX" --with-ensurepip=install >configure.log 2>&1 \
    || { tail -40 configure.log >&2; exit 1; }
make -j"$JOBS" >make.log 2>&1 || { tail -60 make.log >&2; exit 1; }
# Optional modules left out or failed are reported at the end of make's output
# (_dbm is missing without libdb/ndbm headers; frame64 does not use it).
grep -A4 -E '^(The necessary bits|Following modules|Failed to build|Checked [0-9]+ modules)' make.log || true
make install >install.log 2>&1 || { tail -60 install.log >&2; exit 1; }

if ! is_done; then
    echo "$PY was installed but is not a free-threaded build running without the GIL" >&2
    exit 1
fi
echo "installed free-threaded CPython:"
PYTHON_GIL=0 "$PY" -VV
PYTHON_GIL=0 "$PY" -c 'import sys; print("sys._is_gil_enabled():", sys._is_gil_enabled())'
