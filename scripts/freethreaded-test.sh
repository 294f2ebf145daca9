#!/usr/bin/env bash
# frame64's test suite on a free-threaded CPython (PEP 703) with the GIL off.
#
#   1. scripts/build-freethreaded-python.sh builds (or finds) CPython 3.13t in
#      /opt/py313t (upstream source from Debian's archive, SHA-256 pinned);
#   2. a fresh venv there gets the test peers that PyPI has for cp313t, and
#      frame64 built from this checkout (the extension declares
#      Py_MOD_GIL_NOT_USED, so importing it keeps the GIL off);
#   3. the suite (-m "not slow", benchmarks once) runs with PYTHON_GIL=0 and
#      FRAME64_STRESS_SECONDS (default 30) for the 8-thread stress tests;
#   4. the verdict: every failure and collection error must be a missing peer
#      that has no cp313t wheel on PyPI (opencv-python-headless, simplejpeg,
#      imagecodecs, and scikit-image's cv2-free corpora need none of them);
#      anything else fails this script, and so does a GIL that came back on.
#
# Peers come as wheels where any release has one (--prefer-binary: numpy's
# newest release may be an sdist only, a 10-minute build); hypothesis and mypy
# only as wheels (--only-binary): their newest sdists need a Rust toolchain and
# crates.io, which these machines cannot reach.
# Usage: scripts/freethreaded-test.sh [pytest args...]   (as root for step 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PREFIX="${PREFIX:-/opt/py313t}"
PY="$PREFIX/bin/python3.13t"
VENV="${FT_VENV:-$ROOT/build/freethreaded/venv}"
LOG_DIR="$ROOT/build/freethreaded"
say() { echo "== freethreaded-test: $*"; }

PREFIX="$PREFIX" bash scripts/build-freethreaded-python.sh
mkdir -p "$LOG_DIR"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
PIP=("$VENV/bin/pip" install -q --disable-pip-version-check --prefer-binary)
"${PIP[@]}" "scikit-build-core>=0.10" "pybind11>=2.13" numpy "pytest>=8.2" "pytest-benchmark>=4" \
    "PyTurboJPEG>=1.8,<2" pillow pybase64 tqdm build matplotlib "av>=12" scikit-image
"${PIP[@]}" --only-binary :all: "hypothesis>=6" "mypy>=1.8"
say "frame64 from $ROOT"
"${PIP[@]}" --no-build-isolation -Cbuild-dir="$LOG_DIR/build" .

export PYTHON_GIL=0 FRAME64_BACKEND=cpp FRAME64_STRESS_SECONDS="${FRAME64_STRESS_SECONDS:-30}"
cd "$LOG_DIR"  # the installed package, not the checkout's src/
# Without PYTHON_GIL=0: the extension itself must keep the GIL off.
env -u PYTHON_GIL "$VENV/bin/python" -W error::RuntimeWarning - <<'EOF'
import sys
import frame64
assert not sys._is_gil_enabled(), "importing frame64 turned the GIL on"
print(f"== freethreaded-test: {sys.version.split()[0]} free-threaded, GIL off; frame64 {frame64.backend}, "
      f"simd {frame64._core.simd()}, binascii rules {frame64._core.binascii_rules()}")
EOF
cd "$ROOT"
status=0
"$VENV/bin/python" -X gil=0 -m pytest --benchmark-disable -q -m "not slow" -p no:cacheprovider \
    --continue-on-collection-errors --junitxml="$LOG_DIR/junit.xml" "$@" >"$LOG_DIR/pytest.log" 2>&1 || status=$?
tail -n 1 "$LOG_DIR/pytest.log"

"$VENV/bin/python" scripts/freethreaded_verdict.py "$LOG_DIR/junit.xml" "$status"
