"""A server on the bare SDK (no toolkit) that talks back without checking what the client declared.

The SDK's own server of the installed line: FastMCP on mcp 1.x, MCPServer on mcp 2.x.

Each tool uses the SDK the obvious way: `ctx.elicit`, `ctx.elicit_url`,
`ctx.session.create_message` and `ctx.session.list_roots`. The SDK checks only `tools` in
sampling, so every other request goes out to clients that never declared it, which is the
protocol violation the negotiation lab detects. It is the comparison server of
docs/negotiation.md.
"""

from __future__ import annotations

import argparse

from mcp.types import SamplingMessage, TextContent, Tool
from pydantic import BaseModel, Field

try:  # mcp 2.x
    from mcp.server.mcpserver import Context
    from mcp.server.mcpserver import MCPServer as Server
except ImportError:  # mcp 1.x, where the same server is FastMCP
    from mcp.server.fastmcp import Context  # type: ignore[no-redef]
    from mcp.server.fastmcp import FastMCP as Server  # type: ignore[no-redef]

# Stateful sessions: the default of both lines.
server = Server("plain-fastmcp")

WEATHER_TOOL = Tool(
    name="get_weather",
    description="Current weather in a city",
    inputSchema={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


class Name(BaseModel):
    name: str = Field(default="Ada", description="Your name")


def _ask(text: str) -> list[SamplingMessage]:
    return [SamplingMessage(role="user", content=TextContent(type="text", text=text))]


@server.tool()
def echo(text: str) -> str:
    """Return `text`; needs nothing from the client."""
    return text


@server.tool()
async def ask_name(ctx: Context) -> str:
    """Ask for a name with a form (form-mode elicitation), unchecked."""
    result = await ctx.elicit("What is your name?", Name)
    return f"hello {result.data.name}" if result.action == "accept" else result.action


@server.tool()
async def sign_in(ctx: Context) -> str:
    """Send the user to a sign-in page (URL-mode elicitation), unchecked."""
    result = await ctx.elicit_url("Please sign in.", "https://example.com/sign-in", "sign-in-1")
    return result.action


@server.tool()
async def summarize(text: str, ctx: Context) -> str:
    """Ask the client's LLM for a summary (sampling), unchecked."""
    result = await ctx.session.create_message(_ask(f"Summarize: {text}"), max_tokens=60)
    return result.content.text if isinstance(result.content, TextContent) else "(no text)"


@server.tool()
async def summarize_with_context(text: str, ctx: Context) -> str:
    """Sample with includeContext="thisServer", which needs sampling.context; unchecked."""
    result = await ctx.session.create_message(_ask(f"Summarize: {text}"), max_tokens=60, include_context="thisServer")
    return result.content.text if isinstance(result.content, TextContent) else "(no text)"


@server.tool()
async def plan_with_tools(city: str, ctx: Context) -> str:
    """Sample with a tool offered, which needs sampling.tools; the SDK checks this one itself."""
    result = await ctx.session.create_message(_ask(f"Weather in {city}?"), max_tokens=60, tools=[WEATHER_TOOL])
    return f"stop reason {result.model_dump(by_alias=True)['stopReason']}"


@server.tool()
async def client_roots(ctx: Context) -> str:
    """Ask the client for its roots (roots/list), unchecked."""
    listed = await ctx.session.list_roots()
    return f"{len(listed.roots)} root(s)"


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
