"""What the connected client declared, read once from `initialize`, and checks built on it.

The SDK's `check_client_capability` treats `elicitation` as one flag; the protocol
distinguishes form and URL mode (an empty `elicitation: {}` means form only), and sampling
has `context` and `tools` sub-capabilities. Every toolkit helper checks here before it sends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from mcp.types import ClientCapabilities

from ..errors import ElicitationUnsupported, SamplingUnsupported

if TYPE_CHECKING:
    from mcp.server.fastmcp import Context

__all__ = ["ClientFeatures", "client_features", "require_elicitation", "require_sampling"]

ElicitationMode = Literal["form", "url"]


@dataclass(frozen=True, slots=True)
class ClientFeatures:
    """The client's declared capabilities, flattened to the questions servers ask."""

    elicitation_form: bool = False
    elicitation_url: bool = False
    sampling: bool = False
    sampling_context: bool = False
    sampling_tools: bool = False
    roots: bool = False
    roots_list_changed: bool = False
    client_name: str | None = None
    client_version: str | None = None

    @classmethod
    def from_capabilities(cls, caps: ClientCapabilities | None, **info: str | None) -> ClientFeatures:
        """Flatten the `capabilities` object of an `initialize` request."""
        if caps is None:
            return cls(**info)
        elicitation = caps.elicitation
        form = url = False
        if elicitation is not None:
            form_declared = getattr(elicitation, "form", None) is not None
            url = getattr(elicitation, "url", None) is not None
            # `elicitation: {}` predates modes and means form only.
            form = form_declared or not url
        sampling = caps.sampling
        return cls(
            elicitation_form=form,
            elicitation_url=url,
            sampling=sampling is not None,
            sampling_context=sampling is not None and getattr(sampling, "context", None) is not None,
            sampling_tools=sampling is not None and getattr(sampling, "tools", None) is not None,
            roots=caps.roots is not None,
            roots_list_changed=bool(caps.roots and caps.roots.listChanged),
            **info,
        )

    def supports_elicitation(self, mode: ElicitationMode = "form") -> bool:
        """Whether the client declared elicitation in `mode`."""
        return self.elicitation_form if mode == "form" else self.elicitation_url

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for tools that report what the client declared."""
        return asdict(self)


def client_features(ctx: Context[Any, Any, Any]) -> ClientFeatures:
    """What the client of this request declared when it initialized its session."""
    params = ctx.session.client_params
    if params is None:
        return ClientFeatures()
    info = params.clientInfo
    return ClientFeatures.from_capabilities(
        params.capabilities, client_name=info.name if info else None, client_version=info.version if info else None
    )


def require_elicitation(ctx: Context[Any, Any, Any], mode: ElicitationMode = "form") -> None:
    """Raise `ElicitationUnsupported` unless the client declared elicitation in `mode`."""
    if not client_features(ctx).supports_elicitation(mode):
        raise ElicitationUnsupported(f"elicitation.{mode}")


def require_sampling(ctx: Context[Any, Any, Any], *, context: bool = False, tools: bool = False) -> None:
    """Raise `SamplingUnsupported` unless the client declared sampling (and `context`/`tools`)."""
    features = client_features(ctx)
    if not features.sampling:
        raise SamplingUnsupported("sampling")
    if context and not features.sampling_context:
        raise SamplingUnsupported(
            "sampling.context",
            "The client did not declare 'sampling.context', so includeContext must be 'none'. "
            "Drop include_context or connect with a client that declares it.",
        )
    if tools and not features.sampling_tools:
        raise SamplingUnsupported(
            "sampling.tools",
            "The client did not declare 'sampling.tools', so the request cannot offer tools. "
            "Drop tools or connect with a client that declares it.",
        )
