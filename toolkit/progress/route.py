"""Where a tool call's progress goes, and whether it may still go there.

A route sends to the request's progress token, or as log notifications when the request
carried no token, and refuses anything once the call's response has gone out. Every reporter
on one request shares a channel, so the token's values increase even when a `Progress` and a
heartbeat report on the same call.

Whether a request still awaits its response comes from the SDK boundary (`call_open`). A line
that cannot tell keeps routes open until their owner closes them, which `Progress` and
`heartbeat` do when their block ends. The channels live with the session on the server
(`server.toolkit`), not in a module-level table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Literal

import anyio

from .._sdk import LOG_LEVELS, LoggingLevel, sdk
from ..errors import InvalidArgument
from ..server.logs import send_log
from ..server.state import session_state

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["LogText", "ProgressRoute", "Via", "checked_level", "progress_text", "route_for"]

#: How a reporter sends: the request's progress token, log notifications, or None for
#: "the token when there is one, else log notifications".
Via = Literal["progress", "log"]
#: Builds the text of a log notification from (value, total, message).
LogText = Callable[[float, float | None, str | None], str]
Sender = Callable[[float, float | None, str | None], Awaitable[None]]

_SEND_FAILURES = (anyio.ClosedResourceError, anyio.BrokenResourceError)


def _always_open() -> bool:
    return True


@dataclass(slots=True, eq=False)
class _Channel:
    """The highest value sent on one progress token; a lock keeps sends in claim order.

    `is_open` tells whether the call the channel belongs to still awaits its response.
    """

    last: float | None = None
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    is_open: Callable[[], bool] = _always_open

    def claim(self, value: float) -> bool:
        if self.last is not None and value <= self.last:
            return False
        self.last = value
        return True


@dataclass(slots=True, eq=False)
class ProgressRoute:
    """One reporter's way to the client for one request.

    Attributes:
        closed: True once the owner closed it, the response went out, or the client left.
    """

    send: Sender
    channel: _Channel
    is_open: Callable[[], bool]
    closed: bool = False

    async def deliver(self, value: float, total: float | None, message: str | None) -> bool:
        """Send `value` unless the call is over or the token already carried as much.

        Returns:
            True if a notification went out.
        """
        if self._over():
            return False
        async with self.channel.lock:
            # Again under the lock: the response may have gone out while this send waited.
            if self._over() or not self.channel.claim(value):
                return False
            try:
                await self.send(value, total, message)
            except _SEND_FAILURES:
                # The client went away mid-call: the work may go on, but nothing more can reach it.
                self.closed = True
                return False
        return True

    def _over(self) -> bool:
        if not self.closed and not self.is_open():
            self.closed = True
        return self.closed


def route_for(
    ctx: Context,
    *,
    via: Via | None = None,
    log_level: LoggingLevel | None = None,
    log_text: LogText | None = None,
) -> ProgressRoute | None:
    """The route for the request of `ctx`, or None when nothing can or should be sent.

    Args:
        ctx: The tool's context; outside a request there is no route.
        via: "progress" for the token only, "log" for log notifications only, None for the
            token when the request has one and log notifications otherwise.
        log_level: Level of log notifications; None sends none.
        log_text: Text of a log notification; `progress_text` by default.
    """
    if not sdk.in_request(ctx):
        # A Context built outside a request, e.g. a tool function called directly in a test.
        return None
    is_open = partial(sdk.call_open, ctx)
    token = sdk.progress_token(ctx)
    if token is not None and via != "log":
        return ProgressRoute(partial(sdk.send_progress, ctx, token), _shared_channel(ctx), is_open)
    if log_level is not None and via != "progress":
        send = partial(_send_log_line, ctx, log_level, log_text or progress_text)
        return ProgressRoute(send, _Channel(), is_open)
    return None


def checked_level(name: str, level: LoggingLevel | None) -> LoggingLevel | None:
    """`level` itself if it is None or a protocol log level; otherwise a clear error."""
    if level is not None and level not in LOG_LEVELS:
        raise InvalidArgument.for_value(name, level, f"use one of {', '.join(LOG_LEVELS)}, or None")
    return level


def progress_text(value: float, total: float | None, message: str | None) -> str:
    """`"message (3/10)"`, or just the numbers without a message."""
    amount = f"{value:g}/{total:g}" if total is not None else f"{value:g}"
    return f"{message} ({amount})" if message else amount


def _shared_channel(ctx: Context) -> _Channel:
    """The channel of the call of `ctx`, shared by every reporter of that call.

    Kept per session, by request id. A call's entry outlives it only until the next call of
    the same session asks for a channel; the whole table goes with the session.
    """
    session = session_state(ctx)
    if session is None:
        return _Channel(is_open=partial(sdk.call_open, ctx))
    channels = session.progress
    request_id = sdk.request_id(ctx)
    channel = channels.get(request_id)
    if channel is None:
        for finished in [rid for rid, other in channels.items() if not other.is_open()]:
            del channels[finished]
        channel = channels[request_id] = _Channel(is_open=partial(sdk.call_open, ctx))
    return channel


async def _send_log_line(
    ctx: Context,
    level: LoggingLevel,
    text: LogText,
    value: float,
    total: float | None,
    message: str | None,
) -> None:
    await send_log(ctx, level, text(value, total, message), logger="progress")
