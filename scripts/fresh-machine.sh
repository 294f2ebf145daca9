#!/usr/bin/env bash
# shellcheck disable=SC2317  # unmount_all and cleanup run from the EXIT trap
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

log() { echo "== fresh-machine: $*"; }
die() { echo "fresh-machine: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount): sudo bash $0"
case "$ROOT" in /*) ;; *) ROOT="$PWD/$ROOT" ;; esac
[ "$ROOT" != / ] || die "--root must not be /"

# --- The two quick-start commands, from README.md ----------------------------
# The ```sh blocks of the "## Quick start" section, each one command.
mapfile -t COMMANDS < <(awk '
    /^## / { section = ($0 == "## Quick start") }
    section && /^```sh$/ { inblock = 1; cmd = ""; next }
    section && inblock && /^```$/ { inblock = 0; print cmd; next }
    section && inblock { cmd = (cmd == "" ? $0 : cmd "\n" $0) }
' "$REPO/README.md")
[ "${#COMMANDS[@]}" -eq 2 ] || die "expected 2 sh blocks in README.md's Quick start, found ${#COMMANDS[@]}"

# --- Mounts, undone on any exit -----------------------------------------------
MOUNTS=()
mount_into() {  # mount_into TARGET_INSIDE_ROOT mount-arguments...
    local target="$ROOT$1"; shift
    mount "$@" "$target" || return 1
    MOUNTS+=("$target")
}
unmount_all() {
    local i
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || echo "fresh-machine: could not unmount ${MOUNTS[i]}" >&2
    done
    MOUNTS=()
}
mounted_below() {  # prints the mount points under $1, if any
    awk -v root="$1/" 'index($2 "/", root) == 1 { print $2 }' /proc/mounts
}
cleanup() {
    local status=$?
    unmount_all
    if [ "$KEEP" -eq 0 ] && [ -d "$ROOT" ] && [ -n "$(mounted_below "$ROOT")" ]; then
        echo "fresh-machine: not removing $ROOT: still mounted: $(mounted_below "$ROOT" | tr '\n' ' ')" >&2
    elif [ "$KEEP" -eq 0 ] && [ -d "$ROOT" ]; then
        rm -rf --one-file-system "$ROOT"
    elif [ "$KEEP" -eq 1 ] && [ -d "$ROOT" ]; then
        echo "fresh-machine: kept the chroot: $ROOT (chroot $ROOT /bin/bash)"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The host's Debian mirror ------------------------------------------------
# The first enabled deb822 (*.sources) or one-line (*.list) entry for the
# suite, and for its -security suite; deb.debian.org when there is none.
mirror_for() {  # mirror_for SUITE
    local suite="$1" file
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk -v suite="$suite" '
            function flush() { if (deb && uri != "" && has) { print uri; found = 1; exit } deb = 0; uri = ""; has = 0 }
            /^[[:space:]]*$/ { flush(); next }
            /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            /^URIs:/ { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has = 1 }
            /^Enabled:[[:space:]]*no/ { deb = 0 }
            END { if (!found) flush() }
        ' "$file"
    done | head -n 1
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        awk -v suite="$suite" '$1 == "deb" { sub(/\[[^]]*\][[:space:]]*/, ""); if ($3 == suite) { print $2; exit } }' "$file"
    done | head -n 1
}
MIRROR="$(mirror_for "$SUITE" | head -n 1)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECURITY="$(mirror_for "$SUITE-security" | head -n 1)"
SECURITY="${SECURITY:-http://deb.debian.org/debian-security}"

# --- A fresh chroot ------------------------------------------------------------
if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap on the host"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
if [ -e "$ROOT" ]; then
    [ -z "$(mounted_below "$ROOT")" ] || die "something is still mounted under $ROOT: $(mounted_below "$ROOT" | tr '\n' ' ')"
    log "removing the previous chroot $ROOT"
    rm -rf --one-file-system "$ROOT"
fi
mkdir -p "$ROOT"
log "debootstrap $SUITE (minbase + python3) from $MIRROR into $ROOT"
SECONDS=0
debootstrap --variant=minbase --include=python3 "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
    || { tail -n 30 "$ROOT.debootstrap.log" >&2; die "debootstrap failed (log: $ROOT.debootstrap.log)"; }
