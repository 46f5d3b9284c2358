"""Which client capabilities the reference client declares on `initialize`.

The SDK's `ClientSession` (on both lines) declares a capability only when a callback is
passed, and always declares both elicitation modes. Testing a server's negotiation needs
finer control, so the declaration is spelled out here, in wire form, and sent as is.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

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

    def declaration(self) -> dict[str, Any]:
        """The `capabilities` object of the `initialize` request, in wire form."""
        declared: dict[str, Any] = {}
        if self.elicitation:
            modes = (("form", self.elicitation_form), ("url", self.elicitation_url))
            declared["elicitation"] = {mode: {} for mode, on in modes if on}
        if self.sampling:
            parts = (("context", self.sampling_context), ("tools", self.sampling_tools))
            declared["sampling"] = {part: {} for part, on in parts if on}
        if self.roots:
            declared["roots"] = {"listChanged": True} if self.roots_list_changed else {}
        return declared

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
