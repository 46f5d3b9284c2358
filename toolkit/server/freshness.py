"""How fresh a client's copy of the server's lists is: caching hints, and notices when a list changes.

On protocol revision 2026-07-28 the results of `tools/list`, `prompts/list`,
`resources/list`, `resources/templates/list`, `resources/read` and `server/discover` carry
`ttlMs` (how long the result stays fresh) and `cacheScope` (`"public"`: one cached copy may
serve every user; `"private"`: only the user who asked). Without a hint the SDK sends 0 ms,
private: always refetch. A server whose lists do not change says so with
`stateful_server(..., cache_hints={"resources/list": CacheHint(300_000, "public")})`.

A server whose lists do change tells clients with `notify_list_changed(ctx, "tools")`:
`notifications/tools/list_changed` on the calling 2025-11-25 session, and on mcp 2.x also on
every `subscriptions/listen` stream (2026-07-28) that asked for tool changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from .._sdk import sdk
from ..errors import ConfigurationError

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["CACHEABLE_METHODS", "CacheHint", "CacheScope", "ListKind", "cache_hint_options", "notify_list_changed"]

#: Who may share a cached result: everyone (`public`) or only the user who asked (`private`).
CacheScope = Literal["public", "private"]
#: A list `notify_list_changed` announces a change of.
ListKind = Literal["tools", "prompts", "resources"]
#: The methods whose 2026-07-28 results carry caching hints.
CACHEABLE_METHODS = (
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "server/discover",
)


@dataclass(frozen=True, slots=True)
class CacheHint:
    """How long one method's results stay fresh, and who may share a cached copy.

    Attributes:
        ttl_ms: Milliseconds the result stays fresh; 0 means refetch every time.
        scope: `"public"` when the result is the same for every user, else `"private"`.
    """

    ttl_ms: int = 0
    scope: CacheScope = "private"

    def __post_init__(self) -> None:
        if isinstance(self.ttl_ms, bool) or not isinstance(self.ttl_ms, int) or self.ttl_ms < 0:
            raise ConfigurationError(
                f"CacheHint ttl_ms must be a whole number of milliseconds, 0 or more, not {self.ttl_ms!r}."
            )
        if self.scope not in get_args(CacheScope):
            raise ConfigurationError(f"CacheHint scope must be 'public' or 'private', not {self.scope!r}.")


def cache_hint_options(hints: Mapping[str, CacheHint] | None) -> dict[str, Any]:
    """The SDK server options that stamp `hints` on 2026-07-28 results (none on mcp 1.x).

    Raises:
        ConfigurationError: A key is not a cacheable method, or a value is not a `CacheHint`.
    """
    if not hints:
        return {}
    unknown = sorted(str(method) for method in hints if method not in CACHEABLE_METHODS)
    if unknown:
        raise ConfigurationError(
            f"cache_hints has no caching hint for {', '.join(unknown)}; use the methods {', '.join(CACHEABLE_METHODS)}."
        )
    for method, hint in hints.items():
        if not isinstance(hint, CacheHint):
            raise ConfigurationError(
                f"cache_hints[{method!r}] is a {type(hint).__name__}; use toolkit.server.CacheHint(ttl_ms, scope)."
            )
    return sdk.cache_hint_options({method: (hint.ttl_ms, hint.scope) for method, hint in hints.items()})


async def notify_list_changed(ctx: Context, kind: ListKind) -> None:
    """Tell clients that the server's `kind` list (tools, prompts or resources) changed.

    Call it after adding or removing a tool, prompt or resource. The calling 2025-11-25
    session gets `notifications/<kind>/list_changed` on its standalone stream; on mcp 2.x,
    every open `subscriptions/listen` stream (2026-07-28) that asked for `kind` changes gets
    it too, whichever revision the call itself used.

    Raises:
        ConfigurationError: `kind` is not tools, prompts or resources.
    """
    if kind not in get_args(ListKind):
        raise ConfigurationError(f"notify_list_changed: {kind!r} is not a list; use tools, prompts or resources.")
    await sdk.notify_list_changed(ctx, kind)
