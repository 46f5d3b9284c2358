"""A preset server that reports its event store's byte count, for the store's end-to-end tests.

Built with an explicit `version`, so tests can also check what `initialize` reports.
"""

from __future__ import annotations

import argparse

import toolkit

VERSION = "3.1.4"
server = toolkit.stateful_server("event-store-test", version=VERSION)


@server.tool()
async def describe_client(ctx: toolkit.Context) -> str:
    """A new sentence naming the client on every call, as a tool that reports on its client builds."""
    return f"You are {toolkit.client_features(ctx).client_name or 'unnamed'}."


@server.tool()
async def stored_bytes(session_id: str, ctx: toolkit.Context) -> dict[str, int]:
    """Bytes the event store keeps for `session_id`, for the calling session, and in total."""
    store = server.event_store
    assert store is not None
    caller = toolkit.server.session_id(ctx) or ""
    return {"session": store.session_nbytes(session_id), "caller": store.session_nbytes(caller), "total": store.nbytes}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    opts = parser.parse_args()
    server.serve(opts.host, opts.port)
