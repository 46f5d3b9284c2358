"""Elicitation round trip over streamable HTTP on loopback: `toolkit.elicit` against raw `ctx.elicit`.

One toolkit server process has both tools, asking for the same form; one SDK client calls
them alternately and accepts every form. A round trip is the whole tool call: the request,
the server's `elicitation/create`, the client's answer, validation, and the result.
`elicit_ratio` is toolkit time over raw time (goal: at most 1.05).
"""

from __future__ import annotations

from typing import Any

import anyio

from .processes import serving
from .sdk_client import sdk_session
from .servers import ANSWER_TEXT, expect_text
from .stats import compare, timing

__all__ = ["HEADLINES", "run"]

#: The figures `python -m bench` lifts into its summary.
HEADLINES = ("elicit_ratio",)
FULL_ROUNDS, FULL_PER_ROUND = 7, 40
QUICK_ROUNDS, QUICK_PER_ROUND = 3, 15


def run(quick: bool) -> dict[str, float]:
    """Time both elicitation tools alternately and return their medians and ratio."""
    rounds, per_round = (QUICK_ROUNDS, QUICK_PER_ROUND) if quick else (FULL_ROUNDS, FULL_PER_ROUND)
    with serving("toolkit") as server:
        return anyio.run(_measure, server.url, rounds, per_round)


async def _measure(url: str, rounds: int, per_round: int) -> dict[str, float]:
    async with sdk_session(url) as session:
        comparison = await compare(
            timing(lambda: _ask(session, "ask_raw")),
            timing(lambda: _ask(session, "ask_toolkit")),
            rounds=rounds,
            per_round=per_round,
        )
    return comparison.figures("elicit")


async def _ask(session: Any, tool: str) -> None:
    expect_text(await session.call_tool(tool, {}), ANSWER_TEXT)
