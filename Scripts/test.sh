#!/usr/bin/env bash
# Sets up the machine (Scripts/setup.sh, with Chromium for the report.html test), then runs the whole test suite.
# Extra arguments go to `swift test` (e.g. --filter Moments).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh --with-browser
swift test "$@"
