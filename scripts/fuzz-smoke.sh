#!/usr/bin/env bash
# Runs every atheris harness of fuzz/ for a fixed number of inputs (CI's smoke
# test), from a fixed seed.
#
#   scripts/fuzz-smoke.sh [MAX_SECONDS_PER_HARNESS]   # default 300
#
# Each harness runs a set number of inputs (about a minute each on CI's
# machine; FUZZ_RUNS=N for all of them), so that the smoke is one run, the
# same on any machine; the time is only a cap.
#
# Each harness runs under scripts/fuzz.sh (ASan + UBSan, native coverage
# with clang). The first failure stops the run with its exit code; the
# crashing input is in fuzz/artifacts/<harness>/ and becomes a regression
# test in tests/hardening/test_regressions.py.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_HARNESS="${1:-300}"
# A fixed libFuzzer seed (FUZZ_SEED to change it): CI's smoke is then the same
# run every time, so it fails on a change, not on luck. Open-ended hunting is
# scripts/fuzz.sh without a seed (docs/hardening.md has the long runs).
SEED="${FUZZ_SEED:-20261202}"
export PYTHONHASHSEED=0  # str hashes (set order) steer coverage too
for script in fuzz/fuzz_*.py; do
    harness="$(basename "$script" .py)"
    harness="${harness#fuzz_}"
    case "$harness" in
        b64decode) runs=150000 ;;
        decode) runs=40000 ;;
        *) runs=60000 ;;
    esac
    runs="${FUZZ_RUNS:-$runs}"
    echo "== fuzz-smoke: $harness, $runs inputs (at most ${SECONDS_PER_HARNESS}s)"
    log="build/fuzz-logs/smoke-$harness.log"
    mkdir -p build/fuzz-logs
    status=0
    scripts/fuzz.sh "$harness" "$SECONDS_PER_HARNESS" -seed="$SEED" -runs="$runs" > "$log" 2>&1 || status=$?
    grep -v '^INFO: Instrumenting' "$log" | tail -n 12
    if [ "$status" -ne 0 ]; then
        echo "fuzz-smoke: $harness failed (exit $status)" >&2
        exit "$status"
    fi
done
echo "fuzz-smoke: all harnesses ran clean"
