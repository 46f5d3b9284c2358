"""The tool's context, and what a tool may read about the request behind it.

`Context` is the class a tool annotates its context parameter with; the installed SDK fills
it in. The functions here read the HTTP request behind a call the same way on either SDK line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._sdk import Context, sdk

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = [
    "MCP_SESSION_ID_HEADER",
    "Context",
    "http_request",
    "notify_session",
    "request_header",
    "session_id",
]

#: The header that names a 2025-11-25 session.
MCP_SESSION_ID_HEADER = "mcp-session-id"



def http_request(ctx: Context) -> Request | None:
    """The Starlette request that carried the call (headers, `base_url`), or None (in memory, stdio)."""
    return sdk.http_request(ctx)


def request_header(ctx: Context, name: str) -> str | None:
    """A header of the HTTP request behind `ctx`, or None (also when there is no HTTP request)."""
    request = sdk.http_request(ctx)
    return None if request is None else request.headers.get(name)


def session_id(ctx: Context) -> str | None:
    """The call's `Mcp-Session-Id`, or None (a session-less request, or no HTTP request)."""
    return request_header(ctx, MCP_SESSION_ID_HEADER)


async def notify_session(ctx: Context, method: str, params: dict[str, Any] | None = None) -> None:
    """Send a notification to the session of `ctx` on its standalone stream, not tied to this call.

    For notifications about the session rather than the call, such as
    `notifications/resources/list_changed`; the client receives them on its GET stream. A
    session-less request (protocol revision 2026-07-28) has no such stream: nothing is sent.

    Args:
        ctx: The tool's context.
        method: The notification's method.
        params: Its params in wire form.
    """
    session = sdk.session_key(ctx)
    if session is not None:
        await sdk.notify_session(session, method, params or {})
