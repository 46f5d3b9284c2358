"""`everything`: one server exposing every tool, resource and prompt of the MCP conformance suite.

Run it with ``python -m demo_servers.everything --host 127.0.0.1 --port 3001`` and point
``conformance server --url http://127.0.0.1:3001/mcp`` at it. It is built on
`toolkit.stateful_server`, so it keeps sessions, resumes SSE streams, answers
`logging/setLevel` and protects a localhost bind against DNS rebinding.
"""

from __future__ import annotations

import toolkit

from .capability_tool import register_capability_tool
from .content import register_content_tools
from .forms import register_elicitation_tools
from .interactive import register_interactive_tools
from .prompts import register_prompts
from .resources import register_resources
from .schemas import json_schema_2020_12_tool

__all__ = ["build_server"]

NAME = "toolkit-everything"


def build_server(host: str | None = None, port: int | None = None) -> toolkit.StatefulServer:
    """A fresh everything server; nothing is shared between two calls."""
    server = toolkit.stateful_server(
        NAME,
        host=host,
        port=port,
        instructions="Conformance server: every tool, resource and prompt the MCP conformance suite calls.",
        tools=[json_schema_2020_12_tool()],
    )
    register_content_tools(server)
    register_interactive_tools(server)
    register_elicitation_tools(server)
    register_resources(server)
    register_prompts(server)
    register_capability_tool(server)
    return server
