"""Which server-to-client requests a declaration allows, and an audit that counts the rest.

The protocol (2025-11-25) lets a server send a request only if the client declared the
matching capability:

| request | needs |
| --- | --- |
| `elicitation/create`, form mode (or no mode) | `elicitation.form` (an empty `elicitation: {}` counts) |
| `elicitation/create`, URL mode | `elicitation.url` |
| `sampling/createMessage` | `sampling` |
| ... with `tools` or `toolChoice` | `sampling.tools` as well |
| ... with `includeContext` other than `"none"` | `sampling.context` as well |
| `roots/list` | `roots` |

The SDK's `ClientSession` answers an undeclared request with an error and tells nobody.
`RequestAudit` is passed to `connect(on_server_request=...)`, sees every request (in wire
form, as the transport received it) before it is answered, and keeps the ones the
declaration did not allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..client.capabilities import Capabilities

__all__ = ["RequestAudit", "ServerRequestSeen", "declares", "required_capabilities"]

# The `Capabilities` field behind each capability name.
_FIELDS = {
    "elicitation.form": "elicitation_form",
    "elicitation.url": "elicitation_url",
    "sampling": "sampling",
    "sampling.context": "sampling_context",
    "sampling.tools": "sampling_tools",
    "roots": "roots",
}


@dataclass(frozen=True, slots=True)
class ServerRequestSeen:
    """One request the server sent to the client.

    Attributes:
        method: The JSON-RPC method, e.g. ``"elicitation/create"``.
        needs: Every capability the request needs, e.g. ``("sampling", "sampling.tools")``.
        missing: The capabilities in `needs` that the client did not declare.
    """

    method: str
    needs: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def violation(self) -> bool:
        """Whether the server sent this without the client declaring what it needs."""
        return bool(self.missing)


def required_capabilities(request: Mapping[str, Any]) -> tuple[str, ...]:
    """The client capabilities `request` (wire form) needs; empty for requests any client
    must answer (ping) and for methods the protocol does not define."""
    method = request.get("method")
    params = request.get("params") or {}
    if method == "elicitation/create":
        return ("elicitation.url",) if params.get("mode") == "url" else ("elicitation.form",)
    if method == "sampling/createMessage":
        needs = ["sampling"]
        if params.get("tools") is not None or params.get("toolChoice") is not None:
            needs.append("sampling.tools")
        if params.get("includeContext") not in (None, "none"):
            needs.append("sampling.context")
        return tuple(needs)
    if method == "roots/list":
        return ("roots",)
    return ()


def declares(capabilities: Capabilities, capability: str) -> bool:
    """Whether `capabilities` declares `capability` (one of the names `required_capabilities` returns)."""
    return bool(getattr(capabilities, _FIELDS[capability]))


class RequestAudit:
    """Records every request a server sends and flags those the declaration does not allow.

    Pass it as `connect(..., capabilities=declared, on_server_request=audit)`.

    Args:
        declared: What the client declared on `initialize`.

    Attributes:
        seen: Every request, in the order it arrived.
    """

    def __init__(self, declared: Capabilities) -> None:
        self.declared = declared
        self.seen: list[ServerRequestSeen] = []

    def __call__(self, request: Mapping[str, Any]) -> None:
        """Record `request` (wire form); the `on_server_request` callback."""
        needs = required_capabilities(request)
        missing = tuple(name for name in needs if not declares(self.declared, name))
        self.seen.append(ServerRequestSeen(str(request.get("method")), needs, missing))

    @property
    def violations(self) -> list[ServerRequestSeen]:
        """The requests the server should not have sent."""
        return [seen for seen in self.seen if seen.violation]

    def since(self, mark: int) -> list[ServerRequestSeen]:
        """The requests recorded after the first `mark` ones (take `len(audit.seen)` as a mark)."""
        return self.seen[mark:]
