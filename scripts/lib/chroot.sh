# shellcheck shell=bash disable=SC2317  # chroot_cleanup runs from the EXIT trap
# Shared by scripts/fresh-machine.sh and scripts/bare-wheel-test.sh: a minimal
# Debian chroot made with debootstrap from the host's Debian mirror, with only
# what the host needs to reach its registries copied in (apt's Acquire
# settings, resolv.conf, the CA bundle and pip's configuration less entries
# that name folders of this host), /proc, /dev basics, a devpts of its own
# and /dev/shm mounted, all unmounted (and the chroot removed unless KEEP=1)
# on exit.
#
# The sourcing script sets ROOT (absolute), KEEP (0/1), NICE (0: none) and
# CHROOT_TAG (its name, for messages), then calls, in order:
#   chroot_make SUITE PACKAGES   (debootstrap --variant=minbase --include=PACKAGES)
#   chroot_registries            (apt sources and settings, DNS, CA bundle, pip config)
#   chroot_mount                 (/proc, /dev, /dev/pts, /dev/shm)
#   in_chroot 'COMMANDS'         (bash -c in /root/frame64, empty environment)

log() { echo "== $CHROOT_TAG: $*"; }
die() { echo "$CHROOT_TAG: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount): sudo bash $0"
case "$ROOT" in /*) ;; *) ROOT="$PWD/$ROOT" ;; esac
[ "$ROOT" != / ] || die "the chroot's root must not be /"

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
        umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || echo "$CHROOT_TAG: could not unmount ${MOUNTS[i]}" >&2
    done
    MOUNTS=()
}
mounted_below() {  # prints the mount points under $1, if any
    awk -v root="$1/" 'index($2 "/", root) == 1 { print $2 }' /proc/mounts
}
chroot_cleanup() {
    local status=$?
    unmount_all
    if [ "$KEEP" -eq 0 ] && [ -d "$ROOT" ] && [ -n "$(mounted_below "$ROOT")" ]; then
        echo "$CHROOT_TAG: not removing $ROOT: still mounted: $(mounted_below "$ROOT" | tr '\n' ' ')" >&2
    elif [ "$KEEP" -eq 0 ] && [ -d "$ROOT" ]; then
        rm -rf --one-file-system "$ROOT"
    elif [ "$KEEP" -eq 1 ] && [ -d "$ROOT" ]; then
        echo "$CHROOT_TAG: kept the chroot: $ROOT (chroot $ROOT /bin/bash)"
    fi
    exit "$status"
}
trap chroot_cleanup EXIT
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

# --- A fresh chroot ------------------------------------------------------------
chroot_make() {  # chroot_make SUITE PACKAGES (comma-separated)
    SUITE="$1"
    MIRROR="$(mirror_for "$SUITE" | head -n 1)"
    MIRROR="${MIRROR:-http://deb.debian.org/debian}"
    SECURITY="$(mirror_for "$SUITE-security" | head -n 1)"
    SECURITY="${SECURITY:-http://deb.debian.org/debian-security}"
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
    log "debootstrap $SUITE (minbase + $2) from $MIRROR into $ROOT"
    SECONDS=0
    debootstrap --variant=minbase --include="$2" "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
        || { tail -n 30 "$ROOT.debootstrap.log" >&2; die "debootstrap failed (log: $ROOT.debootstrap.log)"; }
    log "debootstrap took ${SECONDS}s"
}

# --- The ways to Debian's archive and to PyPI ------------------------------------
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
                echo "# ($CHROOT_TAG: left out $key =$value: a folder of the host)" >>"$dst"
            fi
        else
            printf '%s\n' "$line" >>"$dst"
        fi
    done <"$src"
}
chroot_registries() {
    local file
    cat >"$ROOT/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
SOURCES
    # apt's Acquire settings of the host (a snapshot mirror needs Check-Valid-Until
    # "false", a proxy its Proxy line); nothing else of the host's apt setup.
    for file in /etc/apt/apt.conf.d/*; do
        if [ -f "$file" ] && grep -qE '^[[:space:]]*Acquire::(Check-Valid-Until|Check-Date|https?::Proxy)' "$file"; then
            cp "$file" "$ROOT/etc/apt/apt.conf.d/"
        fi
    done
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
    # pip's way to the registry: the CA bundle and the configuration files, less
    # entries that name folders of this host. The bundle alone would not last
    # where ca-certificates gets installed in the chroot (it rebuilds the bundle
    # from Mozilla's list, and pip then fails with CERTIFICATE_VERIFY_FAILED),
    # so the host's own authorities (/usr/local/share/ca-certificates) come in
    # too, where update-ca-certificates adds them to the rebuilt bundle.
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        mkdir -p "$ROOT/etc/ssl/certs"
        cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
    fi
    if [ -d /usr/local/share/ca-certificates ]; then
        mkdir -p "$ROOT/usr/local/share/ca-certificates"
        cp -R /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
    fi
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
}

# --- Mounts: /proc, /dev basics, /dev/pts (the CLI tests open a pseudo-terminal)
chroot_mount() {
    local dev
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
}

# --- A clean clone of the current commit into /root/frame64 ------------------------
chroot_clone() {  # chroot_clone REPO
    local repo="$1"
    COMMIT="$(git -C "$repo" rev-parse HEAD)"
    if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
        echo "$CHROOT_TAG: note: uncommitted changes in $repo are not part of this run (commit $COMMIT is)" >&2
    fi
    git clone --quiet --no-local --no-checkout "$repo" "$ROOT/root/frame64"
    git -C "$ROOT/root/frame64" checkout --quiet --detach "$COMMIT"
    log "clone of $(git -C "$repo" log -1 --format='%h %s' "$COMMIT")"
}

in_chroot() {  # in_chroot 'COMMANDS': run in /root/frame64 with an empty environment (plus EXTRA_ENV=(...))
    local prefix=()
    [ "$NICE" = 0 ] || prefix=(nice -n "$NICE")
    "${prefix[@]}" chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${EXTRA_ENV[@]}" \
        /bin/bash -c "cd /root/frame64 && $1"
}
EXTRA_ENV=()
