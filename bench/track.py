"""Per-item cost of `toolkit.track`, with and without a progress token, against a bare loop.

Every loop runs inside a real tool call over in-memory streams, so "with a token" pays for
the real notification path: throttling, the session, the client receiving each
notification. The SDK's own `ctx.report_progress` on every item is measured as well, for
scale. Each figure is the best of a few calls, in nanoseconds per item; each call is a new
request, so each has its own progress token. The headline `track_ns_per_item` is the cost
with a token, the case a client that shows progress pays for.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Any

import anyio

import toolkit

from .sdk_line import Context, Server, memory_session, wire

#: The figures `python -m bench` lifts into its summary.
HEADLINES = ("track_ns_per_item",)
FULL_ITEMS = 200_000
QUICK_ITEMS = 20_000
# Unthrottled report_progress sends one notification per item, so it gets fewer items.
RAW_SHARE = 20
FULL_REPEATS = 5
QUICK_REPEATS = 3


def run(quick: bool) -> dict[str, float]:
    """Measure and return nanoseconds per item, notifications per call and ratios."""
    items = QUICK_ITEMS if quick else FULL_ITEMS
    repeats = QUICK_REPEATS if quick else FULL_REPEATS
    found = anyio.run(_measure, items, repeats)
    bare = found["bare_loop_ns_per_item"]
    with_token = found["track_ns_per_item_with_token"]
    return {
        **found,
        "track_ns_per_item": with_token,
        "track_no_token_vs_bare": found["track_ns_per_item_no_token"] / bare,
        "track_with_token_vs_bare": with_token / bare,
        "report_progress_vs_track_with_token": found["report_progress_ns_per_item"] / with_token,
    }


async def _measure(items: int, repeats: int) -> dict[str, float]:
    async with memory_session(_benchmark_server()) as client:
        bare = await _best(client, "bare_loop", items, repeats, token=False)
        quiet = await _best(client, "track_loop", items, repeats, token=False)
        loud = await _best(client, "track_loop", items, repeats, token=True)
        raw = await _best(client, "report_progress_loop", items // RAW_SHARE, repeats, token=True)
    return {
        "bare_loop_ns_per_item": bare[0],
        "track_ns_per_item_no_token": quiet[0],
        "track_ns_per_item_with_token": loud[0],
        "report_progress_ns_per_item": raw[0],
        "track_notifications_per_call_with_token": loud[1],
    }


async def _best(client: Any, tool: str, items: int, repeats: int, *, token: bool) -> tuple[float, float]:
    """The fastest of `repeats` calls in ns per item, and the notifications per call."""
    received = 0

    async def count(progress: float, total: float | None, message: str | None) -> None:
        nonlocal received
        received += 1

    best = float("inf")
    for _ in range(repeats):
        result = await client.call_tool(tool, {"items": items}, progress_callback=count if token else None)
        best = min(best, _nanoseconds(result) / items)
    return best, received / repeats


def _benchmark_server() -> Any:
    server = Server("bench-track", log_level="WARNING")

    @server.tool()
    async def bare_loop(items: int) -> int:
        return await _timed(_bare_loop(items))

    @server.tool()
    async def track_loop(items: int, ctx: Context) -> int:
        return await _timed(_tracked_loop(ctx, items))

    @server.tool()
    async def report_progress_loop(items: int, ctx: Context) -> int:
        return await _timed(_report_progress_loop(ctx, items))

    return server


async def _timed(loop: Awaitable[int]) -> int:
    started = time.perf_counter_ns()
    await loop
    return time.perf_counter_ns() - started


async def _bare_loop(items: int) -> int:
    total = 0
    for item in range(items):
        total += item
    return total


async def _tracked_loop(ctx: Context, items: int) -> int:
    total = 0
    async for item in toolkit.track(ctx, range(items)):
        total += item
    return total


async def _report_progress_loop(ctx: Context, items: int) -> int:
    total = 0
    for item in range(items):
        total += item
        await ctx.report_progress(item + 1, items)
    return total


def _nanoseconds(result: Any) -> float:
    found = wire(result)
    if found.get("isError"):
        raise RuntimeError(f"benchmark tool failed: {found.get('content')}")
    return float(found["structuredContent"]["result"])
