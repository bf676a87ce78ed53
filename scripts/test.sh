#!/usr/bin/env bash
# Installs what is missing, then runs the whole test suite; arguments go to pytest.
# With DATABASE_URL=postgres://… the suite runs on PostgreSQL, otherwise on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/pytest "$@"
