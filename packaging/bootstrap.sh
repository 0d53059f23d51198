#!/usr/bin/env bash
# Developer set-up for Debian/Ubuntu: installs what is missing, and nothing else.
#   - system packages (ffmpeg, libVLC with its base plugins, the Qt xcb libraries, Xvfb for tests)
#   - a virtual environment in .venv with the project installed (editable) and its test tools
# A second run finds everything in place and returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.soundon-installed"

SYSTEM_PACKAGES=(
  ffmpeg
  libvlc5 vlc-plugin-base libvlc-bin
  vlc-plugin-video-output   # libVLC's X11/OpenGL video outputs: without it nothing can be drawn into the app's window
  # Qt 6's xcb platform plugin and what PySide6 wheels load at start
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  # the audio device: PortAudio (sounddevice) reaches PulseAudio through ALSA's pulse plugin
  libportaudio2 libasound2-plugins
  # a virtual display and keyboard driving for the UI and end-to-end tests; a real sound server
  # (its null sink's monitor is what the audio tests record)
  xvfb xauth xdotool pulseaudio pulseaudio-utils
  python3-venv
  # the package's one compiled part, the biquad loop (desktop/soundon/media/dsp/_loops.c), built by
  # the install; python3-dev (Python's headers) only when the interpreter has none of its own
  gcc libc6-dev python3-dev
  binutils   # strip, nm and readelf, for `make package`
  icu-devtools   # icupkg: `make package` trims the bundle's ICU data (packaging/icu_trim.py)
)

# The packages of a list that are not installed, one per line (none when this is not Debian).
not_installed() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || echo "$pkg"
  done
}

# install WHAT PACKAGE...: apt-get install, as root or through sudo, saying what for.
install_packages() {
  local what=$1
  shift
  (($#)) || return 0
  echo "Installing $what: $*"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "This set-up script knows Debian and Ubuntu (apt-get). On another system install ffmpeg," >&2
  echo "VLC (libVLC 3) and Python 3.11+ by hand; README.md lists them." >&2
fi
mapfile -t missing < <(not_installed "${SYSTEM_PACKAGES[@]}")
# python3-venv is only needed when the interpreter can't make a venv on its own
if python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -vx 'python3-venv' | grep -v '^$' || true)
fi
if python3 -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -vx 'python3-dev' | grep -v '^$' || true)
fi
install_packages "system packages" "${missing[@]}"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "Creating $VENV"
  python3 -m venv "$VENV"
fi

# Reinstall the project only when its declared dependencies or its compiled part changed.
COMPILED=desktop/soundon/media/dsp/_loops.c
if [[ ! -f "$STAMP" || pyproject.toml -nt "$STAMP" || setup.py -nt "$STAMP" || $COMPILED -nt "$STAMP" ]] \
   || ! compgen -G "${COMPILED%.c}*.so" >/dev/null; then
  echo "Installing Sound-On and its dependencies into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e '.[test]'
  touch "$STAMP"
fi

# `make package` only: what building the bundle's own FFmpeg takes (packaging/build-ffmpeg-linux.sh):
# a compiler, the assembler for its SIMD code, and the headers of the few libraries it links.
PACKAGE_BUILD_PACKAGES=(
  make nasm pkgconf xz-utils
  zlib1g-dev libx264-dev libmp3lame-dev libopus-dev libvorbis-dev libdav1d-dev libvpx-dev libsoxr-dev
  libxcb1-dev libxcb-shm0-dev libxcb-xfixes0-dev libxcb-shape0-dev
)
if [[ "${1:-}" == "--package" ]]; then
  mapfile -t package_missing < <(not_installed "${PACKAGE_BUILD_PACKAGES[@]}")
  install_packages "what building FFmpeg for the bundle takes" "${package_missing[@]}"
fi

# The slow tier (`make test-slow`) only: a real Kitsu server for the team sync test — PostgreSQL and
# Redis from Debian, and zou from PyPI in a virtual environment of its own (zou pins its own
# dependencies, which must never meet the app's). `make test` never comes here.
SLOW_TEST_PACKAGES=(
  postgresql       # the server binaries come with its versioned package (postgresql-15 on Debian 12)
  redis-server
)
ZOU_VENV=.venv-zou
ZOU_STAMP="$ZOU_VENV/.zou-installed"
if [[ "${1:-}" == "--slow" ]]; then
  mapfile -t slow_missing < <(not_installed "${SLOW_TEST_PACKAGES[@]}")
  # The test starts its own clusters on the loopback interface; the package's own may stay off.
  install_packages "the slow tier's system packages" "${slow_missing[@]}"
  if [[ ! -f "$ZOU_STAMP" ]]; then
    echo "Installing zou (the Kitsu server) into $ZOU_VENV"
    python3 -m venv "$ZOU_VENV"
    "$ZOU_VENV/bin/python" -m pip install -q --upgrade pip
    "$ZOU_VENV/bin/python" -m pip install -q "zou>=1.0,<1.1"
    touch "$ZOU_STAMP"
  fi
fi
