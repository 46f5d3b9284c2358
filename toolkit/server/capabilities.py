"""What the connected client declared, and checks built on it.

The SDK's `check_client_capability` treats `elicitation` as one flag; the protocol
distinguishes form and URL mode (an empty `elicitation: {}` means form only), and sampling
has `context` and `tools` sub-capabilities. Every toolkit helper checks here before it sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from .._sdk import sdk
from ..errors import CapabilityError
from .rounds import current_call

if TYPE_CHECKING:
    from .._sdk import Context

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
    def from_capabilities(cls, caps: Mapping[str, Any] | None, **info: str | None) -> ClientFeatures:
        """Flatten a `capabilities` object in wire form (as in `initialize`)."""
        if not caps:
            return cls(**info)
        elicitation = _object(caps.get("elicitation"))
        form = url = False
        if elicitation is not None:
            form_declared = elicitation.get("form") is not None
            url = elicitation.get("url") is not None
            # `elicitation: {}` predates modes and means form only.
            form = form_declared or not url
        sampling = _object(caps.get("sampling"))
        roots = _object(caps.get("roots"))
        return cls(
            elicitation_form=form,
            elicitation_url=url,
            sampling=sampling is not None,
            sampling_context=sampling is not None and sampling.get("context") is not None,
            sampling_tools=sampling is not None and sampling.get("tools") is not None,
            roots=roots is not None,
            roots_list_changed=bool(roots and roots.get("listChanged")),
            **info,
        )

    def supports_elicitation(self, mode: ElicitationMode = "form") -> bool:
        """Whether the client declared elicitation in `mode`."""
        return self.elicitation_form if mode == "form" else self.elicitation_url

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for tools that report what the client declared."""
        return asdict(self)


def client_features(ctx: Context) -> ClientFeatures:
    """What the client of this request declared: at `initialize` on 2025-11-25, per request on 2026-07-28."""
    call = current_call(ctx)
    if call is not None and call.features is not None:
        # Read once per call: a call asking several questions checks before each of them.
        return call.features
    info = sdk.client_info(ctx) or {}
    features = ClientFeatures.from_capabilities(
        sdk.client_capabilities(ctx), client_name=info.get("name"), client_version=info.get("version")
    )
    if call is not None:
        call.features = features
    return features


def _object(value: Any) -> Mapping[str, Any] | None:
    # A capability is declared by an object; anything else (null, absent) declares nothing.
    return value if isinstance(value, Mapping) else None


def require_elicitation(ctx: Context, mode: ElicitationMode = "form") -> None:
    """Raise `CapabilityError` unless the client declared elicitation in `mode`."""
    if not client_features(ctx).supports_elicitation(mode):
        raise CapabilityError(f"elicitation.{mode}")


def require_sampling(ctx: Context, *, context: bool = False, tools: bool = False) -> None:
    """Raise `CapabilityError` unless the client declared sampling (and `context`/`tools`)."""
    features = client_features(ctx)
    if not features.sampling:
        raise CapabilityError("sampling")
    if context and not features.sampling_context:
        raise CapabilityError(
            "sampling.context",
            "The client did not declare 'sampling.context', so includeContext must be 'none'. "
            "Drop include_context or connect with a client that declares it.",
        )
    if tools and not features.sampling_tools:
        raise CapabilityError(
            "sampling.tools",
            "The client did not declare 'sampling.tools', so the request cannot offer tools. "
            "Drop tools or connect with a client that declares it.",
        )
