"""The small interface the toolkit uses to reach the MCP SDK, whichever SDK line is installed.

Everything outside `toolkit._sdk` speaks to the SDK only through these names. Each SDK line
(`v1` for mcp 1.x FastMCP, `v2` for mcp 2.x MCPServer) implements every one of them, and
`toolkit._sdk` picks the implementation once, at import time.

Values cross the boundary as plain data in wire form (camelCase keys, as on the wire), never
as SDK models: mcp 1.x models use camelCase attributes and mcp 2.x snake_case ones, so plain
dicts are the one shape both lines agree on.

A *call* is one request the server is serving (a `tools/call`, `prompts/get`, ...), reached
through the tool's `Context`. A call belongs to a *session* on protocol revision 2025-11-25,
and to no session at all on 2026-07-28 (mcp 2.x only).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

__all__ = [
    "HANDSHAKE_REVISION",
    "LOG_LEVELS",
    "SESSIONLESS_REVISION",
    "ClientRequestError",
    "ClientRequestTimeout",
    "LoggingLevel",
    "NoBackChannel",
    "RequestHandler",
    "SDKLine",
    "TransportOptions",
]

LoggingLevel = Literal["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
#: RFC 5424 severities in increasing order, as the protocol names them.
LOG_LEVELS: tuple[LoggingLevel, ...] = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")

#: The protocol revision with `initialize` and sessions.
HANDSHAKE_REVISION = "2025-11-25"
#: The session-less protocol revision (multi round-trip requests); mcp 2.x only.
SESSIONLESS_REVISION = "2026-07-28"

#: A low-level request handler: (the call's context, the request's params in wire form) -> result in wire form.
RequestHandler = Callable[[Any, Mapping[str, Any]], Awaitable[Mapping[str, Any] | None]]


class ClientRequestError(Exception):
    """The client answered a server-to-client request with a JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


class ClientRequestTimeout(Exception):
    """No answer to a server-to-client request in time; the request was cancelled on the wire."""


class NoBackChannel(Exception):
    """The call has no channel for server-to-client requests; nothing was sent.

    A 2026-07-28 request never has one: the server asks the client by answering with an
    input-required result instead. Only mcp 2.x raises it.
    """


@dataclass(frozen=True, slots=True)
class TransportOptions:
    """What the toolkit asks of the streamable-HTTP transport.

    Attributes:
        path: The MCP endpoint path, e.g. `/mcp`.
        host: The bind address; decides the SDK's default DNS-rebinding protection.
        allowed_hosts: `Host` values accepted when DNS-rebinding protection is on; None leaves
            protection on only for loopback binds.
        allowed_origins: `Origin` values accepted with `allowed_hosts`.
        session_idle_timeout: Seconds without a request before a 2025-11-25 session ends.
        max_sessions: Open 2025-11-25 sessions at most; None for the SDK's default.
        event_store: The SDK-shaped event store for SSE resumability, or None. If it has a
            `scoped(session_id, store) -> store` method, each 2025-11-25 session writes to the
            view that returns (stream ids repeat across sessions); a view with a `close()`
            method is closed once, when its session ends.
        retry_interval_ms: The SSE `retry` hint, with an event store.
    """

    path: str
    host: str
    allowed_hosts: tuple[str, ...] | None
    allowed_origins: tuple[str, ...] | None
    session_idle_timeout: float
    max_sessions: int | None
    event_store: Any
    retry_interval_ms: int | None


class SDKLine(Protocol):
    """What each SDK line module provides (checked by `tests/test_sdk_boundary.py`)."""

    #: The major version of the installed `mcp` (1 or 2).
    LINE: int
    #: The installed `mcp` version string.
    VERSION: str
    #: The protocol revisions the installed SDK can serve.
    REVISIONS: tuple[str, ...]
    #: The class a tool annotates its context parameter with.
    Context: type
    #: The SDK's server class the toolkit's preset extends.
    ServerBase: type
    #: The SDK's base for "answer this tool call with URL elicitation required" (-32042).
    UrlElicitationRequiredBase: type[Exception]
    #: The SDK's MCP error class (a JSON-RPC error raised from a tool).
    ProtocolErrorBase: type[Exception]

    # -- the call ------------------------------------------------------------------------
    def in_request(self, ctx: Any) -> bool: ...
    def protocol_version(self, ctx: Any) -> str: ...
    def request_id(self, ctx: Any) -> str: ...
    def client_capabilities(self, ctx: Any) -> dict[str, Any]: ...
    def client_info(self, ctx: Any) -> dict[str, Any] | None: ...
    def http_request(self, ctx: Any) -> Request | None: ...
    def access_token_claims(self) -> dict[str, Any] | None: ...
    def session_key(self, ctx: Any) -> object | None: ...
    def server_of(self, ctx: Any) -> Any: ...
    def progress_token(self, ctx: Any) -> str | int | None: ...
    def call_open(self, ctx: Any) -> bool: ...

    # -- talking to the client -----------------------------------------------------------
    async def request_client(
        self, ctx: Any, method: str, params: dict[str, Any], *, seconds: float | None, timeout_reason: str
    ) -> dict[str, Any]: ...
    async def send_progress(
        self, ctx: Any, token: str | int, progress: float, total: float | None, message: str | None
    ) -> None: ...
    async def send_log(self, ctx: Any, level: LoggingLevel, data: Any, logger: str | None) -> None: ...
    async def notify_resource_updated(self, session: object, uri: str) -> None: ...
    def url_elicitation_required(self, elicitations: list[dict[str, Any]], message: str | None) -> Exception: ...

    # -- the server ----------------------------------------------------------------------
    def set_server_version(self, server: Any, version: str) -> None: ...
    def handle_request(self, server: Any, method: str, handler: RequestHandler) -> None: ...
    def declare_resource_subscribe(self, server: Any) -> None: ...
    def streamable_http_app(self, server: Any, options: TransportOptions) -> Starlette: ...
    def on_session_closed(self, ctx: Any, callback: Callable[[], Awaitable[None]]) -> None: ...
