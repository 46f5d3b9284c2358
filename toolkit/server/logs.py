"""Logging, both ways: notifications to the client, and the server's own log.

**To the client.** The SDK's server (FastMCP, MCPServer) registers no `logging/setLevel`
handler, so it never declares the `logging` capability and answers `setLevel` with -32601
while `ctx.log` still sends notifications. `install_log_level_handler` closes that gap through
the SDK boundary; `send_log` is the level-aware way to log.

**The server's own log.** The SDK's server configures the root logger with rich's handler, which
formats and wraps every record on the event loop, and the SDK logs values taken from client
input whole (an unknown tool name, an answer to a request it never sent). One multi-megabyte
value then stalls every session while it is wrapped. `configure_server_logging` puts a queue
in between instead: the event loop only cuts each message to `MAX_MESSAGE_CHARS` and enqueues
it; a thread formats and writes. It also demotes the SDK's traceback for an SSE stream that
ends because its session ended, which is routine, to DEBUG.
"""

from __future__ import annotations

import atexit
import copy
import logging
import logging.handlers
import queue
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import anyio

from .._sdk import LOG_LEVELS, SESSIONLESS_REVISION, LoggingLevel, sdk
from .state import call_state, session_state, state_of

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = [
    "LOG_LEVELS",
    "MAX_MESSAGE_CHARS",
    "SERVER_LOG_LEVELS",
    "TruncateLongMessages",
    "client_log_level",
    "configure_server_logging",
    "install_log_level_handler",
    "send_log",
    "should_send",
]

_RANK = {level: rank for rank, level in enumerate(LOG_LEVELS)}


def install_log_level_handler(server: Any, default_level: LoggingLevel = "debug") -> None:
    """Answer `logging/setLevel` on `server`, which also makes it declare `logging`.

    The level a client sets is kept with its session on the server (`server.toolkit`) and
    goes with the session.

    Args:
        server: The server to extend (a `stateful_server` or any SDK server).
        default_level: The minimum level sent to a client that never called `setLevel`.
    """

    async def set_level(ctx: Context, params: Mapping[str, Any]) -> None:
        session = session_state(ctx)
        if session is not None:
            session.log_level = params["level"]

    sdk.handle_request(server, "logging/setLevel", set_level)
    state_of(server).default_log_level = default_level


def client_log_level(ctx: Context) -> LoggingLevel | None:
    """The minimum level the client of `ctx` wants to receive.

    2025-11-25: what the session set with `logging/setLevel`, else the server's default.
    2026-07-28: what this very request asks for in its `_meta`; None when it names no level,
    and then nothing is sent.
    """
    if sdk.protocol_version(ctx) == SESSIONLESS_REVISION:
        return sdk.request_log_level(ctx)
    state = call_state(ctx)
    session = state.session(ctx)
    if session is not None and session.log_level is not None:
        return session.log_level
    return state.default_log_level


def should_send(ctx: Context, level: LoggingLevel) -> bool:
    """Whether a notification at `level` passes the client's chosen minimum."""
    minimum = client_log_level(ctx)
    return minimum is not None and _RANK[level] >= _RANK[minimum]


async def send_log(ctx: Context, level: LoggingLevel, data: Any, *, logger: str | None = None) -> bool:
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
    await sdk.send_log(ctx, level, data, logger)
    return True


#: Levels of the server's own log, as FastMCP and uvicorn name them.
SERVER_LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Characters of one log message kept; the rest is cut and counted.
MAX_MESSAGE_CHARS: Final = 2_000
#: Characters of one formatted traceback kept.
MAX_TRACEBACK_CHARS: Final = 20_000
#: Records waiting for the writer thread; more are dropped (and counted) rather than block.
QUEUE_SIZE: Final = 10_000
LOG_FORMAT: Final = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
# The SDK's messages when an SSE writer finds its stream closed under it.
_WRITER_ERRORS: Final = ("Error in standalone SSE writer", "Error in SSE writer")


