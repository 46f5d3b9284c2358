"""Tools that talk back mid-call: logging, progress, sampling, and closing the SSE stream.

These are the `tools-call-with-logging`, `tools-call-with-progress`, `tools-call-sampling`
and `server-sse-polling` scenarios. The elicitation tools live in `forms`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import toolkit
from toolkit import Context

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["register_interactive_tools"]

STEP_DELAY = 0.05
STEPS = ("start", "process", "finish")


async def test_tool_with_logging(ctx: Context) -> str:
    """Send three info log notifications, 50 ms apart, then answer."""
    for text in ("Tool execution started", "Tool processing data", "Tool execution completed"):
        if text != "Tool execution started":
            await anyio.sleep(STEP_DELAY)
        await toolkit.send_log(ctx, "info", text)
    return "Tool with logging executed successfully"


async def test_tool_with_progress(ctx: Context) -> str:
    """Work through three steps, 50 ms each, reporting progress after each one.

    Progress goes out only when the request carried a progress token. Every step is
    reported (`min_interval=0`): the default throttle would merge steps this close together.
    """
    async for _step in toolkit.track(ctx, STEPS, message=lambda step: f"{step} done", min_interval=0):
        await anyio.sleep(STEP_DELAY)
    return f"Tool with progress executed successfully: {len(STEPS)} steps"


async def test_sampling(prompt: str, ctx: Context) -> str:
    """Ask the client's LLM to answer `prompt` in at most 100 tokens, and return its text."""
    return f"LLM response: {await toolkit.sample_text(ctx, prompt, max_tokens=100)}"


async def test_reconnection(ctx: Context) -> str:
    """Close this call's SSE stream mid-call, then answer once the client has reconnected.

    The answer is stored in the event store and replayed to a client that resumes with
    `Last-Event-ID`. Clients older than 2025-11-25 get no priming event, so the stream
    stays open for them and the answer arrives on it as usual.
    """
    await toolkit.send_log(ctx, "info", "Before disconnect")
    await ctx.close_sse_stream()
    await anyio.sleep(0.2)
    await toolkit.send_log(ctx, "info", "After reconnect")
    return "Reconnection test completed"


def register_interactive_tools(server: StatefulServer) -> None:
    """Add the logging, progress, sampling and reconnection tools to `server`."""
    for tool in (test_tool_with_logging, test_tool_with_progress, test_sampling, test_reconnection):
        server.add_tool(tool, structured_output=False)
