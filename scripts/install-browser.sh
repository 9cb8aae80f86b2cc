#!/usr/bin/env bash
# Headless Chromium from Debian's packages, for the widget's browser tests (Playwright drives
# /usr/bin/chromium; its own browser download does not work here). Safe to run again: does nothing when
# Chromium is already installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
run_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "plainhealth: the browser tests need Chromium; install the Debian package 'chromium' as root." >&2
    exit 1
  fi
}
echo "plainhealth: installing Chromium from Debian's packages (for the browser tests)"
run_as_root apt-get update -qq
run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
