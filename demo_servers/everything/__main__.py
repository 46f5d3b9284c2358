"""``python -m demo_servers.everything [--host H] [--port P] [--log-level L]``: serve the everything server."""

from __future__ import annotations

from ..cli import server_parser, use_log_level
from . import build_server


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = server_parser("python -m demo_servers.everything", __doc__ or "")
    options = parser.parse_args(argv)
    use_log_level(options.log_level)
    build_server(options.host, options.port).serve(options.host, options.port)


if __name__ == "__main__":
    main()
