"""The SDK's own server class on either line, for test servers built without the toolkit.

mcp 1.x has `FastMCP`, mcp 2.x `MCPServer`; tools written against the names here (`Context`,
`PlainServer`, `serve`) run on both. Only the test servers that stand for "a plain SDK server"
use this; everything else goes through the toolkit.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from mcp.server.streamable_http import EventCallback, EventMessage, EventStore

try:
    from mcp.server.mcpserver import Context, MCPServer  # mcp 2.x

    SDK_LINE = 2
except ImportError:  # mcp 1.x: `mcp.server.mcpserver` does not exist
    from mcp.server.fastmcp import Context  # type: ignore[no-redef]
    from mcp.server.fastmcp import FastMCP as MCPServer  # type: ignore[no-redef]

    SDK_LINE = 1

__all__ = ["SDK_LINE", "Context", "MemoryEventStore", "client_params", "plain_server", "serve", "stop_reason"]


class MemoryEventStore(EventStore):
    """Every SSE event in memory, so a client can resume a stream with Last-Event-ID.

    Stream ids are request ids, which repeat across sessions; the test servers serve one
    session at a time, so that does not matter here.
    """

    def __init__(self) -> None:
        self._events: list[tuple[str, str, Any]] = []

    async def store_event(self, stream_id: str, message: Any) -> str:
        event_id = str(len(self._events) + 1)
        self._events.append((event_id, stream_id, message))
        return event_id

    async def replay_events_after(self, last_event_id: str, send_callback: EventCallback) -> str | None:
        ids = [event[0] for event in self._events]
        if last_event_id not in ids:
            return None
        position = ids.index(last_event_id)
        stream_id = self._events[position][1]
        for event_id, stream, message in self._events[position + 1 :]:
            if stream == stream_id and message is not None:
                await send_callback(EventMessage(message, event_id))
        return stream_id


# The SSE `retry` hint in milliseconds, as the toolkit preset reads it; None leaves the SDK's default.
RETRY_INTERVAL = int(os.environ["MCP_RETRY_INTERVAL_MS"]) if "MCP_RETRY_INTERVAL_MS" in os.environ else None
EVENTS = MemoryEventStore()


def plain_server(name: str) -> Any:
    """A plain SDK server with stateful sessions, SSE responses and resumable streams."""
    if SDK_LINE == 2:
        return MCPServer(name)  # the event store is given to `run`
    return MCPServer(name, event_store=EVENTS, retry_interval=RETRY_INTERVAL)


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
        server.run(
            "streamable-http", host=options.host, port=options.port, event_store=EVENTS, retry_interval=RETRY_INTERVAL
        )
    else:
        server.settings.host = options.host
        server.settings.port = options.port
        server.run("streamable-http")
