#!/usr/bin/env bash
# Sets up a machine to build TradeScan, then builds it. Idempotent: safe to run again.
#
#   Scripts/setup.sh            install what is missing, debug build
#   Scripts/setup.sh --release  install what is missing, release build
#   Scripts/setup.sh --no-build install only
#   Scripts/setup.sh --with-browser  also install Chromium (the tests open report.html in it)
#
# Installs Debian packages with apt-get when they are missing (needs root or sudo):
#   libopenblas-dev liblapacke-dev  BLAS and LAPACK (the LinearAlgebra module links both)
#   pkg-config                      lets SwiftPM find them
#   zlib1g-dev                      gzip input
#   chromium (with --with-browser)  headless browser for the report.html test
# Checks that a Swift toolchain of version 6.1 or later is on PATH (it cannot be
# installed from here: see https://www.swift.org/install/).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=debug
build=1
browser=0
for arg in "$@"; do
  case "$arg" in
    --release) mode=release ;;
    --no-build) build=0 ;;
    --with-browser) browser=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 64 ;;
  esac
done

log() { printf 'setup: %s\n' "$*" >&2; }

packages=(libopenblas-dev liblapacke-dev pkg-config zlib1g-dev)
if [ "$browser" -eq 1 ]; then packages+=(chromium); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root or sudo to install: ${missing[*]}"; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "system packages present: ${packages[*]}"
fi

pkg-config --exists openblas lapacke || { log "pkg-config cannot find openblas and lapacke after install"; exit 1; }

if ! command -v swift >/dev/null; then
  log "no 'swift' on PATH. Install Swift 6.1 or later (https://www.swift.org/install/) and run again."
  exit 1
fi
version=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -n1)
read -r major minor <<<"${version:-0 0}"
if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 1 ]; }; then
  log "Swift $major.$minor found; TradeScan needs 6.1 or later."
  exit 1
fi
log "Swift $major.$minor"

if [ "$build" -eq 1 ]; then
  log "building ($mode)"
  swift build -c "$mode" || { log "build failed (see the compiler output above)"; exit 1; }
  log "built .build/$mode/tradescan"
fi
