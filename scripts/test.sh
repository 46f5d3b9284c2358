#!/usr/bin/env bash
# Install everything (first run only) and run the whole test suite plus the lint check.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
.venv/bin/python -m ruff check toolkit demo_servers demo_client tests bench
exec .venv/bin/python -m pytest "$@"
