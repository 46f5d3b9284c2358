"""Where the demo servers keep their embedded SQLite files by default."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir"]


def data_dir() -> Path:
    """`$XDG_DATA_HOME/stateful-mcp-toolkit`, else `~/.local/share/stateful-mcp-toolkit`.

    Outside the working directory on purpose, so a demo run leaves no files in a checkout.
    """
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return (Path(base) / "stateful-mcp-toolkit").resolve()
