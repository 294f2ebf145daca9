#!/usr/bin/env bash
# Installs the system libraries frame64's C++ core builds against, if missing.
# Debian/Ubuntu via apt-get (as root, or with sudo); elsewhere prints what to install.
set -euo pipefail

PKGCONFIG_MODULES=(libturbojpeg libjpeg libdeflate spng)
APT_PACKAGES=(g++ pkg-config libturbojpeg0-dev libjpeg62-turbo-dev libdeflate-dev libspng-dev)

have_all() {
    command -v pkg-config >/dev/null 2>&1 || return 1
    command -v g++ >/dev/null 2>&1 || command -v c++ >/dev/null 2>&1 || return 1
    pkg-config --exists "${PKGCONFIG_MODULES[@]}"
}

if have_all; then
    echo "frame64: system libraries present (libturbojpeg $(pkg-config --modversion libturbojpeg))"
    exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}"
    have_all && exit 0
fi

cat >&2 <<'MSG'
frame64: could not install the system libraries automatically. Install them, then retry:
  Fedora:   sudo dnf install gcc-c++ pkgconf-pkg-config turbojpeg-devel libjpeg-turbo-devel libdeflate-devel libspng-devel
  macOS:    brew install pkg-config jpeg-turbo libdeflate libspng
  conda:    conda install -c conda-forge cxx-compiler pkg-config libjpeg-turbo libdeflate libspng
MSG
exit 1
