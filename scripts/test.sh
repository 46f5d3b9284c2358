#!/usr/bin/env bash
# Install the runner (first run only), then lint and run the whole suite on every SDK line with nox:
# mcp 1.x, mcp 2.x with strands-agents (2.1.x) and the newest mcp 2.x. Extra arguments go to
# pytest in every line, e.g. ./scripts/test.sh -x -k elicit.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
sessions=(lint tests-mcp1 tests-mcp2 tests-mcp2-latest)
rm -rf .nox/reports
status=0
# nox runs every session even when one fails, and exits non-zero if any did.
.venv/bin/python -m nox --sessions "${sessions[@]}" -- "$@" || status=$?
echo
echo "Tests per SDK line:"
.venv/bin/python scripts/test_summary.py "${sessions[@]:1}"
exit "$status"
