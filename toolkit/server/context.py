"""The tool's context, and what a tool may read about the request behind it.

`Context` is the class a tool annotates its context parameter with; the installed SDK fills
it in. The functions here read the HTTP request behind a call the same way on either SDK line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._sdk import Context, sdk

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["MCP_SESSION_ID_HEADER", "Context", "http_request", "request_header", "session_id"]

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
