"""What the reference client needs from the MCP SDK, in terms that name no SDK.

Everything outside `demo_client._sdk` reaches the SDK through `demo_client._sdk.sdk`, an
object with the members of `SDKLine` below. Values cross the boundary in wire form: plain
dicts with the protocol's camelCase keys, as they travel in JSON. mcp 1.x models have
camelCase attributes and mcp 2.x models snake_case ones, so plain dicts are the one shape
both lines agree on.

What stays on our side of the line: the HTTP transport (`demo_client.client.transport`), the
recovery from expired sessions (`demo_client.client.connection`), the declaration of
capabilities and the handlers. What the SDK does for us on both lines: JSON-RPC framing and
correlation, validation of every message against the protocol's schema, progress routing,
dispatch of server-to-client requests to the handlers, and the typed operations
(`tools/call`, `tools/list`, ...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "AUTO",
    "CONNECTION_CLOSED",
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "LEGACY_REVISION",
    "METHOD_NOT_FOUND",
    "MODERN_REVISION",
    "ErrorAnswer",
    "Handlers",
    "NotModern",
    "Outgoing",
    "ProgressFn",
    "ProtocolError",
    "RequestNotSent",
    "RoundsExceeded",
    "SDKLine",
    "Session",
    "UnsupportedProtocol",
    "Wire",
]

#: A protocol value in wire form: a JSON object with camelCase keys.
Wire = dict[str, Any]
#: Progress of one request: `(progress, total, message)`.
ProgressFn = Callable[[float, float | None, str | None], Awaitable[None]]

# JSON-RPC error codes the client itself uses; fixed by JSON-RPC 2.0 and the MCP spec.
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
#: MCP's code for "the connection closed before the response arrived".
CONNECTION_CLOSED = -32000

#: The session revision: `initialize`, `Mcp-Session-Id`, server-to-client requests on the stream.
LEGACY_REVISION = "2025-11-25"
#: The session-less revision: `server/discover`, a `_meta` envelope on every request, MRTR.
MODERN_REVISION = "2026-07-28"
#: Let the server decide: `server/discover`, falling back to `initialize`.
AUTO = "auto"


class ProtocolError(Exception):
    """A request of ours was answered with a JSON-RPC error.

    The transport reports its own failures this way too, with the failure as `data` (an
    exception object that only ever travels in memory, so no server can forge one).

    Attributes:
        code: The JSON-RPC error code.
        message: The error message.
        data: The error's `data`, or None.
    """

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


class RequestNotSent(Exception):
    """The session closed before the request was handed to the transport, so it never left."""


class UnsupportedProtocol(Exception):
    """The server answered `initialize` with a protocol revision this SDK line does not speak.

    Attributes:
        version: The revision the server chose.
        supported: The revisions the client speaks.
    """

    def __init__(self, version: str, supported: tuple[str, ...]) -> None:
        super().__init__(f"protocol {version} is not one of {', '.join(supported)}")
        self.version = version
        self.supported = supported


class NotModern(Exception):
    """The client asked for 2026-07-28 and the server does not speak it.

    Attributes:
        reason: What the server answered to `server/discover`.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RoundsExceeded(Exception):
    """The server kept answering `input_required` for more rounds than the bound allows.

    Attributes:
        max_rounds: The bound that was reached.
    """

    def __init__(self, max_rounds: int) -> None:
        super().__init__(f"more than {max_rounds} input rounds")
        self.max_rounds = max_rounds


