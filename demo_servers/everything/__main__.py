"""``python -m demo_servers.everything [--host H] [--port P]``: serve the everything server."""

from __future__ import annotations

import argparse

from . import build_server


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m demo_servers.everything", description=__doc__)
    parser.add_argument("--host", help="bind address (default: MCP_HOST, else 0.0.0.0)")
    parser.add_argument("--port", type=int, help="port (default: MCP_PORT, else 8000)")
    options = parser.parse_args(argv)
    build_server(options.host, options.port).serve(options.host, options.port)


if __name__ == "__main__":
    main()
