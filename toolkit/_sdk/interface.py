"""The small interface the toolkit uses to reach the MCP SDK, whichever SDK line is installed.

Everything outside `toolkit._sdk` speaks to the SDK only through these names. Each SDK line
(`v1` for mcp 1.x FastMCP, `v2` for mcp 2.x MCPServer) implements every one of them, and
`toolkit._sdk` picks the implementation once, at import time.

Values cross the boundary as plain data in wire form (camelCase keys, as on the wire), never
as SDK models: mcp 1.x models use camelCase attributes and mcp 2.x snake_case ones, so plain
dicts are the one shape both lines agree on. The exceptions are the few SDK objects the
toolkit only hands back to the SDK unopened: the tool's context, the server, a session key,
content blocks and tool objects built here, and event-store messages.

A *call* is one request the server is serving (a `tools/call`, `prompts/get`, ...), reached
through the tool's `Context`. A call belongs to a *session* on protocol revision 2025-11-25
(and the earlier handshake revisions), and to no session at all on 2026-07-28 (mcp 2.x only):
there the request is its own one-call session, so per-session state becomes per-request state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

__all__ = [
    "HANDSHAKE_REVISION",
    "LOG_LEVELS",
    "MISSING_CLIENT_CAPABILITY",
    "SESSIONLESS_REVISION",
    "CacheHintValue",
    "ClientRequestError",
    "ClientRequestTimeout",
    "ListKind",
    "LoggingLevel",
    "NoBackChannel",
    "RequestHandler",
    "RequestStateOptions",
    "SDKLine",
    "SessionEvents",
    "TransportOptions",
]

LoggingLevel = Literal["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
#: RFC 5424 severities in increasing order, as the protocol names them.
LOG_LEVELS: tuple[LoggingLevel, ...] = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")

#: The newest protocol revision with `initialize` and sessions.
HANDSHAKE_REVISION = "2025-11-25"
#: The session-less protocol revision (multi round-trip requests); mcp 2.x only.
SESSIONLESS_REVISION = "2026-07-28"

#: JSON-RPC "invalid request": the code of `NoBackChannel`.
INVALID_REQUEST = -32600
#: The 2026-07-28 error for "this request did not declare a client capability the server needs".
MISSING_CLIENT_CAPABILITY = -32021

#: What `notify_list_changed` announces a change of.
ListKind = Literal["tools", "prompts", "resources"]
#: A caching hint: milliseconds a result stays fresh, and who may share it ("public" or "private").
CacheHintValue = tuple[int, Literal["public", "private"]]

#: A low-level request handler: (the call's context, the request's params in wire form) ->
#: the result in wire form, or None for an empty result.
RequestHandler = Callable[[Any, Mapping[str, Any]], Awaitable[Mapping[str, Any] | None]]


class ClientRequestError(Exception):
    """The client answered a server-to-client request with a JSON-RPC error.

    Attributes:
        code: The JSON-RPC error code.
        message: The error message the client sent.
        data: The error's `data`, or None.
    """

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


class ClientRequestTimeout(Exception):
    """No answer to a server-to-client request in time; the request was cancelled on the wire."""


class SessionEvents(Protocol):
    """One session's view of the event store, as `TransportOptions.session_events` returns it.

    It is an SDK-shaped event store (an instance of the line's `EventStoreBase`) that the
    line gives to the session's transport instead of the shared store.
    """

    def close(self) -> None:
        """The session has ended: drop its events and keep nothing stored from now on."""



class NoBackChannel(ClientRequestError):
    """The call has no channel for server-to-client requests; nothing was sent.

    A 2026-07-28 request never has one: the server asks the client by answering with an
    input-required result instead. Only mcp 2.x raises it. It is a `ClientRequestError` with
    code -32600 (invalid request), so code that handles client errors handles it too.
    """

    def __init__(self, message: str) -> None:
        super().__init__(INVALID_REQUEST, message)


@dataclass(frozen=True, slots=True)
class TransportOptions:
    """What the toolkit asks of the streamable-HTTP transport.

    Attributes:
        path: The MCP endpoint path, e.g. `/mcp`.
        host: The bind address; decides the default DNS-rebinding protection.
        allowed_hosts: `Host` values accepted (protection on); None leaves protection on
            only for loopback binds (`127.0.0.1`, `localhost`, `::1`).
        allowed_origins: `Origin` values accepted with `allowed_hosts`.
        session_idle_timeout: Seconds without a request before a 2025-11-25 session ends.
        max_sessions: Open 2025-11-25 sessions at most; None for the SDK's default.
        event_store: The shared SDK-shaped event store (an `EventStoreBase`) for SSE
            resumability, or None for none.
        retry_interval_ms: The SSE `retry` hint, sent only with an event store.
        session_events: Given the id of a new 2025-11-25 session, its own view of
            `event_store` for its transport to use instead. The line calls the view's
            `close()` exactly once, after the session has ended however it ended (DELETE,
            idle expiry, crash, a refused opening request, shutdown). None: every session
            uses `event_store` itself.
    """

    path: str
    host: str
    allowed_hosts: tuple[str, ...] | None
    allowed_origins: tuple[str, ...] | None
    session_idle_timeout: float
    max_sessions: int | None
    event_store: Any
    retry_interval_ms: int | None
    session_events: Callable[[str], SessionEvents] | None = None


@dataclass(frozen=True, slots=True)
class RequestStateOptions:
    """How the SDK seals the `requestState` of 2026-07-28 input-required results.

    Attributes:
        keys: The secrets (each at least 32 bytes): the first seals, every one opens, so a
            key can be rotated in without refusing states sealed under the one before.
        ttl: Seconds a sealed state stays valid.
    """

    # Secrets: kept out of every repr, so they never reach a log line.
    keys: tuple[bytes, ...] = field(repr=False)
    ttl: float


class SDKLine(Protocol):
    """What each SDK line module provides (checked by `tests/test_sdk_boundary.py`).

    Every function taking `ctx` takes the tool's context (an instance of `Context`) as the
    SDK injected it into a tool, prompt or resource function, or as `RequestHandler`s get it.
    "Outside a request" means a context built by hand, e.g. a tool function called directly
    in a test.
    """

    #: The major version of the installed `mcp` (1 or 2).
    LINE: int
    #: The installed `mcp` version string.
    VERSION: str
    #: The protocol revisions the installed SDK can serve, newest last.
    REVISIONS: tuple[str, ...]
    #: The class a tool annotates its context parameter with; the SDK injects it by annotation.
    Context: type
    #: The SDK's server class that the toolkit's `StatefulServer` extends.
    ServerBase: type
    #: The SDK's error for "answer this call with URL elicitation required" (-32042); a tool
    #: raising an instance gets a JSON-RPC error, not a tool result with `isError`.
    UrlElicitationRequiredBase: type[Exception]
    #: The SDK's JSON-RPC error class: raised from a tool, the client gets that error.
    ProtocolErrorBase: type[Exception]
    #: The SDK's error for a tool failure its author anticipated: raised from a tool, the call
    #: answers with `isError` and the error's message. mcp 2.x withholds the message of any
    #: other exception ("Error executing tool <name>"); mcp 1.x sends every message.
    ToolErrorBase: type[Exception]
    #: The SDK's abstract event store for SSE resumability (`store_event`,
    #: `replay_events_after`), the base of the toolkit's stores.
    EventStoreBase: type

    # -- the call ------------------------------------------------------------------------
    def in_request(self, ctx: Any) -> bool:
        """Whether `ctx` belongs to a request being served (False for a hand-built context)."""
        ...

    def protocol_version(self, ctx: Any) -> str:
        """The call's protocol revision.

        2025-11-25 session: the revision the session negotiated at `initialize` (2025-11-25,
        or an earlier handshake revision for an older client). 2026-07-28 request:
        `SESSIONLESS_REVISION`. Outside a request: `HANDSHAKE_REVISION`.
        """
        ...

    def request_id(self, ctx: Any) -> str:
        """The JSON-RPC id of the call, as a string.

        Unique among the calls of one session in flight on 2025-11-25; on 2026-07-28 each
        retry of a multi round-trip request has a new id.
        """
        ...

    def client_capabilities(self, ctx: Any) -> dict[str, Any]:
        """What the client declared, in wire form (`{"elicitation": {"form": {}}, ...}`).

        2025-11-25: the `capabilities` of the session's `initialize`. 2026-07-28: the
        capabilities this request carries in its `_meta`. `{}` when nothing was declared
        or outside a request.
        """
        ...

    def client_info(self, ctx: Any) -> dict[str, Any] | None:
        """The client's `Implementation` (`{"name": ..., "version": ...}`) in wire form.

        2025-11-25: the `clientInfo` of `initialize`. 2026-07-28: the client info this request
        carries in its `_meta`. None when the client sent none, or outside a request.
        """
        ...

    def http_request(self, ctx: Any) -> Request | None:
        """The Starlette request that carried the call (headers, `base_url`, `scope`).

        The same on both revisions over streamable HTTP; None in memory, on stdio, or
        outside a request.
        """
        ...

    def access_token_claims(self) -> dict[str, Any] | None:
        """The authenticated principal of the request being served, or None without auth.

        `{"client_id": str, "subject": str | None, "claims": dict}`: the access token's OAuth
        client id, its subject (`sub`), and its other claims (`{}` when the verifier gave
        none). Read from the SDK's auth context, so it needs no `ctx`; the same on both
        revisions.
        """
        ...

    def session_key(self, ctx: Any) -> object | None:
        """A weak-referenceable, hashable object that lives exactly as long as the call's session.

        2025-11-25: the same object for every call of one session, and a different one for
        every session. 2026-07-28: an object unique to this request (the request is its own
        session). None outside a request. Per-session state keyed by it in a weak dictionary
        goes with the session; use `on_session_closed` to drop it at once.
        """
        ...

    def server_of(self, ctx: Any) -> Any:
        """The server (a `ServerBase`) serving the call; the holder of per-server state."""
        ...

    def progress_token(self, ctx: Any) -> str | int | None:
        """The call's `_meta.progressToken`, or None when it carries none (or outside a request)."""
        ...

    def call_open(self, ctx: Any) -> bool:
        """Whether the call still awaits its response, so notifications tied to it still count.

        False once the response (or an error, or the cancellation) has gone out, and outside a
        request. A line that cannot tell answers True; helpers then stop when their own
        block ends.
        """
        ...

    # -- talking to the client -----------------------------------------------------------
    async def request_client(
        self, ctx: Any, method: str, params: dict[str, Any], *, seconds: float | None, timeout_reason: str
    ) -> dict[str, Any]:
        """Send a request (`elicitation/create`, `sampling/createMessage`, `roots/list`) and await the result.

        2025-11-25: sent on the call's own stream (tied to the call's request id), and the
        client's result is returned in wire form, unvalidated beyond being a JSON object.
        Giving up always cancels on the wire with `notifications/cancelled`: when `seconds`
        pass (reason `timeout_reason`, on the call's stream), and when the awaiting task is
        cancelled (on the session's standalone stream, as the call's stream is closing; then
        the cancellation propagates). `seconds=None` waits as long as the call lives.
        2026-07-28: there is no back channel, so this raises `NoBackChannel` (a
        `ClientRequestError` with code -32600) before anything is sent; tools use multi
        round-trip results there instead.

        Where the SDK itself sends the cancellation (mcp 2.x), its `reason` is the SDK's own
        wording; `timeout_reason` then only names the `ClientRequestTimeout`.

        Raises:
            ValueError: `params` are not valid params of `method`; nothing was sent.
            ClientRequestTimeout: No answer within `seconds`; the request was cancelled.
            NoBackChannel: The call cannot reach the client; nothing was sent.
            ClientRequestError: The client answered with a JSON-RPC error, or its result is
                not a valid result object.
        """
        ...

    async def send_progress(
        self, ctx: Any, token: str | int, progress: float, total: float | None, message: str | None
    ) -> None:
        """Send `notifications/progress` for `token`, tied to the call (its stream on both revisions).

        Values are sent as given; keeping them increasing is the caller's job.
        """
        ...

    def request_log_level(self, ctx: Any) -> LoggingLevel | None:
        """The least severe log level this very request asks for, or None.

        2026-07-28: the level in the request's `_meta` (`io.modelcontextprotocol/logLevel`);
        None when it names none, and then no log notification reaches the client. 2025-11-25,
        mcp 1.x and outside a request: None (the session's `logging/setLevel` decides there).
        """
        ...

    async def send_log(self, ctx: Any, level: LoggingLevel, data: Any, logger: str | None) -> None:
        """Send `notifications/message` tied to the call, unfiltered.

        2025-11-25: every level is sent (filtering by `logging/setLevel` is the toolkit's
        job). 2026-07-28: the SDK drops levels below the one the request's `_meta` asks for,
        and everything when it asks for none.
        """
        ...

    async def notify_session(
        self, session: object, method: str, params: dict[str, Any], *, related_request_id: str | None = None
    ) -> None:
        """Send a notification (e.g. `notifications/resources/updated`) to one 2025-11-25 session.

        `session` is a `session_key(ctx)` value, so this works from outside any request (a
        web route, a background task). Without `related_request_id` it goes on the session's
        standalone GET stream; with it, on the stream of that call of the session (if it is
        still open). A line may raise `anyio.ClosedResourceError` or `anyio.BrokenResourceError`
        when the session's client is gone (mcp 1.x does; mcp 2.x drops the notification
        instead). For a 2026-07-28 request's key it does nothing.
        """
        ...

    async def notify_list_changed(self, ctx: Any, kind: ListKind) -> None:
        """Tell clients that the server's list of `kind` (tools, prompts or resources) changed.

        2025-11-25: `notifications/<kind>/list_changed` on the calling session's standalone
        stream. mcp 2.x also publishes the change to every open `subscriptions/listen`
        stream (2026-07-28) that asked for it, from a call of either revision.
        """
        ...

    def init_url_elicitation_required(
        self, error: Exception, elicitations: list[dict[str, Any]], message: str | None
    ) -> None:
        """Initialise `error`, an instance of a `UrlElicitationRequiredBase` subclass.

        `elicitations` are URL-mode `elicitation/create` params in wire form
        (`{"mode": "url", "message", "url", "elicitationId"}`). Raised from a tool, the error
        answers the call with JSON-RPC error -32042 carrying them in `data.elicitations`.
        """
        ...

    # -- multi round-trip requests (2026-07-28) -------------------------------------------
    def input_responses(self, ctx: Any) -> dict[str, dict[str, Any]] | None:
        """The answers the call carries in `inputResponses`, by key, each in wire form.

        2026-07-28: what the client sent back for the `inputRequests` of an earlier round
        (an `ElicitResult`, `CreateMessageResult` or `ListRootsResult` in wire form); the
        SDK has already refused a call whose entries are not results at all. None when the
        call carries none, on 2025-11-25, on mcp 1.x, and outside a request.
        """
        ...

    def request_state(self, ctx: Any) -> str | None:
        """The `requestState` the call echoes, as the plaintext the server put in it.

        The SDK opens the sealed state before the handler runs, and refuses the call
        (-32602 "Invalid or expired requestState") without running anything when the state
        was tampered with, edited, has expired, or was sealed for another tool, other
        arguments or another principal. None when the call carries none, on 2025-11-25, on
        mcp 1.x, and outside a request.
        """
        ...

    def input_required(self, requests: Mapping[str, Mapping[str, Any]], request_state: str | None) -> Any:
        """The SDK's input-required result: the call ends this round by asking `requests`.

        `requests` maps each key to a request in wire form (`{"method": "elicitation/create",
        "params": {...}}`; also `sampling/createMessage` and `roots/list`). `request_state`
        is plaintext; the SDK seals it on the way out. Returned from a tool, prompt or
        resource-template function on a 2026-07-28 request, it answers with
        `resultType: "input_required"`.

        Raises:
            ValueError: A request is not a valid elicitation, sampling or roots request.
            NotImplementedError: mcp 1.x, which serves no 2026-07-28 requests.
        """
        ...

    def missing_capability(self, message: str, required: Mapping[str, Any]) -> Exception:
        """An error that, raised from a tool, answers the call with JSON-RPC error -32021.

        `required` is a `ClientCapabilities` object in wire form (`{"sampling": {}}`); it
        goes into the error's `data.requiredCapabilities`, and `message` is the error's message.
        """
        ...

    def context_parameter(self, fn: Callable[..., Any]) -> str | None:
        """The name of the parameter of `fn` the SDK fills with the context, or None."""
        ...

    # -- SDK objects built from wire form ------------------------------------------------
    def content_block(self, wire: dict[str, Any]) -> Any:
        """The SDK content block for `wire`, a block in wire form.

        `wire["type"]` is one of "text", "image", "audio", "resource" (embedded) and
        "resource_link". A tool returning a list of these answers with exactly those blocks.

        Raises:
            ValueError: `wire` is not a valid content block.
        """
        ...

    def schema_tool(self, fn: Callable[..., Any], *, name: str, description: str, input_schema: dict[str, Any]) -> Any:
        """An SDK tool object for `fn` that advertises `input_schema` as given.

        Pass it in the server's `tools=[...]`. The arguments are still validated against
        `fn`'s signature; `input_schema` is only what `tools/list` shows.
        """
        ...

    def replayed_event(self, event_id: str, data: bytes) -> Any:
        """The SDK `EventMessage` replaying `data` (a message's wire JSON, as stored) as event `event_id`."""
        ...

    # -- the server ----------------------------------------------------------------------
    def make_server(
        self,
        cls: type,
        name: str,
        log_level: str,
        options: Mapping[str, Any],
        request_state: RequestStateOptions | None = None,
    ) -> Any:
        """A new `cls` (`ServerBase` or a subclass) named `name`, built with the SDK's `options`.

        The SDK's server constructors differ between lines, and each configures the root
        logger itself (`logging.basicConfig`, with rich's handler when rich is installed);
        here the logging stays as the application set it, and `log_level` (`DEBUG` to
        `CRITICAL`) only becomes the server's own setting. `options` are the constructor's
        keywords that are not about the transport (`instructions`, `lifespan`, `auth`,
        `token_verifier`, `tools`, ...); the transport is configured by `streamable_http_app`.
        `request_state` says how the server seals 2026-07-28 request states (mcp 2.x; mcp
        1.x has nothing to seal and ignores it); None leaves the SDK's default, a key of
        the server's own.

        Raises:
            ValueError: An option is a transport setting, or one the line's server does not
                take; the message names it and the options the line accepts.
        """
        ...

    def set_server_version(self, server: Any, version: str) -> None:
        """Make the server report `version` as its own (`serverInfo.version`)."""
        ...

    def cache_hint_options(self, hints: Mapping[str, CacheHintValue]) -> dict[str, Any]:
        """The `make_server` options that put caching hints on 2026-07-28 results.

        `hints` maps a cacheable method (`tools/list`, `prompts/list`, `resources/list`,
        `resources/templates/list`, `resources/read`, `server/discover`) to `(ttl_ms, scope)`,
        `scope` being "public" or "private"; methods left out keep the SDK's default (0 ms,
        private). A line that serves no 2026-07-28 (mcp 1.x) has no hints to send: `{}`.
        The caller has checked the methods and values.
        """
        ...

    def handle_request(self, server: Any, method: str, handler: RequestHandler) -> None:
        """Answer `method` on `server` with `handler(ctx, params)`; the capability follows.

        Supported methods: `logging/setLevel` (declares `logging`), `resources/subscribe` and
        `resources/unsubscribe` (see `declare_resource_subscribe`). These exist on
        2025-11-25 only; on 2026-07-28 the SDK answers them -32601 without calling `handler`.
        Registering a method again replaces its handler.

        Raises:
            ValueError: `method` is not one of the supported methods.
        """
        ...

    def declare_resource_subscribe(self, server: Any) -> None:
        """Make the server declare `resources.subscribe: true` (on 2025-11-25)."""
        ...

    def streamable_http_app(self, server: Any, options: TransportOptions) -> Starlette:
        """The server's streamable-HTTP ASGI app with `options`: stateful sessions, SSE responses.

        On mcp 2.x the same endpoint also serves 2026-07-28 requests. The app's lifespan
        runs the session manager; build it once per server.

        With an event store, every SSE stream of a session that negotiated 2025-11-25 opens
        with a priming event (an id, empty data, and the `retry` hint), whatever
        `MCP-Protocol-Version` header a later request of the session carries: the SDKs
        decide on that header alone, which a client may send older than what it negotiated.
        """
        ...

    def on_session_closed(self, ctx: Any, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` once when the call's session ends.

        2025-11-25: when the session's server loop ends (DELETE, idle expiry, a crash,
        shutdown), shielded from cancellation. 2026-07-28: once the request has been
        answered. Outside a request: never. Register once per session; every registration runs.
        """
        ...
