#!/usr/bin/env bash
# Runs every atheris harness of fuzz/ for a short time (CI's smoke test), from a fixed seed.
#
#   scripts/fuzz-smoke.sh [SECONDS_PER_HARNESS]   # default 60
#
# Each harness runs under scripts/fuzz.sh (ASan + UBSan, native coverage
# with clang). The first failure stops the run with its exit code; the
# crashing input is in fuzz/artifacts/<harness>/ and becomes a regression
# test in tests/hardening/test_regressions.py.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_HARNESS="${1:-60}"
# A fixed libFuzzer seed (FUZZ_SEED to change it): CI's smoke is then the same
# run every time, so it fails on a change, not on luck. Open-ended hunting is
# scripts/fuzz.sh without a seed (docs/hardening.md has the long runs).
SEED="${FUZZ_SEED:-20261202}"
for script in fuzz/fuzz_*.py; do
    harness="$(basename "$script" .py)"
    harness="${harness#fuzz_}"
    echo "== fuzz-smoke: $harness for ${SECONDS_PER_HARNESS}s"
    log="build/fuzz-logs/smoke-$harness.log"
    mkdir -p build/fuzz-logs
    status=0
    scripts/fuzz.sh "$harness" "$SECONDS_PER_HARNESS" -seed="$SEED" > "$log" 2>&1 || status=$?
    grep -v '^INFO: Instrumenting' "$log" | tail -n 12
    if [ "$status" -ne 0 ]; then
        echo "fuzz-smoke: $harness failed (exit $status)" >&2
        exit "$status"
    fi
done
echo "fuzz-smoke: all harnesses ran clean"