class ErrorAnswer(Exception):
    """Raised by a handler: answer the server's request with this JSON-RPC error.

    Attributes:
        code: The JSON-RPC error code.
        message: The error message.
        data: The error's `data`, or None.
    """

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message the session wants sent, as the transport needs it.

    Attributes:
        wire: The JSON-RPC message in wire form.
        headers: HTTP headers the SDK asks for on this message (mcp 2.x stamps
            `Mcp-Protocol-Version` and, on 2026-07-28, `Mcp-Method` and `Mcp-Name`).
    """

    wire: Wire
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Handlers:
    """How a session answers the server, in wire form.

    A handler that is None leaves the request to the SDK's default, which refuses it (the
    client declared nothing for it). A handler may raise `ErrorAnswer` to refuse.

    Attributes:
        declared: The `capabilities` object to send on `initialize`, sent as is.
        client_info: The `clientInfo` object for `initialize`.
        elicit: `elicitation/create` params -> `ElicitResult`.
        sample: `sampling/createMessage` params -> `CreateMessageResult`.
        list_roots: () -> `ListRootsResult`.
        on_log: `notifications/message` params.
        on_notification: Every other server notification, as ``{"method": ..., "params": ...}``.
    """

    declared: Wire
    client_info: Wire
    elicit: Callable[[Wire], Awaitable[Wire]] | None = None
    sample: Callable[[Wire], Awaitable[Wire]] | None = None
    list_roots: Callable[[], Awaitable[Wire]] | None = None
    on_log: Callable[[Wire], Awaitable[None]] | None = None
    on_notification: Callable[[Wire], Awaitable[None]] | None = None


class Session(Protocol):
    """One SDK client session over our transport's streams; results in wire form.

    Every operation raises `ProtocolError` for a JSON-RPC error answer and `RequestNotSent`
    when the session closed before the request left.
    """

    async def initialize(self) -> Wire:
        """Agree on a revision as the session's `protocol` says and return what the server told.

        `2025-11-25`: the `initialize` handshake with `Handlers.declared`. `2026-07-28`:
        `server/discover`. `auto`: `server/discover`, falling back to `initialize` for a server
        that only speaks the older revision. The result has the shape of an `InitializeResult`
        whichever way it was learnt: `protocolVersion`, `capabilities`, `serverInfo` (absent when
        a 2026-07-28 server does not name itself) and `instructions`.

        Raises:
            UnsupportedProtocol: The server chose a revision this line does not speak.
            NotModern: `2026-07-28` was asked for and the server refused `server/discover`.
        """
        ...

    async def call_tool(self, name: str, arguments: Wire | None, on_progress: ProgressFn | None) -> Wire:
        """`tools/call`; the `CallToolResult`.

        On 2026-07-28 an `input_required` answer is resolved here: each round's input requests
        go to the same handlers as the server requests of 2025-11-25, and the call is retried
        with their answers and the server's `requestState`, as often as the bound allows.

        Raises:
            RoundsExceeded: The server still wanted input after the bound.
        """
        ...

    async def list_tools(self, cursor: str | None) -> Wire:
        """One page of `tools/list`."""
        ...

    async def list_prompts(self, cursor: str | None) -> Wire:
        """One page of `prompts/list`."""
        ...

    async def get_prompt(self, name: str, arguments: dict[str, str] | None) -> Wire:
        """`prompts/get`."""
        ...

    async def list_resources(self, cursor: str | None) -> Wire:
        """One page of `resources/list`."""
        ...

    async def read_resource(self, uri: str) -> Wire:
        """`resources/read`."""
        ...

    async def ping(self) -> None:
        """One round trip: `ping`, or on 2026-07-28 (which has no `ping`) `server/discover`."""
        ...

    async def set_log_level(self, level: str) -> None:
        """`logging/setLevel`; on 2026-07-28 the level every later request carries in `_meta`."""
        ...

    async def roots_changed(self) -> None:
        """Send `notifications/roots/list_changed`; nothing on 2026-07-28, which asks for roots each time."""
        ...


class SDKLine(Protocol):
    """One SDK line (mcp 1.x or 2.x), as the client uses it.

    Attributes:
        LINE: The major version of the installed `mcp`.
        HANDSHAKE_VERSIONS: The protocol revisions with `initialize` that the line speaks.
        MODERN_VERSIONS: The session-less revisions the line speaks (none on mcp 1.x).
    """

    LINE: int
    HANDSHAKE_VERSIONS: tuple[str, ...]
    MODERN_VERSIONS: tuple[str, ...]

    def outgoing(self, message: Any) -> Outgoing:
        """What the transport sends for one item the session wrote to its write stream."""
        ...

    def incoming(self, wire: Wire) -> Any:
        """The read-stream item for one message from the server.

        Raises:
            ValueError: `wire` is not a valid JSON-RPC message.
        """
        ...

    def open_session(
        self,
        read_stream: Any,
        write_stream: Any,
        handlers: Handlers,
        *,
        known_failure: Callable[[Any], Exception | None],
        protocol: str = LEGACY_REVISION,
        max_rounds: int = 10,
    ) -> AbstractAsyncContextManager[Session]:
        """Run an SDK client session over the streams; not yet initialized.

        Args:
            read_stream: Where the transport delivers `incoming` items.
            write_stream: Where the session writes what `outgoing` reads.
            handlers: The declaration and the answers to the server's requests.
            known_failure: The transport's failure for a request id, for requests still
                waiting when the session closes.
            protocol: `LEGACY_REVISION`, `MODERN_REVISION` or `AUTO` (see `Session.initialize`);
                a line without modern revisions takes `AUTO` as `LEGACY_REVISION`.
            max_rounds: On 2026-07-28, how many `input_required` rounds one request may take.
        """
        ...

    def elicitation_callback(self, elicit: Callable[[Wire], Awaitable[Wire]]) -> Any:
        """`elicit` as the SDK's elicitation callback, for SDK sessions we do not own (strands)."""
        ...
