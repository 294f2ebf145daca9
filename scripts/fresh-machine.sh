#!/usr/bin/env bash
# Proves the README's quick start on a fresh Debian 12: makes a minimal
# bookworm with debootstrap (only python3 installed in it), copies in a clean
# clone of the current commit, and runs the two ```sh commands of the README's
# "Quick start" section verbatim inside the chroot, timing each. Exits non-zero
# when either fails.
#
#   bash scripts/fresh-machine.sh [--root DIR] [--keep]
#
#   --root DIR  where the chroot is made (default build/fresh-machine/root, or
#               $FRESH_MACHINE_ROOT); whatever is there is deleted first.
#   --keep      leave the chroot in place after the run, for a look inside
#               (it is still deleted and made anew by the next run).
#
# Needs root (debootstrap, chroot, mount). Takes one core-heavy build and the
# whole test suite: several minutes. Run as `nice` by default (2 shared cores):
# FRESH_MACHINE_NICE=0 to run at normal priority.
#
# What comes in from the host, and only that: the Debian mirror and apt's
# Acquire settings (how this host reaches its mirror), /etc/resolv.conf, the CA
# certificate bundle and pip's configuration (how this host reaches PyPI).
# Index entries of pip's configuration that point at folders on this host
# (find-links /opt/wheels, file:///opt/pypi/...) are left out, not bind-mounted:
# a fresh machine has no such folders, and wheels from them could hide a
# package that PyPI would not give. The commands run with an empty environment
# (HOME, PATH, LANG, TERM only), so the host's PIP_* variables stay out too.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="${FRESH_MACHINE_ROOT:-$REPO/build/fresh-machine/root}"
KEEP=0
NICE="${FRESH_MACHINE_NICE:-10}"
SUITE=bookworm

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="$2"; shift 2 ;;
        --root=*) ROOT="${1#--root=}"; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n "3,18p" "$0"; exit 0 ;;
        *) echo "fresh-machine: unknown argument: $1" >&2; exit 2 ;;
    esac
done

CHROOT_TAG=fresh-machine
# shellcheck source=scripts/lib/chroot.sh
source "$REPO/scripts/lib/chroot.sh"

# --- The two quick-start commands, from README.md ----------------------------
# The ```sh blocks of the "## Quick start" section, each one command.
mapfile -t COMMANDS < <(awk '
    /^## / { section = ($0 == "## Quick start") }
    section && /^```sh$/ { inblock = 1; cmd = ""; next }
    section && inblock && /^```$/ { inblock = 0; print cmd; next }
    section && inblock { cmd = (cmd == "" ? $0 : cmd "\n" $0) }
' "$REPO/README.md")
[ "${#COMMANDS[@]}" -eq 2 ] || die "expected 2 sh blocks in README.md's Quick start, found ${#COMMANDS[@]}"

chroot_make "$SUITE" python3
chroot_registries
chroot_clone "$REPO"
chroot_mount

# --- The quick start, verbatim -------------------------------------------------
DURATIONS=()
status=0
TIMEFORMAT='   (time: %1R s real, %1U s user, %1S s sys)'
for i in 0 1; do
    log "command $((i + 1)) of 2 (README.md, Quick start), inside the chroot:"
    echo "   ${COMMANDS[i]}"
    start=$(date +%s.%N)
    if time in_chroot "${COMMANDS[i]}"; then result=ok; else result="FAILED (exit $?)"; fi
    DURATIONS+=("$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s, $result")
    if [ "$result" != ok ]; then status=1; break; fi
done

log "summary (chroot $ROOT, commit ${COMMIT:0:12})"
for i in "${!DURATIONS[@]}"; do
    echo "   command $((i + 1)): ${DURATIONS[i]}: ${COMMANDS[i]}"
done
if [ "$status" -eq 0 ]; then
    log "quick start OK on a fresh Debian 12"
else
    log "quick start FAILED on a fresh Debian 12"
fi
exit "$status"
