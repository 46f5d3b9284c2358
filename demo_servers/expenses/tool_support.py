"""How each expense tool that talks back behaves for a client, for `client_capabilities`."""

from __future__ import annotations

import toolkit

from ..capability_report import ToolSupport

__all__ = ["expense_tool_support"]


def expense_tool_support(features: toolkit.server.ClientFeatures) -> list[ToolSupport]:
    """One verdict per tool that uses elicitation, sampling or progress."""
    return [
        _elicitation(features),
        _sampling(features),
        ToolSupport(
            "generate_report",
            "progressToken on the request",
            "works",
            "Progress is sent when the call carries a progressToken; without one the report still comes back.",
        ),
    ]


def _elicitation(features: toolkit.server.ClientFeatures) -> ToolSupport:
    if features.supports_elicitation("form"):
        return ToolSupport("add_expense_interactive", "elicitation.form", "works", "Asks four questions in turn.")
    return ToolSupport(
        "add_expense_interactive",
        "elicitation.form",
        "refuses",
        "Fails with a clear error and stores nothing; use add_expense instead.",
    )


def _sampling(features: toolkit.server.ClientFeatures) -> ToolSupport:
    if features.sampling:
        return ToolSupport("analyze_spending", "sampling", "works", "Asks the client's LLM for advice.")
    return ToolSupport(
        "analyze_spending", "sampling", "falls back", "Answers with a computed summary, labelled as such."
    )
