"""Resource subscriptions: answer `resources/subscribe` and notify subscribers of changes.

Neither SDK line has a public API for `resources/subscribe` on its high-level server, and
mcp 1.x declares `resources.subscribe: false` even with handlers in place.
`enable_resource_subscriptions` registers both handlers, makes the declared capability
match, and returns the registry (kept on the server) that tools use to announce a change.
Subscriptions belong to sessions of protocol revision 2025-11-25.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from .._sdk import sdk
from .state import state_of

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["ResourceSubscriptions", "enable_resource_subscriptions"]

UPDATED = "notifications/resources/updated"


class ResourceSubscriptions:
    """The resource URIs each live session subscribed to; a session's entry ends with it.

    Sessions are the SDK's session objects (what a tool's context belongs to); the registry
    holds them weakly.
    """

    def __init__(self) -> None:
        self._by_session: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()

    def add(self, session: object, uri: str) -> None:
        """Subscribe `session` to `uri`."""
        self._by_session.setdefault(session, set()).add(uri)

    def discard(self, session: object, uri: str) -> None:
        """Unsubscribe `session` from `uri`; unknown pairs are ignored."""
        self._by_session.get(session, set()).discard(uri)

    def subscribers(self, uri: str) -> list[object]:
        """The sessions currently subscribed to `uri`."""
        return [session for session, uris in list(self._by_session.items()) if uri in uris]

    async def notify_updated(self, uri: str) -> int:
        """Send `notifications/resources/updated` for `uri` to every subscriber.

        Returns:
            How many sessions were told; a session whose client is gone is skipped.
        """
        told = 0
        for session in self.subscribers(uri):
            try:
                await sdk.notify_session(session, UPDATED, {"uri": uri})
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                self._by_session.pop(session, None)
                continue
            told += 1
        return told


def enable_resource_subscriptions(server: Any) -> ResourceSubscriptions:
    """Answer `resources/subscribe` and `resources/unsubscribe` on `server`, and declare `subscribe`.

    Calling it again for the same server returns the same registry.

    Returns:
        The registry of subscriptions; call `notify_updated(uri)` when a resource changes.
    """
    state = state_of(server)
    if state.subscriptions is not None:
        return state.subscriptions
    subscriptions = state.subscriptions = ResourceSubscriptions()

    async def subscribe(ctx: Context, params: Mapping[str, Any]) -> None:
        session = sdk.session_key(ctx)
        if session is not None:
            subscriptions.add(session, str(params["uri"]))

    async def unsubscribe(ctx: Context, params: Mapping[str, Any]) -> None:
        session = sdk.session_key(ctx)
        if session is not None:
            subscriptions.discard(session, str(params["uri"]))

    sdk.handle_request(server, "resources/subscribe", subscribe)
    sdk.handle_request(server, "resources/unsubscribe", unsubscribe)
    sdk.declare_resource_subscribe(server)
    return subscriptions
