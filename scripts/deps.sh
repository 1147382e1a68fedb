#!/usr/bin/env bash
# Install the Debian packages Aether needs, only those that are missing
# (apt-get runs only when something is missing). Run as root.
set -euo pipefail

packages=(
  gcc pkg-config meson ninja-build
  lv2-dev libserd-dev serdi libsord-dev sordi liblilv-dev lilv-utils
  libcmocka-dev libsndfile1-dev sox graphviz jalv jackd2
  ardour  # tests/host: Ardour 7 headless (ardour7-lua)
  clang-14 libclang-rt-14-dev valgrind
  libcairo2-dev  # the patch editor's drawing (src/ui), `aether snapshot`
  libx11-dev     # the patch editor's window (the UI module, aether_ui.so)
  xvfb xauth     # UI tests on a private X server (tests/ui)
  xdotool x11-utils imagemagick libqt5x11extras5  # tests/ui/check_jalv_ui.sh
  faust  # `aether bench`: the outside references (tools/faust/*.dsp)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "aether: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "aether: missing packages; run as root (or: sudo $0)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
