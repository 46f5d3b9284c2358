"""Resources the conformance suite reads (`resources-*`), and a watched resource with subscriptions."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

import toolkit

from .samples import PNG_BASE64

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["WATCHED_URI", "register_resources"]

WATCHED_URI = "test://watched-resource"


class WatchedResource:
    """Text that a tool can change; every change notifies the subscribed sessions."""

    def __init__(
        self, subscriptions: toolkit.server.ResourceSubscriptions, text: str = "Watched resource content"
    ) -> None:
        self.subscriptions = subscriptions
        self.text = text

    def read(self) -> str:
        """The current text of the watched resource."""
        return self.text

    async def update(self, text: str) -> str:
        """Replace the text and send `notifications/resources/updated` to every subscriber."""
        self.text = text
        told = await self.subscriptions.notify_updated(WATCHED_URI)
        return f"Updated {WATCHED_URI}; notified {told} subscribed session(s)."


def static_text() -> str:
    """A fixed text resource."""
    return "This is the content of the static text resource."


def static_binary() -> bytes:
    """A fixed binary resource: a 1x1 PNG."""
    return base64.b64decode(PNG_BASE64)


def template_data(id: str) -> str:
    """JSON data for the id in the URI `test://template/{id}/data`."""
    return json.dumps({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})


def register_resources(server: StatefulServer) -> None:
    """Add the resources, the resource template, subscriptions and `update_watched_resource`."""
    server.resource("test://static-text", name="static-text", mime_type="text/plain")(static_text)
    server.resource("test://static-binary", name="static-binary", mime_type="image/png")(static_binary)
    server.resource("test://template/{id}/data", name="template-data", mime_type="application/json")(template_data)
    watched = WatchedResource(toolkit.server.enable_resource_subscriptions(server))
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
