"""Tools on `toolkit.Progress`, `toolkit.track` and `toolkit.heartbeat`, for the end-to-end tests.

Some tools keep objects from one call for a later call on purpose: that is how the tests
make a reporter outlive its call and check that it stays silent.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel

import toolkit

server = toolkit.stateful_server("progress-test")
THREAD_LIMIT = 30.0

kept_progress: dict[str, toolkit.Progress] = {}
kept_contexts: dict[str, toolkit.Context] = {}
runs: dict[str, dict[str, Any]] = {}
release = threading.Event()


@server.tool()
async def count_to(steps: int, min_interval: float, ctx: toolkit.Context) -> dict[str, float]:
    """Count to `steps` through `track`, yielding to the loop at every step."""
    started = time.monotonic()
    async for _ in toolkit.track(ctx, range(steps), min_interval=min_interval):
        await anyio.lowlevel.checkpoint()
    return {"elapsed": time.monotonic() - started}


@server.tool()
async def sleep_until_beats(beats: int, every: float, ctx: toolkit.Context) -> int:
    """`time.sleep` in a worker thread until the heartbeat has sent `beats` beats."""
    async with toolkit.heartbeat(ctx, every=every, message="Sleeping") as beat:
        return await beat.run_sync(_nap_until, beat, beats)


def _nap_until(beat: toolkit.progress.Heartbeat, beats: int) -> int:
    naps = 0
    deadline = time.monotonic() + THREAD_LIMIT
    while beat.beats < beats and time.monotonic() < deadline:
        time.sleep(beat.every / 4)
        naps += 1
    return naps


@server.tool()
async def report_then_return(name: str, total: int, scoped: bool, ctx: toolkit.Context) -> str:
    """Report one step, then keep the `Progress` (closed by its block when `scoped`)."""
    progress = toolkit.Progress(ctx, total=total, min_interval=0)
    if scoped:
        async with progress:
            await progress.advance(message="first")
    else:
        await progress.advance(message="first")
    kept_progress[name] = progress
    return "returned"


@server.tool()
async def report_late(name: str) -> list[bool]:
    """Use a `Progress` kept from an earlier call; each item says whether it sent."""
    progress = kept_progress[name]
    assert progress.total is not None
    return [await progress.advance(message="late"), await progress.set(progress.total, "late")]


@server.tool()
async def raw_report_then_return(name: str, ctx: toolkit.Context) -> str:
    """The SDK's own `report_progress`, keeping the context for a later call."""
    await ctx.report_progress(1, 3, "first")
    kept_contexts[name] = ctx
    return "returned"


@server.tool()
async def raw_report_late(name: str) -> str:
    """The SDK's `report_progress` on a context whose call has answered already."""
    await kept_contexts[name].report_progress(2, 3, "late")
    return "sent"


@server.tool()
async def block_in_thread(name: str, every: float, cooperative: bool, ctx: toolkit.Context) -> str:
    """Block a worker thread under a heartbeat until released, cancelled or timed out."""
    run = runs[name] = {"outcome": "running", "thread": "running", "heartbeat": None}
    try:
        async with toolkit.heartbeat(ctx, every=every, message="Blocked") as beat:
            run["heartbeat"] = beat
            await beat.run_sync(_block, run, cooperative)
    except anyio.get_cancelled_exc_class():
        run["outcome"] = "cancelled"
        raise
    run["outcome"] = "finished"
    return "finished"


def _block(run: dict[str, Any], cooperative: bool) -> None:
    deadline = time.monotonic() + THREAD_LIMIT
    try:
        while not release.wait(0.02) and time.monotonic() < deadline:
            if cooperative:
                anyio.from_thread.check_cancelled()
    finally:
        run["thread"] = "stopped"


@server.tool()
async def run_state(name: str) -> dict[str, Any]:
    """Where a `block_in_thread` call stands: its outcome, its thread and its heartbeat."""
    run = runs[name]
    beat: toolkit.progress.Heartbeat = run["heartbeat"]
    return {"outcome": run["outcome"], "thread": run["thread"], "running": beat.running, "beats": beat.beats}


@server.tool()
async def release_threads() -> str:
    """Let every blocked `block_in_thread` worker return."""
    release.set()
    return "released"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    opts = parser.parse_args()
    server.serve(opts.host, opts.port)
