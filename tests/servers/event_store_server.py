"""A preset server that reports its event store's byte count, for the store's end-to-end tests.

Built with an explicit `version`, so tests can also check what `initialize` reports.
"""

from __future__ import annotations

import argparse

from mcp.server.fastmcp import Context

import toolkit

VERSION = "3.1.4"
server = toolkit.stateful_server("event-store-test", version=VERSION)


@server.tool()
async def describe_client(ctx: Context) -> str:
    """A new sentence naming the client on every call, as a tool that reports on its client builds."""
    params = ctx.session.client_params
    return f"You are {params.clientInfo.name if params is not None else 'unnamed'}."


@server.tool()
async def stored_bytes(session_id: str, ctx: Context) -> dict[str, int]:
    """Bytes the event store keeps for `session_id`, for the calling session, and in total."""
    store = server.event_store
    assert store is not None
    request = ctx.request_context.request
    caller = request.headers.get("mcp-session-id", "") if request is not None else ""
    return {"session": store.session_nbytes(session_id), "caller": store.session_nbytes(caller), "total": store.nbytes}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    opts = parser.parse_args()
    server.serve(opts.host, opts.port)
