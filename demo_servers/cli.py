"""Command-line options shared by every demo server: `--host`, `--port` and `--log-level`.

All default to None, so the toolkit's server preset resolves them from `MCP_HOST`,
`MCP_PORT` and `FASTMCP_LOG_LEVEL`, and then from its defaults (`127.0.0.1:8000`, path
`/mcp`, level `INFO`). A deployment binds all interfaces with `MCP_HOST=0.0.0.0`.
"""

from __future__ import annotations

import argparse
import os

from toolkit.server.logs import SERVER_LOG_LEVELS

__all__ = ["log_level", "port_number", "positive_seconds", "server_parser", "use_log_level"]


def server_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the `--host`, `--port` and `--log-level` options every demo server takes."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--host", help="address to bind (default: MCP_HOST, else 127.0.0.1; AgentCore Runtime needs 0.0.0.0)"
    )
    parser.add_argument("--port", type=port_number, help="port to listen on (default: MCP_PORT, else 8000)")
    parser.add_argument(
        "--log-level",
        type=log_level,
        metavar="LEVEL",
        help=f"the server's own log: {', '.join(SERVER_LOG_LEVELS)} (default: FASTMCP_LOG_LEVEL, else INFO)",
    )
    return parser


def log_level(text: str) -> str:
    """An argparse type: a level of the server's own log, in any case."""
    level = text.strip().upper()
    if level not in SERVER_LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a log level; use one of {', '.join(SERVER_LOG_LEVELS)}")
    return level


def use_log_level(level: str | None) -> None:
    """Make `--log-level`, when given, the level of everything the server logs from now on.

    It becomes `FASTMCP_LOG_LEVEL` before the server is built, so the option wins over the
    environment from the first record on, as any other setting's option does.
    """
    if level is not None:
        os.environ["FASTMCP_LOG_LEVEL"] = level


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is out of range; use 1-65535")
    return port


def positive_seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of seconds")
    return seconds