def _shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` cut to `limit` characters, saying how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit:,} more characters]"


def _shorten_record(record: logging.LogRecord, limit: int) -> None:
    """Render the message of `record` into `record.msg`, cut to `limit` characters."""
    if isinstance(record.args, tuple):
        # Cut long string arguments first, so a huge value is never copied into the message;
        # to half the limit, so the note of how much was cut survives the message's own cut.
        record.args = tuple(_shorten(arg, limit // 2) if isinstance(arg, str) else arg for arg in record.args)
    try:
        message = record.getMessage()
    except Exception:
        # A malformed call: the handler reports it when it formats, as logging always does.
        return
    record.msg = _shorten(message, limit)
    record.args = None


class TruncateLongMessages(logging.Filter):
    """A handler filter that cuts every message to `max_chars`, for handlers of your own.

    It renders the message into the record (`msg` with no `args`), so every handler that sees
    the record afterwards sees the cut message.

    Args:
        max_chars: Characters kept of each message.
    """

    def __init__(self, max_chars: int = MAX_MESSAGE_CHARS) -> None:
        super().__init__()
        self.max_chars = max_chars

    def filter(self, record: logging.LogRecord) -> bool:
        _shorten_record(record, self.max_chars)
        return True


class _QuietSessionEnd(logging.Filter):
    """Demotes the SDK's traceback for an SSE stream closed by the end of its session.

    After a client ends its session, mcp 1.x logs "Error in standalone SSE writer" with a
    `ClosedResourceError` traceback at ERROR: its writer was still waiting on the stream the
    session's termination closed. Nothing went wrong, so it becomes a DEBUG record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not (record.levelno >= logging.ERROR and record.msg in _WRITER_ERRORS and record.exc_info):
            return True
        if not _only_closed_streams(record.exc_info[1]):
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def _only_closed_streams(error: BaseException | None) -> bool:
    closed = (anyio.ClosedResourceError, anyio.BrokenResourceError)
    if isinstance(error, BaseExceptionGroup):
        return all(_only_closed_streams(inner) for inner in error.exceptions)
    return isinstance(error, closed)


class _QueueHandler(logging.handlers.QueueHandler):
    """The event loop's side: cut the message, enqueue, never wait."""

    def __init__(self, records: queue.Queue[logging.LogRecord], max_chars: int) -> None:
        super().__init__(records)
        self.max_chars = max_chars
        self.dropped = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # A copy, so other handlers of the same record still see it whole; the traceback is
        # left for the writer thread to format.
        prepared = copy.copy(record)
        _shorten_record(prepared, self.max_chars)
        return prepared

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class _Formatter(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        return _shorten(super().formatException(ei), MAX_TRACEBACK_CHARS)


class _Writer(logging.StreamHandler):  # type: ignore[type-arg]
    """The writer thread's side: format and write, and say so when records were dropped."""

    def __init__(self, source: _QueueHandler) -> None:
        super().__init__(sys.stderr)
        self.source = source
        self.reported = 0
        self.setFormatter(_Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        # Whatever stderr is now, so a redirected stream (a test's capture) is honoured.
        self.stream = sys.stderr
        dropped = self.source.dropped
        if dropped > self.reported:
            note = logging.LogRecord(__name__, logging.WARNING, __file__, 0, "", None, None)
            note.msg = f"{dropped - self.reported:,} log records dropped: the log writer fell behind"
            self.reported = dropped
            super().emit(note)
        super().emit(record)


class _ServerLogging:
    """The queue handler on the root logger and the thread that writes what it queues."""

    def __init__(self, max_chars: int) -> None:
        self.handler = _QueueHandler(queue.Queue(QUEUE_SIZE), max_chars)
        self.listener = logging.handlers.QueueListener(
            self.handler.queue, _Writer(self.handler), respect_handler_level=True
        )
        self.listener.start()
        # Write what is still queued when the process exits.
        atexit.register(self.listener.stop)


_server_logging: _ServerLogging | None = None
_quiet_session_end = _QuietSessionEnd()


def configure_server_logging(level: str = "INFO", *, max_chars: int = MAX_MESSAGE_CHARS) -> bool:
    """Log the server's records from a writer thread, each message cut to `max_chars`.

    Installs a queue handler on the root logger (once per process) and sets the root level,
    after removing the rich handler FastMCP installs. If the application has configured
    handlers of its own on the root logger, they are left alone and nothing is installed:
    add `TruncateLongMessages` to them. Either way the SDK's traceback for an SSE stream
    closed by the end of its session is demoted to DEBUG.

    Args:
        level: One of `SERVER_LOG_LEVELS`, in any case.
        max_chars: Characters kept of each message.

    Returns:
        True if the toolkit's handler logs the server's records, False if the application's
        own handlers do.

    Raises:
        ValueError: `level` is not one of `SERVER_LOG_LEVELS`.
    """
    # One writer thread per process, as there is one root logger.
    global _server_logging
    name = level.upper()
    if name not in SERVER_LOG_LEVELS:
        raise ValueError(f"log level {level!r} is not one of {', '.join(SERVER_LOG_LEVELS)}")
    streamable_http = logging.getLogger("mcp.server.streamable_http")
    if _quiet_session_end not in streamable_http.filters:
        streamable_http.addFilter(_quiet_session_end)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if _is_fastmcp_handler(handler):
            root.removeHandler(handler)
    ours = _server_logging.handler if _server_logging is not None else None
    if any(handler is not ours for handler in root.handlers):
        return False
    if _server_logging is None:
        _server_logging = _ServerLogging(max_chars)
    _server_logging.handler.max_chars = max_chars
    if _server_logging.handler not in root.handlers:
        root.addHandler(_server_logging.handler)
    root.setLevel(name)
    return True


def _is_fastmcp_handler(handler: logging.Handler) -> bool:
    # FastMCP's `configure_logging` puts a rich handler on the root logger; nothing else
    # in the server does.
    return type(handler).__name__ == "RichHandler" and type(handler).__module__.startswith("rich.")
