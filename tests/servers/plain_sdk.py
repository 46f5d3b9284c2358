"""The SDK's own server class on either line, for test servers built without the toolkit.

mcp 1.x has `FastMCP`, mcp 2.x `MCPServer`; tools written against the names here (`Context`,
`PlainServer`, `serve`) run on both. Only the test servers that stand for "a plain SDK server"
use this; everything else goes through the toolkit.
"""

from __future__ import annotations

import argparse
from typing import Any

try:
    from mcp.server.mcpserver import Context, MCPServer  # mcp 2.x

    SDK_LINE = 2
except ImportError:  # mcp 1.x: `mcp.server.mcpserver` does not exist
    from mcp.server.fastmcp import Context  # type: ignore[no-redef]
    from mcp.server.fastmcp import FastMCP as MCPServer  # type: ignore[no-redef]

    SDK_LINE = 1

__all__ = ["SDK_LINE", "Context", "client_params", "plain_server", "serve", "stop_reason"]


def plain_server(name: str) -> Any:
    """A plain SDK server with stateful sessions and SSE responses (the default on both lines)."""
    return MCPServer(name)


def client_params(ctx: Any) -> dict[str, Any]:
    """The `initialize` params the client sent on this session, in wire form."""
    params = ctx.session.client_params
    assert params is not None
    return params.model_dump(by_alias=True, mode="json", exclude_none=True)


def stop_reason(result: Any) -> Any:
    """A sampling result's stop reason on either line (camelCase on 1.x, snake_case on 2.x)."""
    return getattr(result, "stop_reason", None) or getattr(result, "stopReason", None)


def serve(server: Any) -> None:
    """Serve `server` over streamable HTTP on the `--host` and `--port` of the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    if SDK_LINE == 2:
        server.run("streamable-http", host=options.host, port=options.port)
    else:
        server.settings.host = options.host
        server.settings.port = options.port
        server.run("streamable-http")
