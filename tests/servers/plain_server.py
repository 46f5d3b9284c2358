"""A server built with the plain SDK (FastMCP on mcp 1.x, MCPServer on 2.x; no toolkit), for
testing the reference client against it.

Tools cover form and URL elicitation, sampling, progress, roots, a report of the
capabilities the client declared, as this server saw them, and the side effects the recovery
tests watch: a per-process call counter and a ledger file (named by LEDGER_PATH) that shows
what ran, across restarts. Its streams are resumable (an in-memory event store; the `retry`
hint from MCP_RETRY_INTERVAL_MS), and two tools close a stream on purpose.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import anyio
from mcp.types import SamplingMessage, TextContent
from plain_sdk import Context, client_params, plain_server, serve
from pydantic import BaseModel, Field

server = plain_server("plain-fastmcp")
calls = {"count": 0}
# Without LEDGER_PATH the ledger lives only in this process.
LEDGER = Path(os.environ["LEDGER_PATH"]) if "LEDGER_PATH" in os.environ else None
ledger: list[str] = []


class Person(BaseModel):
    name: str = Field(description="Your name")
    age: int = Field(default=30, ge=0, le=150)


@server.tool()
async def ask_person(ctx: Context) -> str:
    """Ask for a name and an age with a form."""
    result = await ctx.elicit("Who are you?", Person)
    if result.action == "accept":
        return f"accept:{result.data.name}:{result.data.age}"
    return result.action


# What FastMCP 1.x sends for `nickname: str | None = None`: an `anyOf`, which forms do not allow.
OPTIONAL_NICKNAME = {
    "type": "object",
    "properties": {"nickname": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}},
}


@server.tool()
async def ask_optional(ctx: Context) -> str:
    """Ask with an Optional field sent as `anyOf`, which the protocol does not allow in forms."""
    result = await ctx.session.elicit_form("Any nickname?", OPTIONAL_NICKNAME, ctx.request_id)
    return result.action


@server.tool()
async def ask_twice(ctx: Context) -> str:
    """Ask two forms in a row and report both outcomes."""
    first = await ctx.elicit("First?", Person)
    second = await ctx.elicit("Second?", Person)
    return f"{first.action},{second.action}"


@server.tool()
async def visit_url(ctx: Context) -> str:
    """Send the user to a URL (URL-mode elicitation), then report completion."""
    result = await ctx.elicit_url("Please sign in.", "https://example.com/sign-in", "sign-in-1")
    if result.action == "accept":
        await ctx.session.send_elicit_complete("sign-in-1")
    return result.action


@server.tool()
async def summarize(text: str, ctx: Context) -> str:
    """Ask the client's LLM to summarise `text`."""
    message = SamplingMessage(role="user", content=TextContent(type="text", text=f"Summarize: {text}"))
    result = await ctx.session.create_message([message], max_tokens=60)
    content = result.content
    return json.dumps({"model": result.model, "text": content.text if isinstance(content, TextContent) else None})


@server.tool()
async def steps(count: int, ctx: Context) -> str:
    """Report `count` progress steps."""
    for step in range(1, count + 1):
        await ctx.report_progress(step, count, f"step {step} of {count}")
    return f"{count} steps"


@server.tool()
async def client_roots(ctx: Context) -> list[str]:
    """The roots the client reports."""
    listed = await ctx.session.list_roots()
    return [str(root.uri) for root in listed.roots]


@server.tool()
async def declared_capabilities(ctx: Context) -> str:
    """The capabilities and client info the client sent on initialize, as JSON."""
    params = client_params(ctx)
    return json.dumps({"capabilities": params["capabilities"], "client": params["clientInfo"]["name"]})


@server.tool()
async def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
async def count_calls() -> int:
    """Count how often this tool ran in this process (a side effect tests can observe)."""
    calls["count"] += 1
    return calls["count"]


def write(line: str) -> int:
    ledger.append(line)
    if LEDGER is not None:
        with LEDGER.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
    return ledger.count(line)


@server.tool()
async def record(tag: str) -> int:
    """Append `tag` to the ledger; return how often it is there now."""
    return write(tag)


@server.tool()
async def hold(tag: str, seconds: float, ctx: Context) -> str:
    """Write `started:tag`, report one progress step, wait, then write `finished:tag`.

    A cancelled call writes `cancelled:tag` instead."""
    write(f"started:{tag}")
    await ctx.report_progress(1, 2, "started")
    try:
        await anyio.sleep(seconds)
    except anyio.get_cancelled_exc_class():
        write(f"cancelled:{tag}")
        raise
    write(f"finished:{tag}")
    return "finished"


@server.tool()
async def poll_result(tag: str, ctx: Context) -> str:
    """Close this call's SSE stream right away, then report progress and answer: the client
    only gets both by resuming the stream with Last-Event-ID."""
    write(f"started:{tag}")
    await ctx.close_sse_stream()
    await anyio.sleep(0.2)
    await ctx.report_progress(1, 1, "after the stream closed")
    write(f"finished:{tag}")
    return f"resumed:{tag}"


@server.tool()
async def drop_listener(ctx: Context) -> str:
    """Log on the standalone GET stream, close it, then log again: only a client that reopens it
    with Last-Event-ID (the first log's id) sees the second log."""
    await ctx.session.send_log_message("info", "sent on the stream")
    await anyio.sleep(0.2)
    await ctx.close_standalone_sse_stream()
    await anyio.sleep(0.2)
    await ctx.session.send_log_message("warning", "sent while the stream was closed")
    return "dropped"


if __name__ == "__main__":
    serve(server)
