#!/usr/bin/env bash
# Install everything (first run only; .venv/ is on the mcp 2.x line, see bootstrap.sh) and run
# the main demo offline: a server and the reference client.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec .venv/bin/python -m demo_client.demo "$@"
