"""Multi round-trip requests on 2026-07-28 (mcp 2.x): the toolkit's replay against the SDK's own mechanism.

Two server processes, the toolkit preset and a bare MCPServer, and the SDK's own client speaking
2026-07-28 to both, measured in the same run:

- `mrtr_ratio`: one question, the whole round trip (the call, its input-required result, the
  answer, the call again, the result): `toolkit.elicit` in a tool against an input-required
  result written by hand on the bare server. Goal: at most 1.10.
- `mrtr_throughput_ratio`: plain `tools/call` throughput of a tool with a context (the toolkit
  wraps it for rounds) against the same tool on the bare server; calls per second, toolkit over
  bare. Goal: at least 0.95.
- The cost of each round of a ten-question flow driven by hand, and the size of its sealed
  state: `mrtr_round_ms_first` / `_last` and `mrtr_round_ms_per_step` (how replay grows with the
  questions already answered), `mrtr_state_bytes_10` (the state of the last round, answers to nine
  questions and the tenth pending; goal: under 8 KB) and `mrtr_state_bytes_per_answer`.

On mcp 1.x there is no 2026-07-28: the benchmark reports nothing.
"""

from __future__ import annotations

import secrets
import statistics
import time
from typing import Any

import anyio

from .processes import serving
from .sdk_line import SDK_LINE, modern_session, wire
from .servers import ANSWER_TEXT, EXPENSE_ANSWER, TEN, expect_text
from .stats import compare, slope, timing

__all__ = ["HEADLINES", "run"]

HEADLINES = ("mrtr_ratio", "mrtr_throughput_ratio", "mrtr_state_bytes_10")
FULL_ROUNDS, FULL_PER_ROUND, FULL_FLOWS = 7, 40, 10
QUICK_ROUNDS, QUICK_PER_ROUND, QUICK_FLOWS = 3, 12, 2
#: Both servers seal with the same kind of key, so the comparison is of the mechanisms alone.
KEYS = {"MCP_REQUEST_STATE_KEYS": secrets.token_hex(32)}


def run(quick: bool) -> dict[str, float]:
    """Time both servers alternately and a ten-question flow; empty on mcp 1.x."""
    if SDK_LINE < 2:
        return {}
    rounds, per_round, flows = (
        (QUICK_ROUNDS, QUICK_PER_ROUND, QUICK_FLOWS)
        if quick
        else (
            FULL_ROUNDS,
            FULL_PER_ROUND,
            FULL_FLOWS,
        )
    )
    with serving("toolkit", KEYS) as toolkit_server, serving("raw") as raw_server:
        return anyio.run(_measure, toolkit_server.url, raw_server.url, rounds, per_round, flows)


async def _answer(context: Any, params: Any) -> Any:
    import mcp_types

    return mcp_types.ElicitResult(action="accept", content=EXPENSE_ANSWER)


async def _measure(toolkit_url: str, raw_url: str, rounds: int, per_round: int, flows: int) -> dict[str, float]:
    async with (
        modern_session(toolkit_url, elicitation_callback=_answer) as ours,
        modern_session(raw_url, elicitation_callback=_answer) as bare,
    ):
        asking = await compare(
            timing(lambda: _call(bare, "ask_by_hand", ANSWER_TEXT)),
            timing(lambda: _call(ours, "ask_toolkit", ANSWER_TEXT)),
            rounds=rounds,
            per_round=per_round,
        )
        plain = await compare(
            timing(lambda: _call(bare, "revision", "2026-07-28")),
            timing(lambda: _call(ours, "revision", "2026-07-28")),
            rounds=rounds,
            per_round=per_round * 2,
        )
        figures = {**asking.figures("mrtr"), **plain.figures("mrtr_call")}
        figures["mrtr_throughput_ratio"] = plain.baseline_ms / plain.subject_ms
        figures.update(await _ten_questions(ours, flows))
    return figures


async def _call(client: Any, tool: str, expected: str) -> None:
    expect_text(await client.call_tool(tool, {}), expected)


async def _ten_questions(client: Any, flows: int) -> dict[str, float]:
    """Drive `flows` ten-question flows by hand: the time of each round and the size of each state."""
    round_ms: list[list[float]] = [[] for _ in range(TEN + 1)]
    state_bytes: list[int] = []
    for _ in range(flows):
        responses: dict[str, Any] | None = None
        state: str | None = None
        for index in range(TEN + 1):
            started = time.perf_counter()
            result = await client.session.call_tool(
                "ask_ten", {}, input_responses=responses, request_state=state, allow_input_required=True
            )
            round_ms[index].append((time.perf_counter() - started) * 1000)
            found = wire(result)
            if index == TEN:
                expect_text(result, ",".join(f"answer {n}" for n in range(1, TEN + 1)))
                break
            ((key, _),) = found["inputRequests"].items()
            state = found["requestState"]
            state_bytes.append(len(state.encode()))
            responses = {key: {"action": "accept", "content": {"value": f"answer {index + 1}"}}}
    medians = [statistics.median(samples) for samples in round_ms]
    per_flow = state_bytes[:TEN]
    return {
        "mrtr_round_ms_first": medians[0],
        "mrtr_round_ms_last": medians[-1],
        "mrtr_round_ms_per_step": max(slope(range(TEN + 1), medians), 1e-6),
        "mrtr_state_bytes_1": float(per_flow[0]),
        "mrtr_state_bytes_10": float(max(per_flow)),
        "mrtr_state_bytes_per_answer": max(slope(range(TEN), per_flow), 1e-6),
    }
