#!/usr/bin/env bash
# Builds frame64 against libjpeg-turbo 3.x and checks that its JPEG bytes equal
# those of the build against the system's libjpeg-turbo 2.1 over an option
# matrix, and that the fallback (PyTurboJPEG 2.x, which needs 3.x) agrees.
#
# libjpeg-turbo 3.x is not packaged in Debian 12, so its source is taken from
# the simplejpeg sdist on PyPI (which vendors libjpeg-turbo 3.1.2).
#
# Given a wheel too (scripts/build-wheel.sh: libjpeg-turbo 3.1.2 linked
# statically), the same matrix is hashed with that wheel installed in a venv of
# its own and compared with the system build's; there the fallback's bytes
# (PyTurboJPEG 1.8 on the system's libturbojpeg 2.1) must equal the wheel's.
#
#   bash scripts/check-libjpeg-turbo3.sh PYTHON_WITH_FRAME64_SYSTEM_BUILD [WHEEL]
set -euo pipefail
cd "$(dirname "$0")/.."
SYSTEM_PYTHON=${1:?usage: $0 PYTHON_WITH_FRAME64_BUILT_AGAINST_THE_SYSTEM_LIBRARY [WHEEL]}
WHEEL=${2:-}
WORK=${FRAME64_LJT3_WORK:-build/ljt3-check}
PREFIX="$PWD/$WORK/prefix"
mkdir -p "$WORK"

if [ ! -f "$PREFIX/lib/pkgconfig/libturbojpeg.pc" ]; then
    command -v nasm >/dev/null || { echo "installing nasm"; apt-get install -y -qq nasm >/dev/null || true; }
    python3 - "$WORK" <<'PY'
import hashlib, json, sys, tarfile, urllib.request
work = sys.argv[1]
meta = json.load(urllib.request.urlopen("https://pypi.org/pypi/simplejpeg/json"))
sdist = next(u for u in meta["releases"]["1.9.0"] if u["packagetype"] == "sdist")
data = urllib.request.urlopen(sdist["url"]).read()
assert hashlib.sha256(data).hexdigest() == sdist["digests"]["sha256"], "sdist checksum mismatch"
path = f"{work}/simplejpeg.tar.gz"
open(path, "wb").write(data)
with tarfile.open(path) as tar:
    members = [m for m in tar.getmembers() if "/lib/libjpeg-turbo-" in m.name]
    tar.extractall(work, members=members)
PY
    SRC=$(ls -d "$WORK"/simplejpeg-*/lib/libjpeg-turbo-3*)
    cmake -S "$SRC" -B "$WORK/ljt-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib -DENABLE_STATIC=OFF >/dev/null
    cmake --build "$WORK/ljt-build" >/dev/null
    cmake --install "$WORK/ljt-build" >/dev/null
fi
echo "libjpeg-turbo 3.x: $(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --modversion libturbojpeg) in $PREFIX"

rm -rf "$WORK/venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q numpy 'PyTurboJPEG>=2,<3'
PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" "$WORK/venv/bin/pip" install -q -Cbuild-dir="$WORK/frame64-build" .

"$SYSTEM_PYTHON" scripts/jpeg_matrix_hashes.py "$WORK/hashes-system.json"
LD_LIBRARY_PATH="$PREFIX/lib" "$WORK/venv/bin/python" - <<'PY'
import ctypes, turbojpeg
lib = ctypes.CDLL("libturbojpeg.so.0")
assert hasattr(lib, "tj3Init"), "not running against libjpeg-turbo 3.x"
print("running against libjpeg-turbo 3.x; PyTurboJPEG", turbojpeg.__version__)
PY
(cd "$WORK" && LD_LIBRARY_PATH="$PREFIX/lib" venv/bin/python "$OLDPWD/scripts/jpeg_matrix_hashes.py" hashes-3x.json)
compare() {  # compare OLD.json NEW.json LABEL: the same hash for every option set
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
old = json.load(open(sys.argv[1]))
new = json.load(open(sys.argv[2]))
differ = sorted(k for k in old if old[k] != new.get(k))
print(f"{len(old)} option sets; bytes differ between libjpeg-turbo 2.1 and {sys.argv[3]} in {len(differ)}")
if differ or old.keys() != new.keys():
    print("\n".join(differ[:50]))
    sys.exit(1)
PY
}
compare "$WORK/hashes-system.json" "$WORK/hashes-3x.json" "3.x"

if [ -n "$WHEEL" ]; then
    rm -rf "$WORK/venv-wheel"
    python3 -m venv "$WORK/venv-wheel"
    "$WORK/venv-wheel/bin/pip" install -q 'PyTurboJPEG>=1.8,<2' "$WHEEL"
    (cd "$WORK" && FRAME64_BACKEND=cpp venv-wheel/bin/python -c \
        'import frame64, frame64._core as c; assert frame64.backend == "cpp"; assert c.turbojpeg_version.startswith("3."), c.turbojpeg_version; print("wheel: libturbojpeg", c.turbojpeg_version, frame64.__file__)')
    (cd "$WORK" && venv-wheel/bin/python "$OLDPWD/scripts/jpeg_matrix_hashes.py" hashes-wheel.json)
    compare "$WORK/hashes-system.json" "$WORK/hashes-wheel.json" "the wheel's 3.x ($(basename "$WHEEL"))"
fi
