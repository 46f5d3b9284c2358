"""What the connected client declared, and what each demo tool will do about it.

Both demo servers have a `client_capabilities` tool built on this: the client's declared
capabilities (`toolkit.client_features(ctx).as_dict()`) plus one `ToolSupport` line per
tool that depends on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import toolkit

__all__ = ["CapabilityReport", "Status", "ToolSupport", "capability_report"]

Status = Literal["works", "falls back", "refuses"]


@dataclass(frozen=True)
class ToolSupport:
    """How one tool behaves with this client.

    Attributes:
        tool: The tool's name.
        needs: The client capability (or request feature) it uses.
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


def capability_report(features: toolkit.server.ClientFeatures, tools: list[ToolSupport]) -> CapabilityReport:
    """Pair the client's declared capabilities with the per-tool verdicts."""
    return CapabilityReport(client=features.as_dict(), tools=tools)
