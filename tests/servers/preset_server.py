"""A small server on the toolkit preset, used by the foundation's end-to-end tests."""

from __future__ import annotations

import argparse

import anyio

import toolkit

server = toolkit.stateful_server("preset-test")
calls = {"count": 0}


@server.tool()
async def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
async def count_calls() -> int:
    """Count how often this tool ran in this process (a side effect tests can observe)."""
    calls["count"] += 1
    return calls["count"]


@server.tool()
async def slow_progress(steps: int, delay: float, ctx: toolkit.Context) -> str:
    """Send `steps` progress notifications, `delay` seconds apart, then answer."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step}")
        await anyio.sleep(delay)
    return f"done after {steps} steps"


@server.tool()
async def tracked(steps: int, ctx: toolkit.Context) -> int:
    """Add up 1..`steps` through `toolkit.track`, which reports each step as progress."""
    total = 0
    async for step in toolkit.track(ctx, range(1, steps + 1), min_interval=0):
        total += step
    return total


@server.tool()
async def log_levels(ctx: toolkit.Context) -> str:
    """Send one log notification at each of four levels through the level filter."""
    sent = [lvl for lvl in ("debug", "info", "warning", "error") if await toolkit.send_log(ctx, lvl, lvl)]
    return ",".join(sent)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    opts = parser.parse_args()
    server.serve(opts.host, opts.port)
