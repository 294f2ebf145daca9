#!/usr/bin/env bash
# Valgrind memcheck over the base64 and decode tests (or any pytest arguments).
#
#   scripts/valgrind.sh                    # tests/*/test_*base64*.py, tests/*/test_*b64*.py, tests/*/test_decode*.py
#   scripts/valgrind.sh tests/api/test_x.py -k y
#
# Uses the current environment's frame64 (build it first, e.g. the dev
# install). PYTHONMALLOC=malloc routes every Python allocation through
# malloc so memcheck sees each object's real bounds. Leak checking is off:
# CPython keeps objects alive at exit by design (test_leaks.py measures
# frame64's own leaks). scripts/valgrind-python.supp holds the few
# suppressions CPython's own code needs. Any memcheck error fails the run
# (exit 99). It is slow (20-50x): long-running tests (leak loops, stress
# runs, hypothesis-heavy ones) are deselected by the markers below.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

if [ "$#" -eq 0 ]; then
    shopt -s nullglob
    set -- tests/*/test_*base64*.py tests/*/test_*b64*.py tests/*/test_decode*.py
    shopt -u nullglob
    [ "$#" -gt 0 ] || { echo "valgrind.sh: no base64/decode test files found" >&2; exit 2; }
fi

export PYTHONMALLOC=malloc
export FRAME64_BACKEND=cpp
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-default}"
# VALGRIND_ARGS adds memcheck options (e.g. --track-origins=yes).
# Deselected: a test that runs the interpreter again in a subprocess, which
# memcheck does not follow and which therefore sees the real CPU (AVX-512)
# while memcheck hides it from the parent.
# shellcheck disable=SC2086
exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=no --track-origins=no \
    --suppressions=scripts/valgrind-python.supp --num-callers=30 ${VALGRIND_ARGS:-} \
    "$PYTHON" -m pytest -p no:cacheprovider -q --benchmark-disable -m "not leak and not stress" \
    --deselect "tests/parity/test_base64_kernels.py::test_frame64_simd_environment_variable_rejects_what_cannot_run" "$@"
