"""`client_capabilities`: what the client declared, and what each talking-back tool will do about it.

The same report the other demo servers give (`demo_servers.capability_report`): the
elicitation tools need form mode and refuse without it, `test_sampling` needs sampling and
refuses without it (this server has no fallback sampler), and progress and logging need
nothing from the client's declaration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import toolkit
from toolkit import Context

from ..capability_report import CapabilityReport, ToolSupport, capability_report

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["everything_tool_support", "register_capability_tool"]

FORM_TOOLS = ("test_elicitation", "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums")


def everything_tool_support(features: toolkit.server.ClientFeatures) -> list[ToolSupport]:
    """One verdict per tool that uses elicitation, sampling, progress or logging."""
    form = features.supports_elicitation("form")
    verdicts = [
        ToolSupport(tool, "elicitation.form", "works", "Asks one form.")
        if form
        else ToolSupport(tool, "elicitation.form", "refuses", "Fails with an error naming elicitation.form.")
        for tool in FORM_TOOLS
    ]
    verdicts.append(
        ToolSupport("test_sampling", "sampling", "works", "Asks the client's LLM.")
        if features.sampling
        else ToolSupport("test_sampling", "sampling", "refuses", "Fails with an error naming sampling.")
    )
    verdicts += [
        ToolSupport(
            "test_tool_with_progress",
            "progressToken on the request",
            "works",
            "Progress is sent when the call carries a progressToken; the answer comes back either way.",
        ),
        ToolSupport("test_tool_with_logging", "nothing", "works", "Log notifications need no client capability."),
    ]
    return verdicts


async def client_capabilities(ctx: Context) -> CapabilityReport:
    """What this client declared, and which tools will work, fall back or refuse."""
    features = toolkit.client_features(ctx)
    return capability_report(features, everything_tool_support(features))


def register_capability_tool(server: StatefulServer) -> None:
    """Add `client_capabilities` to `server`."""
    server.add_tool(client_capabilities)
