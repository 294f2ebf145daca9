#!/usr/bin/env bash
# Proves the self-contained wheel (scripts/build-wheel.sh) on a bare Debian 12:
# a minimal bookworm made with debootstrap holding only python3 and
# python3-venv (no compiler, no -dev package, no libturbojpeg: checked), the
# wheel installed into a fresh venv there, then the test extra's peers by name
# from PyPI (installing '.[test]' would build frame64 from source), and the
# repository's test suite (a clean clone of the current commit) run against
# the installed wheel with FRAME64_BACKEND=cpp and -m "not slow".
#
#   bash scripts/bare-wheel-test.sh [WHEEL] [--smoke] [--root DIR] [--keep]
#
#   WHEEL       default: the newest dist/frame64-*manylinux*.whl
#   --smoke     only the import checks and tests/parity (a few minutes less)
#   --import-only  only the bare-system checks and the import checks (no peers,
#               no tests): what .ci/run runs (see docs/wheels.md for why)
#   --root DIR  where the chroot is made (default build/bare-wheel/root, or
#               $BARE_WHEEL_ROOT); whatever is there is deleted first.
#   --keep      leave the chroot in place after the run.
#
# Needs root (debootstrap, chroot, mount). Runs as `nice` (BARE_WHEEL_NICE=0
# for normal priority). Shares its chroot setup with scripts/fresh-machine.sh
# (scripts/lib/chroot.sh: what comes in from the host is said there).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="${BARE_WHEEL_ROOT:-$REPO/build/bare-wheel/root}"
KEEP=0
SMOKE=0
NICE="${BARE_WHEEL_NICE:-10}"
WHEEL=""
while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="$2"; shift 2 ;;
        --root=*) ROOT="${1#--root=}"; shift ;;
        --keep) KEEP=1; shift ;;
        --smoke) SMOKE=1; shift ;;
        --import-only) SMOKE=2; shift ;;
        -h|--help) sed -n "2,23p" "$0"; exit 0 ;;
        -*) echo "bare-wheel-test: unknown argument: $1" >&2; exit 2 ;;
        *) WHEEL="$1"; shift ;;
    esac
done
[ -n "$WHEEL" ] || WHEEL="$(ls -t "$REPO"/dist/frame64-*manylinux*.whl 2>/dev/null | head -n 1 || true)"
[ -f "$WHEEL" ] || { echo "bare-wheel-test: no wheel (build one: bash scripts/build-wheel.sh)" >&2; exit 1; }
WHEEL="$(cd "$(dirname "$WHEEL")" && pwd)/$(basename "$WHEEL")"

CHROOT_TAG=bare-wheel-test
# shellcheck source=scripts/lib/chroot.sh
source "$REPO/scripts/lib/chroot.sh"

START=$(date +%s)
chroot_make bookworm python3,python3-venv
chroot_registries
chroot_clone "$REPO"
chroot_mount
mkdir -p "$ROOT/root/wheel"
cp "$WHEEL" "$ROOT/root/wheel/"
log "wheel $(basename "$WHEEL") ($(du -k "$WHEEL" | cut -f1) KiB)"

# The test extra's requirements, by name, from pyproject.toml.
mapfile -t TEST_REQS < <(python3 - "$REPO/pyproject.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"^test = \[(.*?)^\]", text, re.S | re.M).group(1)
for req in re.findall(r'"([^"]+)"', block):
    print(req)
PY
)
[ "${#TEST_REQS[@]}" -gt 5 ] || die "could not read the test extra of pyproject.toml"

# What the bare system must not have.
in_chroot '
    for tool in cc gcc g++ c++ clang cmake; do
        if command -v $tool >/dev/null; then echo "not bare: $tool is installed" >&2; exit 1; fi
    done
    if ls /usr/lib/*/libturbojpeg* /usr/lib/*/libspng* /usr/lib/*/libdeflate* 2>/dev/null; then
        echo "not bare: a library the wheel bundles is installed" >&2; exit 1
    fi
    if ls /usr/include/*.h >/dev/null 2>&1 || dpkg -l "*-dev" 2>/dev/null | grep -q "^ii"; then
        echo "not bare: -dev packages: $(dpkg -l "*-dev" | awk "/^ii/ {print \$2}" | tr "\n" " ")" >&2; exit 1
    fi
    echo "bare: no compiler, no -dev package, no libturbojpeg/libspng/libdeflate"'

log "venv and the wheel (nothing else yet)"
SECONDS=0
in_chroot "python3 -m venv /root/venv && /root/venv/bin/pip install -q -U pip \
    && /root/venv/bin/pip install -q --only-binary frame64 /root/wheel/*.whl"

EXTRA_ENV=(FRAME64_BACKEND=cpp)
# On the bare system still: only the wheel and numpy installed.
in_chroot '/root/venv/bin/python - <<PY
import frame64
flags = open("/proc/cpuinfo").read().split("\nflags")[1].split("\n")[0].split()
expected = "avx512vbmi" if {"avx512vbmi", "avx512bw"} <= set(flags) else "avx2" if "avx2" in flags else "scalar"
print("frame64", frame64.__version__, "from", frame64.__file__)
print("backend", frame64.backend, "simd", frame64.simd, "(this CPU: %s)" % expected)
assert frame64.backend == "cpp", frame64.backend
assert "/root/venv/" in frame64.__file__, frame64.__file__
assert frame64.simd == expected, (frame64.simd, expected)
PY'

if [ "$SMOKE" -eq 2 ]; then
    log "import checks passed on the bare system; whole run $(( $(date +%s) - START ))s"
    exit 0
fi

# The tests' peers: PyTurboJPEG (the fallback, and the oracle of the
# differential tests) loads libturbojpeg.so.0, which no wheel on PyPI ships, so
# Debian's runtime package libturbojpeg0 comes in now, after the checks above
# have run without it (the -dev packages and a compiler never do).
log "libturbojpeg0 from Debian, for PyTurboJPEG (the tests' oracle): after the bare checks"
in_chroot "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libturbojpeg0 >/dev/null"
quoted=""
for req in "${TEST_REQS[@]}"; do quoted="$quoted '$req'"; done
log "the test peers from PyPI:$quoted"
in_chroot "/root/venv/bin/pip install -q $quoted"
log "installs took ${SECONDS}s"

if [ "$SMOKE" -eq 1 ]; then TESTS=tests/parity; else TESTS=tests; fi
log "pytest $TESTS -m 'not slow' against the installed wheel"
SECONDS=0
set +e
in_chroot "/root/venv/bin/python -m pytest $TESTS -m 'not slow' --benchmark-disable -q -p no:cacheprovider" \
    | tee "$ROOT.pytest.log" | grep -vE '^[.sxFE]+ *(\[ *[0-9]+%\])?$'
status=${PIPESTATUS[0]}
set -e
SUMMARY="$(grep -E '^=+ .*(passed|failed|error).* =+$|^[0-9]+ (passed|failed)' "$ROOT.pytest.log" | tail -n 1)"
log "tests took ${SECONDS}s; whole run $(( $(date +%s) - START ))s"
log "summary: $SUMMARY"
exit "$status"
