"""Resource subscriptions: answer `resources/subscribe` and notify subscribers of changes.

FastMCP 1.x has no public API for `resources/subscribe`; the handlers belong on its low-level
server, which even then declares `resources.subscribe: false`. `enable_resource_subscriptions`
registers both handlers, makes the declared capability match, and returns the registry that
tools use to announce a change.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import anyio
from pydantic import AnyUrl

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP
    from mcp.server.session import ServerSession
    from mcp.types import ServerCapabilities

__all__ = ["ResourceSubscriptions", "enable_resource_subscriptions"]


class ResourceSubscriptions:
    """The resource URIs each live session subscribed to; a session's entry ends with it."""

    def __init__(self) -> None:
        self._by_session: weakref.WeakKeyDictionary[ServerSession, set[str]] = weakref.WeakKeyDictionary()

    def add(self, session: ServerSession, uri: str) -> None:
        """Subscribe `session` to `uri`."""
        self._by_session.setdefault(session, set()).add(uri)

    def discard(self, session: ServerSession, uri: str) -> None:
        """Unsubscribe `session` from `uri`; unknown pairs are ignored."""
        self._by_session.get(session, set()).discard(uri)

    def subscribers(self, uri: str) -> list[ServerSession]:
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
                await session.send_resource_updated(AnyUrl(uri))
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                self._by_session.pop(session, None)
                continue
            told += 1
        return told


def enable_resource_subscriptions(server: FastMCP[Any]) -> ResourceSubscriptions:
    """Answer `resources/subscribe` and `resources/unsubscribe` on `server`, and declare `subscribe`.

    Returns:
        The registry of subscriptions; call `notify_updated(uri)` when a resource changes.
    """
    subscriptions = ResourceSubscriptions()
    lowlevel = server._mcp_server

    async def subscribe(uri: AnyUrl) -> None:
        subscriptions.add(lowlevel.request_context.session, str(uri))

    async def unsubscribe(uri: AnyUrl) -> None:
        subscriptions.discard(lowlevel.request_context.session, str(uri))

    lowlevel.subscribe_resource()(subscribe)
    lowlevel.unsubscribe_resource()(unsubscribe)
    declare = lowlevel.get_capabilities

    def get_capabilities(*args: Any, **kwargs: Any) -> ServerCapabilities:
        capabilities = declare(*args, **kwargs)
        if capabilities.resources is not None:
            capabilities.resources.subscribe = True
        return capabilities

    # The SDK derives `resources.subscribe` from nothing; declaring it is the point of the call.
    lowlevel.get_capabilities = get_capabilities  # type: ignore[method-assign]
    return subscriptions
