"""The servers the HTTP benchmarks talk to: the toolkit preset and the bare SDK server, same tools.

The bare server is the installed line's own (FastMCP on mcp 1.x, MCPServer on mcp 2.x), so the
toolkit is always measured against the SDK it runs on.

`python -m bench.servers toolkit|raw --port N` serves one of them on 127.0.0.1. Both have
`echo`, `client_name`, `revision` and `ask_raw` (the SDK's `ctx.elicit`); the toolkit server also has
`ask_toolkit` (`toolkit.elicit`, on both protocol revisions) and `ask_ten` (ten questions in a row),
and on mcp 2.x the raw server has `ask_by_hand` (the same question as an input-required result
written by hand, 2026-07-28 only). The elicitation tools ask for the same `Expense` form and return
what was entered, so a client can answer any of them with `EXPENSE_ANSWER`.
"""

from __future__ import annotations

import argparse
from typing import Any, Literal

from pydantic import BaseModel, Field

import toolkit
from demo_client import ToolResult

from .sdk_line import SDK_LINE, Context, Server, input_required, wire

__all__ = ["ANSWER_TEXT", "EXPENSE_ANSWER", "FLAVORS", "Expense", "Flavor", "build_server", "expect_text"]

Flavor = Literal["toolkit", "raw"]
FLAVORS: tuple[Flavor, ...] = ("toolkit", "raw")
QUESTION = "What did you spend?"


class Expense(BaseModel):
    """A small flat form that both `ctx.elicit` and `toolkit.elicit` accept."""

    amount: float = Field(gt=0, title="Amount")
    description: str = Field(min_length=1, max_length=80, title="Description")
    urgent: bool = Field(default=False, title="Urgent")


#: The form content a benchmark client answers with.
EXPENSE_ANSWER: dict[str, Any] = {"amount": 12.5, "description": "lunch", "urgent": False}
#: What an elicitation tool returns for `EXPENSE_ANSWER`.
ANSWER_TEXT = "accept:12.5:lunch"
#: How many questions `ask_ten` asks, one per round on 2026-07-28.
TEN = 10
#: The form both servers send, built once: what `toolkit.elicit` sends for `Expense`.
EXPENSE_SCHEMA = toolkit.elicitation.requested_schema(Expense)


def build_server(flavor: Flavor) -> Any:
    """The benchmark server of `flavor`, quiet (warnings only) so logging costs nothing."""
    if flavor == "toolkit":
        server: Any = toolkit.stateful_server("bench-toolkit", log_level="WARNING")
        server.tool()(ask_toolkit)
        server.tool()(ask_ten)
    else:
        # Stateful sessions answering with SSE: the default of both lines.
        server = Server("bench-raw", log_level="WARNING")
        if SDK_LINE >= 2:
            server.tool()(ask_by_hand)
    server.tool()(echo)
    server.tool()(client_name)
    server.tool()(revision)
    server.tool()(ask_raw)
    return server


async def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


async def client_name(ctx: Context) -> str:
    """A sentence naming the client by the `clientInfo.name` it declared.

    A new string on every call, as any tool that reports on its client builds one.
    """
    params = ctx.session.client_params
    return f"You are {wire(params)['clientInfo']['name'] if params is not None else 'unnamed'}."


async def revision(ctx: Context) -> str:
    """The protocol revision of the call: a tool with a context and no questions."""
    return str(getattr(ctx.request_context, "protocol_version", None) or HANDSHAKE)


HANDSHAKE = "2025-11-25"


async def ask_by_hand(ctx: Context) -> Any:
    """Ask for an expense on 2026-07-28 with an input-required result written by hand (mcp 2.x)."""
    answers = ctx.input_responses or {}
    answer = answers.get("expense")
    if answer is None:
        return input_required("expense", QUESTION, EXPENSE_SCHEMA, "expense")
    content = wire(answer).get("content") if wire(answer).get("action") == "accept" else None
    if content is None:
        return wire(answer).get("action", "cancel")
    return _answer_text(Expense.model_validate(content))


async def ask_ten(ctx: Context) -> str:
    """Ask `TEN` one-field questions in a row: ten rounds on 2026-07-28."""
    answers = []
    for number in range(1, TEN + 1):
        outcome = await toolkit.ask(ctx, f"Question {number} of {TEN}?", str, label=f"Answer {number}")
        answers.append(outcome.data if isinstance(outcome, toolkit.Accepted) else outcome.action)
    return ",".join(answers)


async def ask_raw(ctx: Context) -> str:
    """Ask for an expense with the SDK's `ctx.elicit`."""
    result = await ctx.elicit(QUESTION, Expense)
    if result.action == "accept":
        return _answer_text(result.data)
    return result.action


async def ask_toolkit(ctx: Context) -> str:
    """Ask for an expense with `toolkit.elicit`."""
    outcome = await toolkit.elicit(ctx, QUESTION, Expense)
    if isinstance(outcome, toolkit.Accepted):
        return _answer_text(outcome.data)
    return outcome.action


def expect_text(result: Any, expected: str) -> None:
    """Raise unless a tool's result is the text `expected`: a benchmark never times a failure."""
    if isinstance(result, ToolResult):  # the reference client's own result type
        failed, text, content = result.is_error, result.text, result.content
    else:
        found = wire(result)
        content = found.get("content") or [{}]
        failed, text = bool(found.get("isError")), content[0].get("text")
    if failed or text != expected:
        raise RuntimeError(f"expected the tool to answer {expected!r}, got {content}")


def _answer_text(expense: Expense) -> str:
    return f"accept:{expense.amount:g}:{expense.description}"


def main() -> None:
    """Serve the chosen flavor on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bench.servers", description=main.__doc__)
    parser.add_argument("flavor", choices=FLAVORS)
    parser.add_argument("--port", type=int, required=True)
    options = parser.parse_args()
    server = build_server(options.flavor)
    if isinstance(server, toolkit.StatefulServer):
        server.serve("127.0.0.1", options.port)
        return
    if hasattr(server.settings, "port"):  # mcp 1.x: transport settings on the server
        server.settings.host = "127.0.0.1"
        server.settings.port = options.port
        server.run("streamable-http")
    else:
        server.run("streamable-http", host="127.0.0.1", port=options.port)


if __name__ == "__main__":
    main()
