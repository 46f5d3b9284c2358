"""A toolkit server whose tools write to a ledger file, so tests can see what ran even
across restarts and crashes (the file is named by the LEDGER_PATH environment variable)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import anyio

import toolkit

server = toolkit.stateful_server("ledger-test")
LEDGER = Path(os.environ.get("LEDGER_PATH", "ledger.txt"))


def write(line: str) -> int:
    with LEDGER.open("a", encoding="utf-8") as ledger:
        ledger.write(line + "\n")
    return LEDGER.read_text(encoding="utf-8").splitlines().count(line)


@server.tool()
async def record(tag: str) -> int:
    """Append `tag` to the ledger; return how often it is there now."""
    return write(tag)


@server.tool()
async def hold(tag: str, seconds: float, ctx: toolkit.Context) -> str:
    """Write `started:tag`, report one progress step, wait, then write `finished:tag`.
    A cancelled call writes `cancelled:tag` instead."""
    write(f"started:{tag}")
    await ctx.report_progress(1, 2, "started")
    try:
        await anyio.sleep(seconds)
    except anyio.get_cancelled_exc_class():
        write(f"cancelled:{tag}")
        raise
    write(f"finished:{tag}")
    return "finished"


@server.tool()
async def poll_result(tag: str, ctx: toolkit.Context) -> str:
    """Close this call's SSE stream right away, then report progress and answer: the client
    only gets both by resuming the stream with Last-Event-ID."""
    write(f"started:{tag}")
    await ctx.close_sse_stream()
    await anyio.sleep(0.2)
    await ctx.report_progress(1, 1, "after the stream closed")
    write(f"finished:{tag}")
    return f"resumed:{tag}"


@server.tool()
async def drop_listener(ctx: toolkit.Context) -> str:
    """Log on the standalone GET stream, close it, then log again: only a client that reopens it
    with Last-Event-ID (the first log's id) sees the second log."""
    await toolkit.server.notify_session(ctx, "notifications/message", {"level": "info", "data": "sent on the stream"})
    await anyio.sleep(0.2)
    await ctx.close_standalone_sse_stream()
    await anyio.sleep(0.2)
    await toolkit.server.notify_session(
        ctx, "notifications/message", {"level": "warning", "data": "sent while the stream was closed"}
    )
    return "dropped"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    options = parser.parse_args()
    server.serve(options.host, options.port)
