"""Which client capabilities the reference client declares on `initialize`.

The SDK's `ClientSession` declares a capability only when a callback is passed and always
declares both elicitation modes. Testing a server's negotiation needs finer control, so the
declaration is spelled out here and sent as is.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from mcp.types import (
    ClientCapabilities,
    ElicitationCapability,
    FormElicitationCapability,
    RootsCapability,
    SamplingCapability,
    SamplingContextCapability,
    SamplingToolsCapability,
    UrlElicitationCapability,
)

from ..errors import ConfigurationError

__all__ = ["Capabilities"]

# Names accepted by `Capabilities.parse`, mapped to the fields they switch on.
_SPEC_NAMES: dict[str, tuple[str, ...]] = {
    "elicitation": ("elicitation_form", "elicitation_url"),
    "elicitation.form": ("elicitation_form",),
    "elicitation.url": ("elicitation_url",),
    "sampling": ("sampling",),
    "sampling.context": ("sampling", "sampling_context"),
    "sampling.tools": ("sampling", "sampling_tools"),
    "roots": ("roots", "roots_list_changed"),
    "roots.static": ("roots",),
}


@dataclass(frozen=True, slots=True)
class Capabilities:
    """The capabilities to declare. The default declares elicitation (form and URL), sampling
    and roots with `listChanged`.

    Attributes:
        elicitation_form: Declare form-mode elicitation.
        elicitation_url: Declare URL-mode elicitation.
        sampling: Declare sampling.
        sampling_context: Declare `sampling.context` (non-"none" `includeContext`).
        sampling_tools: Declare `sampling.tools` (tool use inside sampling).
        roots: Declare roots.
        roots_list_changed: Declare `roots.listChanged`.
    """

    elicitation_form: bool = True
    elicitation_url: bool = True
    sampling: bool = True
    sampling_context: bool = False
    sampling_tools: bool = False
    roots: bool = True
    roots_list_changed: bool = True

    @classmethod
    def none(cls) -> Capabilities:
        """Declare nothing, like a plain SDK client with no callbacks."""
        return cls(**{f.name: False for f in fields(cls)})

    @classmethod
    def parse(cls, spec: str) -> Capabilities:
        """Build from a comma-separated list such as ``"elicitation.form,sampling"``.

        Accepted names: ``elicitation``, ``elicitation.form``, ``elicitation.url``,
        ``sampling``, ``sampling.context``, ``sampling.tools``, ``roots`` (with
        `listChanged`), ``roots.static`` (without) and ``none``.

        Raises:
            ConfigurationError: A name is not one of the above.
        """
        chosen = cls.none()
        for raw in spec.split(","):
            name = raw.strip().lower()
            if name in ("", "none"):
                continue
            if name not in _SPEC_NAMES:
                known = ", ".join([*_SPEC_NAMES, "none"])
                raise ConfigurationError(f"Unknown capability {name!r}; use a comma-separated list of: {known}.")
            chosen = replace(chosen, **dict.fromkeys(_SPEC_NAMES[name], True))
        return chosen

    @property
    def elicitation(self) -> bool:
        """Whether any elicitation mode is declared."""
        return self.elicitation_form or self.elicitation_url

    def declaration(self) -> ClientCapabilities:
        """The `capabilities` object of the `initialize` request."""
        return ClientCapabilities(
            elicitation=self._elicitation(),
            sampling=self._sampling(),
            roots=RootsCapability(listChanged=True if self.roots_list_changed else None) if self.roots else None,
        )

    def _elicitation(self) -> ElicitationCapability | None:
        if not self.elicitation:
            return None
        return ElicitationCapability(
            form=FormElicitationCapability() if self.elicitation_form else None,
            url=UrlElicitationCapability() if self.elicitation_url else None,
        )

    def _sampling(self) -> SamplingCapability | None:
        if not self.sampling:
            return None
        return SamplingCapability(
            context=SamplingContextCapability() if self.sampling_context else None,
            tools=SamplingToolsCapability() if self.sampling_tools else None,
        )

    def describe(self) -> str:
        """A short human-readable list, e.g. ``"elicitation.form, sampling, roots"``."""
        names = [name for name, on in self._flags() if on]
        return ", ".join(names) or "none"

    def _flags(self) -> list[tuple[str, bool]]:
        return [
            ("elicitation.form", self.elicitation_form),
            ("elicitation.url", self.elicitation_url),
            ("sampling", self.sampling),
            ("sampling.context", self.sampling_context),
            ("sampling.tools", self.sampling_tools),
            ("roots", self.roots),
            ("roots.listChanged", self.roots_list_changed),
        ]
