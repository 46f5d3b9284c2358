"""Command-line options shared by every demo server: `--host` and `--port`.

Both default to None, so the toolkit's server preset resolves them from `MCP_HOST` /
`MCP_PORT` and then from the AgentCore Runtime contract (`0.0.0.0:8000`, path `/mcp`).
"""

from __future__ import annotations

import argparse

__all__ = ["port_number", "positive_seconds", "server_parser"]


def server_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the `--host` and `--port` options every demo server takes."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", help="address to bind (default: MCP_HOST, else 0.0.0.0 as AgentCore Runtime expects)")
    parser.add_argument("--port", type=port_number, help="port to listen on (default: MCP_PORT, else 8000)")
    return parser


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
