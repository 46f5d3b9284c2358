"""The bare SDK of the installed line, for the baselines the benchmarks compare the toolkit with.

The benchmarks measure the toolkit against the SDK it sits on: FastMCP and `ClientSession`
on mcp 1.x, MCPServer and `mcp.Client` on mcp 2.x. This module names each of them once:

- `Server`, `Context`: the SDK's server class and the context its tools annotate.
- `sdk_session(url, ...)`: the SDK's bare client on a 2025-11-25 session over streamable HTTP.
- `memory_session(server)`: the SDK's bare client on a server in this process.
- `modern_session(url, ...)`: the SDK's bare client speaking 2026-07-28 (mcp 2.x only).
- `input_required(key, message, schema, state)`: the SDK's input-required result asking one form
  (mcp 2.x only), for a tool that writes its rounds by hand.
- `wire(model)`: an SDK model in wire form (camelCase keys), the one shape both lines agree on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

__all__ = [
    "HANDSHAKE_REVISION",
    "SDK_LINE",
    "SESSIONLESS_REVISION",
    "Context",
    "Server",
    "input_required",
    "memory_session",
    "modern_session",
    "sdk_session",
    "wire",
]

#: 1 for mcp 1.x (FastMCP), 2 for mcp 2.x (MCPServer).
SDK_LINE = int(metadata.version("mcp").split(".")[0])
#: The protocol revision of every benchmark session: the newest with `initialize` and sessions.
HANDSHAKE_REVISION = "2025-11-25"
#: The session-less revision, answered in rounds (mcp 2.x only).
SESSIONLESS_REVISION = "2026-07-28"

if SDK_LINE >= 2:
    import mcp_types
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.server.mcpserver import Context
    from mcp.server.mcpserver import MCPServer as Server
else:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.server.fastmcp import Context  # type: ignore[assignment]
    from mcp.server.fastmcp import FastMCP as Server  # type: ignore[assignment]
    from mcp.shared.memory import create_connected_server_and_client_session


def wire(model: Any) -> dict[str, Any]:
    """`model` (an SDK model of either line) as it goes on the wire."""
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


@asynccontextmanager
async def sdk_session(url: str, **callbacks: Any) -> AsyncIterator[Any]:
    """The SDK's bare client, initialized on `url` (a 2025-11-25 session); DELETEd on exit.

    `callbacks` are the client's callbacks (`elicitation_callback`, ...), the same on both lines.
    """
    if SDK_LINE >= 2:
        async with Client(streamable_http_client(url), mode="legacy", **callbacks) as client:
            yield client
        return
    async with (
        streamable_http_client(url) as (read, write, _),
        ClientSession(read, write, **callbacks) as session,
    ):
        await session.initialize()
        yield session


@asynccontextmanager
async def memory_session(server: Any) -> AsyncIterator[Any]:
    """The SDK's bare client on `server` in this process, initialized on a 2025-11-25 session."""
    if SDK_LINE >= 2:
        async with Client(server, mode="legacy") as client:
            yield client
        return
    async with create_connected_server_and_client_session(server) as session:
        yield session


@asynccontextmanager
async def modern_session(url: str, **callbacks: Any) -> AsyncIterator[Any]:
    """The SDK's bare client on `url` speaking 2026-07-28: no handshake, every request on its own.

    It answers input-required results itself, through `callbacks` (`elicitation_callback`, ...).
    """
    if SDK_LINE < 2:
        raise RuntimeError("mcp 1.x speaks no 2026-07-28")
    async with Client(streamable_http_client(url), mode=SESSIONLESS_REVISION, **callbacks) as client:
        yield client


def input_required(key: str, message: str, schema: dict[str, Any], state: str) -> Any:
    """The SDK's input-required result asking one form under `key`, with `state` for the SDK to seal."""
    request = mcp_types.ElicitRequest(
        params=mcp_types.ElicitRequestFormParams(message=message, requested_schema=schema)  # type: ignore[arg-type]
    )
    return mcp_types.InputRequiredResult(input_requests={key: request}, request_state=state)
