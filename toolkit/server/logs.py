"""Log notifications to the client, filtered by the level the client set with `logging/setLevel`.

FastMCP 1.x registers no `logging/setLevel` handler, so it never declares the `logging`
capability and answers `setLevel` with -32601 while `ctx.log` still sends notifications.
`install_log_level_handler` closes that gap; `send_log` is the level-aware way to log.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, get_args

from mcp.types import LoggingLevel

if TYPE_CHECKING:
    from mcp.server.fastmcp import Context, FastMCP
    from mcp.server.lowlevel import Server
    from mcp.server.session import ServerSession

__all__ = ["LOG_LEVELS", "client_log_level", "install_log_level_handler", "send_log", "should_send"]

#: RFC 5424 severities in increasing order, as the protocol names them.
LOG_LEVELS: tuple[LoggingLevel, ...] = get_args(LoggingLevel)
_RANK = {level: rank for rank, level in enumerate(LOG_LEVELS)}

# Keyed by the session object so a level lives exactly as long as its session.
_levels: weakref.WeakKeyDictionary[ServerSession, LoggingLevel] = weakref.WeakKeyDictionary()
_server_defaults: weakref.WeakKeyDictionary[Server[Any, Any], LoggingLevel] = weakref.WeakKeyDictionary()


def install_log_level_handler(server: FastMCP, default_level: LoggingLevel = "debug") -> None:
    """Answer `logging/setLevel` on `server`, which also makes it declare `logging`.

    Args:
        server: The FastMCP server to extend.
        default_level: The minimum level sent to a client that never called `setLevel`.
    """
    lowlevel = server._mcp_server

    async def set_level(level: LoggingLevel) -> None:
        session = lowlevel.request_context.session
        _levels[session] = level

    lowlevel.set_logging_level()(set_level)
    _server_defaults[lowlevel] = default_level


def client_log_level(ctx: Context[Any, Any, Any]) -> LoggingLevel:
    """The minimum level the client of `ctx` wants to receive."""
    level = _levels.get(ctx.session)
    if level is not None:
        return level
    return _server_defaults.get(ctx.fastmcp._mcp_server, "debug")


def should_send(ctx: Context[Any, Any, Any], level: LoggingLevel) -> bool:
    """Whether a notification at `level` passes the client's chosen minimum."""
    return _RANK[level] >= _RANK[client_log_level(ctx)]


async def send_log(ctx: Context[Any, Any, Any], level: LoggingLevel, data: Any, *, logger: str | None = None) -> bool:
    """Send `notifications/message` unless the client asked for a higher minimum level.

    Args:
        ctx: The tool's context.
        level: Severity of this message.
        data: Any JSON-serialisable value; usually a string.
        logger: Optional logger name shown by the client.

    Returns:
        True if the notification was sent, False if the client's level filtered it out.
    """
    if not should_send(ctx, level):
        return False
    await ctx.session.send_log_message(level=level, data=data, logger=logger, related_request_id=ctx.request_id)
    return True
