"""Tool call round trip: the reference client (`demo_client`) against the SDK's bare `ClientSession`.

Both clients hold a session on the same toolkit server process and call `echo` alternately.
What the reference client adds per call is its bookkeeping: the session lock, the 404 and
timeout handling, and the error translation. `client_call_ratio` is reference over bare
(goal: at most 1.05).
"""

from __future__ import annotations

from typing import Any

import anyio

from .processes import serving
from .sdk_client import sdk_session
from .servers import expect_text
from .stats import compare, timing

__all__ = ["HEADLINES", "run"]

HEADLINES = ("client_call_ratio",)
FULL_ROUNDS, FULL_PER_ROUND = 7, 100
QUICK_ROUNDS, QUICK_PER_ROUND = 3, 30
TEXT = "ping"


def run(quick: bool) -> dict[str, float]:
    """Time both clients' calls alternately and return their medians and ratio."""
    rounds, per_round = (QUICK_ROUNDS, QUICK_PER_ROUND) if quick else (FULL_ROUNDS, FULL_PER_ROUND)
    with serving("toolkit") as server:
        return anyio.run(_measure, server.url, rounds, per_round)


async def _measure(url: str, rounds: int, per_round: int) -> dict[str, float]:
    # Imported here: the other benchmarks run without the reference client.
    import demo_client

    async with sdk_session(url) as bare, demo_client.connect(url, elicitation=demo_client.decline_all) as reference:
        comparison = await compare(
            timing(lambda: _echo(bare)), timing(lambda: _echo(reference)), rounds=rounds, per_round=per_round
        )
    return comparison.figures("client_call")


async def _echo(client: Any) -> None:
    expect_text(await client.call_tool("echo", {"text": TEXT}), TEXT)
