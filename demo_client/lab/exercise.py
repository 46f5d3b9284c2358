"""`exercise`: call every tool a server offers, with arguments built from its input schema.

This is what the official conformance suite runs in client mode: initialize, list the tools,
call each one, answer elicitations with the schema's defaults and sampling offline.
A tool that answers with an error result (`is_error`) is reported, not fatal; a protocol or transport error
ends the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..client.connection import Client
from ..client.protocol import ToolResult
from ..handlers.schema_examples import example_arguments

__all__ = ["ExerciseReport", "ToolOutcome", "exercise", "summarize_result"]

SUMMARY_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """How one tool call went.

    Attributes:
        name: The tool.
        arguments: The arguments sent.
        is_error: Whether the tool answered with an error result.
        summary: The start of its text output.
    """

    name: str
    arguments: dict[str, Any]
    is_error: bool
    summary: str


@dataclass(slots=True)
class ExerciseReport:
    """Every tool call of an `exercise` run, in order."""

    outcomes: list[ToolOutcome] = field(default_factory=list)

    @property
    def tool_errors(self) -> list[ToolOutcome]:
        """The calls whose tool answered with `isError`."""
        return [outcome for outcome in self.outcomes if outcome.is_error]


async def exercise(client: Client, *, report: Any = print) -> ExerciseReport:
    """List the tools of `client`'s server and call each one once.

    Args:
        client: A connected client (its elicitation handler and sampler answer the tools).
        report: Called with one line of text per step, e.g. `print` or `console.print`.
    """
    report(f"Connected to {_server_name(client)}; session {client.session_id or '(none)'}")
    tools = await client.list_tools()
    report(f"{len(tools)} tool(s): {', '.join(tool.name for tool in tools) or '(none)'}")
    result = ExerciseReport()
    for tool in tools:
        arguments = example_arguments(tool.input_schema)
        called = await client.call_tool(tool.name, arguments)
        outcome = ToolOutcome(tool.name, arguments, called.is_error, summarize_result(called))
        result.outcomes.append(outcome)
        status = "error" if outcome.is_error else "ok"
        report(f"{tool.name}({json.dumps(arguments)}) -> {status}: {outcome.summary}")
    return result


def summarize_result(result: ToolResult, limit: int = SUMMARY_LIMIT) -> str:
    """The text of a tool result on one line, cut to `limit` characters."""
    parts = [block["text"] if block.get("type") == "text" else f"<{block.get('type')}>" for block in result.content]
    if not parts and result.structured_content is not None:
        parts = [json.dumps(result.structured_content)]
    text = " ".join(" ".join(parts).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _server_name(client: Client) -> str:
    info = client.server_info
    name = f"{info.name} {info.version}" if info is not None else "the server"
    return f"{name} (protocol {client.protocol_version})"
