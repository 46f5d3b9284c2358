"""404 recovery: a call that finds its session gone, against a call on a fresh connection.

Both sides use the reference client on one toolkit server process. The subject's session is
ended from outside (an HTTP DELETE with its id, as an idle timeout or a replaced microVM
would end it), so its next `call_tool` gets 404, retires the session, initializes a new
one and sends the call again. The baseline connects anew and calls: `initialize` plus the
call, timed up to the result (closing the connection is not timed). `reinit_ratio` is the
recovering call over the fresh one (goal: at most 1.5).
"""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any

import anyio
import httpx

from .processes import serving
from .servers import expect_text
from .stats import compare

__all__ = ["HEADLINES", "run"]

HEADLINES = ("reinit_ratio",)
FULL_ROUNDS, FULL_PER_ROUND = 7, 20
QUICK_ROUNDS, QUICK_PER_ROUND = 3, 8
TEXT = "again"


def run(quick: bool) -> dict[str, float]:
    """Time recovering and fresh calls alternately and return their medians and ratio."""
    rounds, per_round = (QUICK_ROUNDS, QUICK_PER_ROUND) if quick else (FULL_ROUNDS, FULL_PER_ROUND)
    with serving("toolkit") as server:
        return anyio.run(_measure, server.url, rounds, per_round)


async def _measure(url: str, rounds: int, per_round: int) -> dict[str, float]:
    async with httpx.AsyncClient() as ender, _connect(url) as client:

        async def fresh() -> float:
            async with AsyncExitStack() as stack:
                started = time.perf_counter()
                await _echo(await stack.enter_async_context(_connect(url)))
                return time.perf_counter() - started

        async def recovering() -> float:
            before, gone = client.reinitializations, client.session_id
            assert gone is not None
            ended = await ender.delete(url, headers={"Mcp-Session-Id": gone})
            ended.raise_for_status()
            started = time.perf_counter()
            await _echo(client)
            elapsed = time.perf_counter() - started
            if client.reinitializations != before + 1 or client.session_id == gone:
                raise RuntimeError("the call did not recover through a new session")
            return elapsed

        comparison = await compare(fresh, recovering, rounds=rounds, per_round=per_round)
    return comparison.figures("reinit")


def _connect(url: str) -> AbstractAsyncContextManager[Any]:
    # Imported here: the other benchmarks run without the reference client.
    import demo_client

    return demo_client.connect(url, elicitation=demo_client.decline_all)


async def _echo(client: Any) -> None:
    expect_text(await client.call_tool("echo", {"text": TEXT}), TEXT)
