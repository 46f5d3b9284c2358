"""`everything`: one server exposing every tool, resource and prompt of the MCP conformance suite.

Run it with ``python -m demo_servers.everything --host 127.0.0.1 --port 3001`` and point
``conformance server --url http://127.0.0.1:3001/mcp`` at it. It is built on
`toolkit.stateful_server`, so it keeps sessions, resumes SSE streams, answers
`logging/setLevel` and protects a localhost bind against DNS rebinding. On mcp 2.x the same
endpoint serves protocol revision 2026-07-28 too, and the same tool source asks its questions
in both: as requests on a 2025-11-25 session, as input-required results on 2026-07-28.
"""

from __future__ import annotations

import toolkit
from toolkit.server import CacheHint

from .capability_tool import register_capability_tool
from .content import register_content_tools
from .forms import register_elicitation_tools
from .input_required import register_input_required
from .interactive import register_interactive_tools
from .list_changes import register_list_change_tools
from .prompts import register_prompts
from .resources import register_resources
from .schemas import json_schema_2020_12_tool, x_mcp_header_tool
from .stateless import register_stateless_diagnostics

__all__ = ["build_server"]

NAME = "toolkit-everything"
#: How long a client may keep the resource listings: five minutes.
LISTING_TTL_MS = 300_000


def build_server(host: str | None = None, port: int | None = None) -> toolkit.StatefulServer:
    """A fresh everything server; nothing is shared between two calls."""
    server = toolkit.stateful_server(
        NAME,
        host=host,
        port=port,
        instructions="Conformance server: every tool, resource and prompt the MCP conformance suite calls.",
        tools=[json_schema_2020_12_tool(), x_mcp_header_tool()],
        # The resource listings never change (the watched resource's text does, so reads stay
        # uncached); tools and prompts can, through the trigger tools.
        cache_hints={
            "resources/list": CacheHint(LISTING_TTL_MS, "public"),
            "resources/templates/list": CacheHint(LISTING_TTL_MS, "public"),
        },
    )
    register_content_tools(server)
    register_interactive_tools(server)
    register_elicitation_tools(server)
    register_resources(server)
    register_prompts(server)
    register_capability_tool(server)
    register_input_required(server)
    register_stateless_diagnostics(server)
    register_list_change_tools(server)
    return server
