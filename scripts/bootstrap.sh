#!/usr/bin/env bash
# Create .venv and install the project with its dev extra on the mcp 2.x line (the newest
# that strands-agents allows); reinstall only when pyproject.toml or this script changes.
# uv, from PyPI, does the install: it resolves and installs the dev extra in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml scripts/bootstrap.sh | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade uv
    # The mcp range is noxfile.py's tests-mcp2 line: pinned so the resolver cannot trade
    # strands-agents down for a newer mcp.
    .venv/bin/python -m uv pip install --quiet --python .venv/bin/python -e ".[dev]" "mcp>=2.1,<2.2"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
