"""`python -m demo_client conformance URL`: what the official conformance suite runs in client mode.

The suite starts a test server for one scenario and runs this command with the server's URL
appended, telling the scenario through the environment:

- `MCP_CONFORMANCE_SCENARIO`: the scenario's name, shown in the first line;
- `MCP_CONFORMANCE_PROTOCOL_VERSION`: the revision the scenario runs at; the client speaks it
  (`2025-11-25`, or `2026-07-28` on mcp 2.x), or negotiates (`auto`) when it is missing or
  one the client does not know;
- `MCP_CONFORMANCE_CONTEXT`: JSON with what a scenario wants done; with `toolCalls` (a list
  of `{"name": ..., "arguments": {...}}`) the client lists the tools and makes exactly those
  calls, otherwise it calls every tool once, with arguments from its schema, as `exercise` does.

Questions are answered with the forms' defaults (`accept_defaults`), sampling offline. A call
the server answers with a JSON-RPC error is reported and the run goes on (some scenarios'
servers implement only what they check); a transport failure ends it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._sdk import AUTO
from ..client.connection import PROTOCOLS, connect
from ..errors import ConfigurationError, RequestFailed
from ..handlers.answers import accept_defaults
from ..handlers.schema_examples import example_arguments
from .exercise import summarize_result

__all__ = ["ConformanceRun", "run_conformance", "scenario_from_environment"]


@dataclass(frozen=True, slots=True)
class ConformanceRun:
    """What one scenario asks of the client.

    Attributes:
        scenario: The scenario's name, or "" when none was given.
        protocol: The revision to speak: one of `PROTOCOLS`.
        tool_calls: The exact calls to make, or None to exercise every tool.
    """

    scenario: str
    protocol: str
    tool_calls: list[dict[str, Any]] | None = field(default=None)


def scenario_from_environment(environ: Mapping[str, str] = os.environ) -> ConformanceRun:
    """The scenario the suite described in `environ`.

    Raises:
        ConfigurationError: `MCP_CONFORMANCE_CONTEXT` is not a JSON object, or its
            `toolCalls` is not a list of calls.
    """
    version = environ.get("MCP_CONFORMANCE_PROTOCOL_VERSION", AUTO)
    raw = environ.get("MCP_CONFORMANCE_CONTEXT") or "{}"
    try:
        context = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"MCP_CONFORMANCE_CONTEXT is not JSON ({exc.msg}).") from exc
    if not isinstance(context, dict):
        raise ConfigurationError("MCP_CONFORMANCE_CONTEXT must be a JSON object.")
    calls = context.get("toolCalls")
    if calls is not None and not (
        isinstance(calls, list) and all(isinstance(call, dict) and isinstance(call.get("name"), str) for call in calls)
    ):
        raise ConfigurationError(
            'The toolCalls of MCP_CONFORMANCE_CONTEXT must be a list of {"name": ..., "arguments": ...}.'
        )
    return ConformanceRun(
        scenario=environ.get("MCP_CONFORMANCE_SCENARIO", ""),
        protocol=version if version in PROTOCOLS else AUTO,
        tool_calls=calls,
    )


async def run_conformance(url: str, run: ConformanceRun, *, report: Callable[[str], Any] = print) -> int:
    """Do what `run` asks against the suite's server at `url`; the number of calls made."""
    report(f"scenario {run.scenario or '(none)'}, protocol {run.protocol}")
    async with connect(url, protocol=run.protocol, elicitation=accept_defaults) as client:
        report(f"speaking {client.protocol_version}")
        tools = await client.list_tools()
        report(f"{len(tools)} tool(s): {', '.join(tool.name for tool in tools) or '(none)'}")
        calls = run.tool_calls
        if calls is None:
            calls = [{"name": tool.name, "arguments": example_arguments(tool.input_schema)} for tool in tools]
        for call in calls:
            arguments = call.get("arguments") or {}
            shown = f"{call['name']}({json.dumps(arguments, ensure_ascii=False)})"
            try:
                result = await client.call_tool(call["name"], arguments)
            except RequestFailed as exc:
                report(f"{shown} -> error {exc.code}: {exc.detail}")
                continue
            report(f"{shown} -> {'error' if result.is_error else 'ok'}: {summarize_result(result)}")
        return len(calls)
