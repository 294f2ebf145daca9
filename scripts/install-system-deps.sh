#!/usr/bin/env bash
# Installs what the README's quick start needs on a fresh machine, if missing:
# the system libraries frame64's C++ core builds against, a C++ compiler,
# pkg-config, and for the running python3 its venv module (ensurepip) and its
# headers (Python.h). Debian/Ubuntu via apt-get (as root, or with sudo);
# elsewhere prints what to install. Checks first: installs nothing that is
# already there (a python3 with venv and headers built in, such as pyenv's,
# needs no Debian python3 packages).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
PKGCONFIG_MODULES=(libturbojpeg libjpeg libdeflate spng)
APT_PACKAGES=(g++ pkg-config libturbojpeg0-dev libjpeg62-turbo-dev libdeflate-dev libspng-dev)

have_libs() {
    command -v pkg-config >/dev/null 2>&1 || return 1
    command -v g++ >/dev/null 2>&1 || command -v c++ >/dev/null 2>&1 || return 1
    pkg-config --exists "${PKGCONFIG_MODULES[@]}"
}

# `python3 -m venv` works only with ensurepip (Debian splits it into python3-venv:
# without it venv stops with "ensurepip is not available").
have_venv() {
    "$PYTHON" -c 'import venv, ensurepip; ensurepip.version()' >/dev/null 2>&1
}

# The headers the extension is compiled against (Debian: python3-dev).
have_headers() {
    local include
    include="$("$PYTHON" -c "import sysconfig; print(sysconfig.get_paths()['include'])" 2>/dev/null)" || return 1
    [ -f "$include/Python.h" ]
}

have_python() {
    command -v "$PYTHON" >/dev/null 2>&1 && have_venv && have_headers
}

missing_report() {
    local what=()
    have_libs || what+=("C++ compiler, pkg-config or libraries (${PKGCONFIG_MODULES[*]})")
    if command -v "$PYTHON" >/dev/null 2>&1; then
        have_venv || what+=("$PYTHON's venv/ensurepip")
        have_headers || what+=("$PYTHON's headers (Python.h)")
    else
        what+=("$PYTHON itself")
    fi
    local out="" item
    for item in "${what[@]}"; do out="${out:+$out; }$item"; done
    echo "$out"
}

# Which apt packages give the running python3 venv and headers. Debian's own
# /usr/bin/python3: python3-venv python3-dev. Another interpreter installed
# by apt (python3.X from a PPA, say): the versioned python3.X-venv python3.X-dev.
# An interpreter that apt did not install (pyenv, /usr/local, conda): none,
# Debian's packages would not change it.
python_apt_packages() {
    local exe version
    command -v "$PYTHON" >/dev/null 2>&1 || { echo "python3 python3-venv python3-dev"; return; }
    exe="$(readlink -f "$(command -v "$PYTHON")")"
    version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    command -v dpkg-query >/dev/null 2>&1 && dpkg-query -S "$exe" >/dev/null 2>&1 || return 0
    if [ "$(readlink -f /usr/bin/python3 2>/dev/null)" = "$exe" ]; then
        echo "python3-venv python3-dev"
    else
        echo "python$version-venv python$version-dev"
    fi
}

if have_libs && have_python; then
    echo "frame64: system libraries present (libturbojpeg $(pkg-config --modversion libturbojpeg));" \
         "$PYTHON $("$PYTHON" -c 'import platform; print(platform.python_version())') has venv and headers"
    exit 0
fi
echo "frame64: missing: $(missing_report)"

if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    packages=()
    have_libs || packages+=("${APT_PACKAGES[@]}")
    if ! have_python; then
        read -r -a python_packages <<<"$(python_apt_packages)"
        if [ "${#python_packages[@]}" -eq 0 ]; then
            echo "frame64: $(command -v "$PYTHON") was not installed by apt, so apt cannot add its venv" \
                 "module or headers: rebuild it with them (pyenv: install the build dependencies," \
                 "libffi-dev etc., then 'pyenv install' again), or use Debian's python3" \
                 "(apt-get install python3-venv python3-dev, then /usr/bin/python3 -m venv .venv)." >&2
        fi
        packages+=("${python_packages[@]}")
    fi
    if [ "${#packages[@]}" -gt 0 ]; then
        echo "frame64: apt-get install ${packages[*]}"
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
    fi
    if have_libs && have_python; then
        echo "frame64: everything present (libturbojpeg $(pkg-config --modversion libturbojpeg))"
        exit 0
    fi
    echo "frame64: still missing after apt-get: $(missing_report)" >&2
fi

cat >&2 <<'MSG'
frame64: could not install everything automatically. Install it, then retry:
  Debian/Ubuntu: sudo apt-get install g++ pkg-config libturbojpeg0-dev libjpeg62-turbo-dev libdeflate-dev libspng-dev python3-venv python3-dev
                 (python3.X-venv python3.X-dev for another python3.X installed by apt)
  Fedora:        sudo dnf install gcc-c++ pkgconf-pkg-config turbojpeg-devel libjpeg-turbo-devel libdeflate-devel libspng-devel python3-devel
  macOS:         brew install pkg-config jpeg-turbo libdeflate libspng
                 (Homebrew's and python.org's Python come with headers and venv)
  conda:         conda install -c conda-forge cxx-compiler pkg-config libjpeg-turbo libdeflate libspng
                 (conda's python comes with headers and venv)
MSG
exit 1
