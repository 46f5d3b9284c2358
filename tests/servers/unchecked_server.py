"""A server on the plain SDK (FastMCP on mcp 1.x, MCPServer on 2.x; no toolkit) that talks back unchecked.

Each tool uses the SDK the obvious way: `ctx.elicit`, `ctx.elicit_url`,
`ctx.session.create_message` and `ctx.session.list_roots`. The SDK checks only `tools` in
sampling, so every other request goes out to clients that never declared it, which is the
protocol violation the negotiation lab detects. It is the comparison server of
docs/negotiation.md.
"""

from __future__ import annotations

from mcp.types import SamplingMessage, TextContent, Tool
from plain_sdk import Context, plain_server, serve, stop_reason
from pydantic import BaseModel, Field

server = plain_server("plain-fastmcp")

WEATHER_TOOL = Tool.model_validate(
    {
        "name": "get_weather",
        "description": "Current weather in a city",
        "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
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
    return f"stop reason {stop_reason(result)}"


@server.tool()
async def client_roots(ctx: Context) -> str:
    """Ask the client for its roots (roots/list), unchecked."""
    listed = await ctx.session.list_roots()
    return f"{len(listed.roots)} root(s)"


if __name__ == "__main__":
    serve(server)
