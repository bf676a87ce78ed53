#!/usr/bin/env bash
# Installs what is missing, then serves the demo newspaper on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/manchette demo "$@"
