"""Resources the conformance suite reads (`resources-*`), and per-session subscriptions.

FastMCP 1.x has no public API for `resources/subscribe`: the handlers go on its low-level
server, which then still declares `resources.subscribe: false`. `enable_subscriptions`
registers both handlers and makes the declared capability match.
"""

from __future__ import annotations

import base64
import json
import weakref
from typing import TYPE_CHECKING, Any

from pydantic import AnyUrl

from .samples import PNG_BASE64

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP
    from mcp.server.session import ServerSession
    from mcp.types import ServerCapabilities

__all__ = ["WATCHED_URI", "Subscriptions", "register_resources"]

WATCHED_URI = "test://watched-resource"


class Subscriptions:
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


class WatchedResource:
    """Text that a tool can change; every change notifies the subscribed sessions."""

    def __init__(self, subscriptions: Subscriptions, text: str = "Watched resource content") -> None:
        self.subscriptions = subscriptions
        self.text = text

    def read(self) -> str:
        """The current text of the watched resource."""
        return self.text

    async def update(self, text: str) -> str:
        """Replace the text and send `notifications/resources/updated` to every subscriber."""
        self.text = text
        sessions = self.subscriptions.subscribers(WATCHED_URI)
        for session in sessions:
            await session.send_resource_updated(AnyUrl(WATCHED_URI))
        return f"Updated {WATCHED_URI}; notified {len(sessions)} subscribed session(s)."


def static_text() -> str:
    """A fixed text resource."""
    return "This is the content of the static text resource."


def static_binary() -> bytes:
    """A fixed binary resource: a 1x1 PNG."""
    return base64.b64decode(PNG_BASE64)


def template_data(id: str) -> str:
    """JSON data for the id in the URI `test://template/{id}/data`."""
    return json.dumps({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})


def register_resources(server: FastMCP) -> None:
    """Add the resources, the resource template, subscriptions and `update_watched_resource`."""
    server.resource("test://static-text", name="static-text", mime_type="text/plain")(static_text)
    server.resource("test://static-binary", name="static-binary", mime_type="image/png")(static_binary)
    server.resource("test://template/{id}/data", name="template-data", mime_type="application/json")(template_data)
    watched = WatchedResource(enable_subscriptions(server))
    server.resource(
        WATCHED_URI,
        name="watched-resource",
        description="Text that changes; subscribe to hear about it.",
        mime_type="text/plain",
    )(watched.read)

    @server.tool()
    async def update_watched_resource(text: str) -> str:
        """Change the watched resource and notify every session subscribed to it."""
        return await watched.update(text)


def enable_subscriptions(server: FastMCP) -> Subscriptions:
    """Answer `resources/subscribe` and `resources/unsubscribe`, and declare `subscribe: true`."""
    subscriptions = Subscriptions()
    lowlevel = server._mcp_server

    async def subscribe(uri: AnyUrl) -> None:
        subscriptions.add(server.get_context().session, str(uri))

    async def unsubscribe(uri: AnyUrl) -> None:
        subscriptions.discard(server.get_context().session, str(uri))

    lowlevel.subscribe_resource()(subscribe)
    lowlevel.unsubscribe_resource()(unsubscribe)
    declare = lowlevel.get_capabilities

    def get_capabilities(*args: Any, **kwargs: Any) -> ServerCapabilities:
        capabilities = declare(*args, **kwargs)
        if capabilities.resources is not None:
            capabilities.resources.subscribe = True
        return capabilities

    lowlevel.get_capabilities = get_capabilities  # type: ignore[method-assign]
    return subscriptions
