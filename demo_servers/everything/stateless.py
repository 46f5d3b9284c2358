"""Diagnostic tools the `server-stateless` scenario (2026-07-28) calls.

- `test_missing_capability` needs the client's `sampling` capability. On 2026-07-28 a
  request that did not declare it is refused with the protocol's missing-capability error
  (-32021, `requiredCapabilities: {"sampling": {}}`); on 2025-11-25 it is a tool error.
- `test_streaming_elicitation` reports progress, then asks the user. On 2026-07-28 the
  question is the call's own input-required result: the response stream never carries a
  request of its own.
- `test_logging_tool` logs three messages; on 2026-07-28 they go out only when the request
  names a log level in its `_meta`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

import toolkit
from toolkit import Accepted, Context
from toolkit.server import require_sampling

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["register_stateless_diagnostics"]


class Go(toolkit.Form):
    """Whether to go on."""

    proceed: bool = Field(default=True, description="Go on?")


async def test_missing_capability(ctx: Context) -> str:
    """Needs the client's sampling capability, and refuses the call when it was not declared."""
    require_sampling(ctx)
    return "The client declared sampling, so this tool can run."


async def test_streaming_elicitation(ctx: Context) -> str:
    """Report progress, then ask whether to go on; the question never travels as a request of its own on 2026-07-28."""
    await toolkit.Progress(ctx, total=2, min_interval=0).set(1, "about to ask")
    outcome = await toolkit.elicit(ctx, "Go on?", Go, key="proceed")
    if isinstance(outcome, Accepted):
        return "Going on." if outcome.data.proceed else "Stopping here."
    return f"No answer ({outcome.action})."


async def test_logging_tool(ctx: Context) -> str:
    """Send three info log notifications, then answer."""
    for text in ("Logging tool started", "Logging tool working", "Logging tool finished"):
        await toolkit.send_log(ctx, "info", text)
    return "Logged three messages."


def register_stateless_diagnostics(server: StatefulServer) -> None:
    """Add the `server-stateless` diagnostic tools to `server`."""
    for tool in (test_missing_capability, test_streaming_elicitation, test_logging_tool):
        server.add_tool(tool, structured_output=False)