log "debootstrap took ${SECONDS}s"

cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
# apt's Acquire settings of the host (a snapshot mirror needs Check-Valid-Until
# "false", a proxy its Proxy line); nothing else of the host's apt setup.
for file in /etc/apt/apt.conf.d/*; do
    if [ -f "$file" ] && grep -qE '^[[:space:]]*Acquire::(Check-Valid-Until|Check-Date|https?::Proxy)' "$file"; then
        cp "$file" "$ROOT/etc/apt/apt.conf.d/"
    fi
done
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"

# pip's way to the registry: the CA bundle and the configuration files, less
# entries that name folders of this host (see the top of this file).
# The bundle alone would not last: the quick start's apt-get install pulls in
# ca-certificates, which rebuilds it from Mozilla's list (and pip then fails
# with CERTIFICATE_VERIFY_FAILED). So the host's own authorities
# (/usr/local/share/ca-certificates) come in too, where update-ca-certificates
# adds them to the rebuilt bundle.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$ROOT/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$ROOT/usr/local/share/ca-certificates"
    cp -R /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
fi
copy_pip_config() {  # copy_pip_config HOST_FILE: into the chroot, host-only index entries dropped
    local src="$1" dst="$ROOT$1" line key value kept word
    [ -f "$src" ] || return 0
    mkdir -p "$(dirname "$dst")"
    : >"$dst"
    while IFS= read -r line || [ -n "$line" ]; do
        if [[ "$line" =~ ^[[:space:]]*(find-links|index-url|extra-index-url)[[:space:]]*=(.*)$ ]]; then
            key="${BASH_REMATCH[1]}"; value="${BASH_REMATCH[2]}"; kept=""
            for word in $value; do
                case "$word" in http://*|https://*) kept="$kept $word" ;; esac
            done
            if [ -n "$kept" ]; then
                echo "$key =$kept" >>"$dst"
            else
                echo "# (fresh-machine: left out $key =$value: a folder of the host)" >>"$dst"
            fi
        else
            printf '%s\n' "$line" >>"$dst"
        fi
    done <"$src"
}
copy_pip_config /etc/pip.conf
if [ -d /etc/xdg/pip ]; then
    mkdir -p "$ROOT/etc/xdg/pip"
    for file in /etc/xdg/pip/*; do
        case "$file" in
            *.conf) copy_pip_config "$file" ;;
            *) [ -f "$file" ] && cp "$file" "$ROOT/etc/xdg/pip/" ;;  # constraints files the configuration names
        esac
    done
fi
copy_pip_config /root/.config/pip/pip.conf

# --- A clean clone of the current commit -------------------------------------
COMMIT="$(git -C "$REPO" rev-parse HEAD)"
if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]; then
    echo "fresh-machine: note: uncommitted changes in $REPO are not part of this run (commit $COMMIT is)" >&2
fi
git clone --quiet --no-local --no-checkout "$REPO" "$ROOT/root/frame64"
git -C "$ROOT/root/frame64" checkout --quiet --detach "$COMMIT"
log "clone of $(git -C "$REPO" log -1 --format='%h %s' "$COMMIT")"

# --- Mounts: /proc, /dev basics, /dev/pts (the CLI tests open a pseudo-terminal)
mount_into /proc -t proc proc
for dev in null zero full random urandom tty ptmx; do
    [ -e "$ROOT/dev/$dev" ] || touch "$ROOT/dev/$dev"
done
for dev in null zero full random urandom tty; do
    mount_into "/dev/$dev" --bind "/dev/$dev"
done
# A devpts of the chroot's own, with /dev/ptmx its ptmx: the host's /dev/pts
# and /dev/ptmx bound in gave "out of pty devices" (os.openpty: ENOENT) here.
if mount_into /dev/pts -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts; then
    mount_into /dev/ptmx --bind "$ROOT/dev/pts/ptmx"
else
    mount_into /dev/pts --bind /dev/pts
    mount_into /dev/ptmx --bind /dev/ptmx
fi
mount_into /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs

# --- The quick start, verbatim -------------------------------------------------
in_chroot() {
    local prefix=()
    [ "$NICE" = 0 ] || prefix=(nice -n "$NICE")
    "${prefix[@]}" chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "cd /root/frame64 && $1"
}
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
