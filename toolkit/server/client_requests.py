"""Requests from the server to the client, bounded in time and cancelled on the wire when abandoned.

The SDK's `send_request` gives up on a read timeout without telling the client, so the
client keeps a form (or a sampling prompt) open that nobody will read. Here, giving up
always sends `notifications/cancelled` for the request, both when our own deadline passes
and when the tool call itself is cancelled.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from mcp import types
from mcp.shared.message import ServerMessageMetadata
from pydantic import BaseModel

if TYPE_CHECKING:
    from mcp.server.fastmcp import Context

__all__ = ["CANCEL_GRACE", "send_client_request"]

ResultT = TypeVar("ResultT", bound=BaseModel)

#: Seconds allowed for telling the client about a cancellation after the tool call was cancelled.
CANCEL_GRACE = 2.0


async def send_client_request(
    ctx: Context[Any, Any, Any],
    request: types.ServerRequestType,
    result_type: type[ResultT],
    *,
    seconds: float | None,
    timeout_reason: str,
) -> ResultT:
    """Send `request` on the stream of the current tool call and wait for the client's result.

    Args:
        ctx: The tool's context.
        request: The request to send, e.g. an `ElicitRequest`.
        result_type: The model the client's result is validated into.
        seconds: Seconds to wait for the answer; None waits as long as the tool call lives.
        timeout_reason: The `reason` sent with `notifications/cancelled` when `seconds` run out.

    Returns:
        The client's result.

    Raises:
        TimeoutError: No answer within `seconds`; the request was cancelled on the wire.
        McpError: The client answered with a JSON-RPC error (or the connection closed).
        pydantic.ValidationError: The client's result does not fit `result_type`.
    """
    session = ctx.session
    # send_request takes this id before its first await, and nothing runs in between, so it
    # names the request about to be sent; the SDK offers no other way to learn it.
    request_id: int = session._request_id
    metadata = ServerMessageMetadata(related_request_id=ctx.request_id)
    try:
        with anyio.move_on_after(seconds):
            return await session.send_request(types.ServerRequest(request), result_type, metadata=metadata)
    except anyio.get_cancelled_exc_class():
        # The call's own stream ends with its cancellation, so this goes on the standalone stream.
        with anyio.move_on_after(CANCEL_GRACE, shield=True):
            await cancel_on_wire(ctx, request_id, "the tool call was cancelled", on_call_stream=False)
        raise
    await cancel_on_wire(ctx, request_id, timeout_reason)
    raise TimeoutError(timeout_reason)


async def cancel_on_wire(
    ctx: Context[Any, Any, Any], request_id: int, reason: str, *, on_call_stream: bool = True
) -> None:
    """Send `notifications/cancelled` for a request this server sent to the client.

    Args:
        ctx: The tool's context.
        request_id: The id of the server-to-client request to cancel.
        reason: Why, for the client to show or log.
        on_call_stream: Send on the tool call's stream (True) or the session's standalone
            GET stream (False), for when the call's stream is already closing.
    """
    params = types.CancelledNotificationParams(requestId=request_id, reason=reason)
    notification = types.ServerNotification(types.CancelledNotification(params=params))
    related = ctx.request_id if on_call_stream else None
    # A closed stream means the client is gone, so there is nothing left to cancel.
    with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
        await ctx.session.send_notification(notification, related_request_id=related)
