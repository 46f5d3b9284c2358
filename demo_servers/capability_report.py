"""What the connected client declared, and what each interactive tool will do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import toolkit

__all__ = ["CapabilityReport", "ToolSupport", "capability_report"]

Status = Literal["works", "falls back", "refuses"]


@dataclass(frozen=True)
class ToolSupport:
    """How one tool behaves with this client.

    Attributes:
        tool: The tool's name.
        needs: The client capability it uses.
        status: ``works``, ``falls back`` (still answers, with less) or ``refuses`` (errors).
        detail: What happens, in a sentence.
    """

    tool: str
    needs: str
    status: Status
    detail: str


@dataclass(frozen=True)
class CapabilityReport:
    """The client's declared capabilities and the resulting behaviour of each tool."""

    client: dict[str, Any]
    tools: list[ToolSupport]


def capability_report(features: toolkit.ClientFeatures) -> CapabilityReport:
    """Explain how the expense tools behave for a client that declared `features`."""
    return CapabilityReport(
        client=features.as_dict(),
        tools=[
            _elicitation(features),
            _sampling(features),
            ToolSupport(
                "generate_report",
                "progressToken on the request",
                "works",
                "Progress is sent when the call carries a progressToken; without one the report still comes back.",
            ),
        ],
    )


def _elicitation(features: toolkit.ClientFeatures) -> ToolSupport:
    if features.supports_elicitation("form"):
        return ToolSupport("add_expense_interactive", "elicitation.form", "works", "Asks four questions in turn.")
    return ToolSupport(
        "add_expense_interactive",
        "elicitation.form",
        "refuses",
        "Fails with a clear error and stores nothing; use add_expense instead.",
    )


def _sampling(features: toolkit.ClientFeatures) -> ToolSupport:
    if features.sampling:
        return ToolSupport("analyze_spending", "sampling", "works", "Asks the client's LLM for advice.")
    return ToolSupport(
        "analyze_spending", "sampling", "falls back", "Answers with a computed summary, labelled as such."
    )
