"""A server built on the bare SDK (no toolkit), for testing the reference client against it.

The SDK's own server of the installed line: FastMCP on mcp 1.x, MCPServer on mcp 2.x. Tools
cover form and URL elicitation, sampling, progress, roots, and a report of the capabilities
the client declared, as this server saw them.
"""

from __future__ import annotations

import argparse
import json

from mcp.types import SamplingMessage, TextContent
from pydantic import BaseModel, Field

try:  # mcp 2.x
    from mcp.server.mcpserver import Context
    from mcp.server.mcpserver import MCPServer as Server
except ImportError:  # mcp 1.x, where the same server is FastMCP
    from mcp.server.fastmcp import Context  # type: ignore[no-redef]
    from mcp.server.fastmcp import FastMCP as Server  # type: ignore[no-redef]

# Stateful sessions answering with SSE: the default of both lines.
server = Server("plain-fastmcp")


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


class Nickname(BaseModel):
    nickname: str | None = None


@server.tool()
async def ask_optional(ctx: Context) -> str:
    """Ask with an Optional field, which the SDK sends as `anyOf` (not allowed in forms)."""
    result = await ctx.elicit("Any nickname?", Nickname)
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
    params = ctx.session.client_params
    assert params is not None
    # In wire form: mcp 1.x models name their fields as the wire does, mcp 2.x in snake_case.
    sent = params.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps({"capabilities": sent["capabilities"], "client": sent["clientInfo"]["name"]})


def serve(host: str, port: int) -> None:
    """Serve streamable HTTP with the SDK's own runner (its settings live elsewhere on each line)."""
    if hasattr(server.settings, "port"):  # mcp 1.x: transport settings on the server
        server.settings.host = host
        server.settings.port = port
        server.run("streamable-http")
    else:
        server.run("streamable-http", host=host, port=port)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    serve(options.host, options.port)
