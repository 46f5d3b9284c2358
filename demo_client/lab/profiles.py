"""The client capability profiles of the negotiation lab: one declaration each.

Each profile switches on one feature a server may rely on, plus "nothing" and "everything",
so a matrix over them shows what each tool does when exactly that capability is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..client.capabilities import Capabilities
from ..errors import ConfigurationError

__all__ = ["PROFILES", "Profile", "choose_profiles"]


@dataclass(frozen=True, slots=True)
class Profile:
    """A named client declaration.

    Attributes:
        name: Short name, used as the matrix column and in `--profiles`.
        description: What the client declares, in words.
        capabilities: The declaration sent on `initialize`.
    """

    name: str
    description: str
    capabilities: Capabilities


PROFILES: tuple[Profile, ...] = (
    Profile("nothing", "no client capability", Capabilities.none()),
    Profile("form", "elicitation, form mode only", Capabilities.parse("elicitation.form")),
    Profile("url", "elicitation, URL mode only", Capabilities.parse("elicitation.url")),
    Profile("form+url", "elicitation, form and URL mode", Capabilities.parse("elicitation")),
    Profile("sampling", "sampling, without tools or context", Capabilities.parse("sampling")),
    Profile("sampling+tools", "sampling with tools", Capabilities.parse("sampling.tools")),
    Profile("roots", "roots (with listChanged)", Capabilities.parse("roots")),
    Profile(
        "everything",
        "elicitation (form, URL), sampling (tools, context), roots",
        Capabilities.parse("elicitation,sampling.tools,sampling.context,roots"),
    ),
)


def choose_profiles(names: str | None) -> tuple[Profile, ...]:
    """The profiles named in a comma-separated list, in the lab's order; all of them for None.

    Raises:
        ConfigurationError: A name is not a profile.
    """
    if names is None:
        return PROFILES
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    known = [profile.name for profile in PROFILES]
    unknown = sorted(wanted - set(known))
    if unknown or not wanted:
        raise ConfigurationError(
            f"Unknown profile(s) {', '.join(unknown) or '(none given)'}; choose from: {', '.join(known)}."
        )
    return tuple(profile for profile in PROFILES if profile.name in wanted)
