"""The SDK boundary on mcp 2.x (MCPServer), which serves protocol revisions 2025-11-25 and 2026-07-28.

A 2025-11-25 call belongs to a session opened by `initialize` and can send requests to the
client on its own stream. A 2026-07-28 call carries everything in its own `_meta` and has no
session and no channel back to the client. One endpoint serves both: the
`MCP-Protocol-Version` header of each POST decides.

Supported releases: 2.1 (the newest that strands-agents allows) and 2.3. Where they differ
(session idle timeout and session limit, event-store scoping, forgetting ended sessions), the
difference is detected by feature, never by version number.

Private SDK attributes touched here, each pinned by a test in `tests/test_sdk_boundary.py`
(and exercised over real HTTP in `tests/test_sdk_v2_line.py`):

- `ServerSession._request_outbound`: the call's own channel to the client, for requests whose
  result the toolkit validates itself (`send_request` would reject a malformed answer with
  the SDK's generic error before the toolkit could say what was wrong with it).
- `ServerSession._connection`: the per-session `Connection` (a new `ServerSession` is made for
  every request). Its identity keys per-session state (`session_key`), its `exit_stack` runs
  session-closed callbacks (`on_session_closed`), and on 2026-07-28, where each request has a
  `Connection` of its own, its `exit_stack` tells when the call has ended (`call_open`).
- `JSONRPCDispatcher.notify(..., _related_request_id=)`: a session's `Connection.outbound`;
  the keyword puts a notification sent from outside a request on one call's stream
  (`notify_session`), as the request's own channel does.
- `MCPServer._lowlevel_server`: the low-level `Server`, for `add_request_handler` and for the
  server's own version (`version` has no setter on MCPServer).
- `Server._server_info_stamp_source`: the cached `serverInfo` stamped on 2026-07-28 results,
  dropped when the version changes.
- `StreamableHTTPSessionManager._admit_session` (2.3) or `._server_instances` (2.1): where a
  new session's transport appears, to give it its own event-store view, close that view when
  the session ends, and (2.1) forget the ended session and count open ones.
- `StreamableHTTPServerTransport._event_store`: the store a session's transport writes to.
- `StreamableHTTPServerTransport._mint_priming_event` (replaced on each session's transport):
  decide priming events by the session's negotiated version, not each request's header.

Public SDK methods replaced on one object (each new session's transport, and on 2.1 the session
manager), pinned by the same tests: `StreamableHTTPServerTransport.connect` (to notice the end
of a session), `.handle_request` and `.idle_scope` (2.1: idle time counts only between
requests, as on 2.3), and `StreamableHTTPSessionManager.asgi_app` (2.1: the session limit).
"""

from __future__ import annotations

import inspect
import logging
import math
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from importlib import metadata
from typing import TYPE_CHECKING, Any

import anyio
import mcp_types as types
from mcp.server import CacheHint
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.context_injection import find_context_parameter
from mcp.server.request_state import RequestStateSecurity
from mcp.server.streamable_http import EventMessage, EventStore, StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.dispatcher import CallOptions
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError, NoBackChannelError, UrlElicitationRequiredError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION, MODERN_PROTOCOL_VERSIONS
from pydantic import TypeAdapter, ValidationError
from starlette.responses import Response

from .common import check_server_options, prime_by_negotiated_version, root_logging_kept, server_options
from .interface import (
    HANDSHAKE_REVISION,
    SESSIONLESS_REVISION,
    ClientRequestError,
    ClientRequestTimeout,
    LoggingLevel,
    NoBackChannel,
    RequestHandler,
    RequestStateOptions,
    SessionEvents,
    TransportOptions,
)

if TYPE_CHECKING:
    from mcp.server.connection import Connection
    from mcp.server.context import ServerRequestContext
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.types import ASGIApp, Receive, Scope, Send

    from .interface import CacheHintValue, ListKind

LINE = 2
VERSION = metadata.version("mcp")
REVISIONS: tuple[str, ...] = (HANDSHAKE_REVISION, SESSIONLESS_REVISION)
ServerBase = MCPServer
UrlElicitationRequiredBase = UrlElicitationRequiredError
ProtocolErrorBase = MCPError
ToolErrorBase = ToolError
EventStoreBase = EventStore

__all__ = [
    "LINE",
    "REVISIONS",
    "VERSION",
    "Context",
    "EventStoreBase",
    "ProtocolErrorBase",
    "ServerBase",
    "ToolErrorBase",
    "UrlElicitationRequiredBase",
]

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_CONTENT_BLOCK: TypeAdapter[Any] = TypeAdapter(types.ContentBlock)
#: JSON-RPC "invalid params": the code used when the client's result does not fit.
INVALID_PARAMS = types.INVALID_PARAMS

logger = logging.getLogger(__name__)

#: Whether `streamable_http_app` takes the session settings itself (2.3) or leaves them to us (2.1).
_APP_TAKES_SESSION_LIMITS = "session_idle_timeout" in inspect.signature(MCPServer.streamable_http_app).parameters
#: Whether the session manager admits new sessions in one overridable step (2.3).
_MANAGER_ADMITS = hasattr(StreamableHTTPSessionManager, "_admit_session")

#: `Connection.state` key: True once a 2026-07-28 call's own `Connection` has been torn down.
_CALL_ENDED = "toolkit.call_ended"


def _wire(model: Any) -> dict[str, Any]:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _sessionless(ctx: Any) -> bool:
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS


def _connection(ctx: Any) -> Connection:
    # A ServerSession lives for one request; the Connection behind it is the session.
    return ctx.session._connection


# -- the call ----------------------------------------------------------------------------


def in_request(ctx: Any) -> bool:
    """Whether `ctx` belongs to a request (a Context built by hand in a test does not)."""
    try:
        ctx.request_context  # noqa: B018 - the property raises outside a request
    except ValueError:
        return False
    return True


def protocol_version(ctx: Any) -> str:
    """The revision of the call: 2025-11-25 for a session, 2026-07-28 for a session-less request."""
    return ctx.protocol_version or HANDSHAKE_REVISION


def request_id(ctx: Any) -> str:
    """The JSON-RPC id of the call, as a string."""
    return str(ctx.request_id)


def client_capabilities(ctx: Any) -> dict[str, Any]:
    """What the client declared, in wire form.

    On 2025-11-25 that is what it sent in `initialize`; on 2026-07-28, what this very request
    carries in its `_meta`.
    """
    if not in_request(ctx):
        return {}
    capabilities = ctx.client_capabilities
    return {} if capabilities is None else _wire(capabilities)


def client_info(ctx: Any) -> dict[str, Any] | None:
    """The client's `clientInfo` in wire form, or None when it sent none (optional on 2026-07-28)."""
    if not in_request(ctx):
        return None
    params = ctx.session.client_params
    if params is None or params.client_info is None:
        return None
    return _wire(params.client_info)


def http_request(ctx: Any) -> Request | None:
    """The Starlette request behind the call, or None (in memory, stdio)."""
    if not in_request(ctx):
        return None
    return ctx.request_context.request


def access_token_claims() -> dict[str, Any] | None:
    """The authenticated principal of the current request as `{client_id, subject, claims}`, or None."""
    token = get_access_token()
    if token is None:
        return None
    return {"client_id": token.client_id, "subject": token.subject, "claims": dict(token.claims or {})}


def session_key(ctx: Any) -> object | None:
    """The call's `Connection`: one per 2025-11-25 session, and one per 2026-07-28 request."""
    if not in_request(ctx):
        return None
    return _connection(ctx)


def server_of(ctx: Any) -> Any:
    """The MCPServer serving the call."""
    return ctx.mcp_server


def progress_token(ctx: Any) -> str | int | None:
    """The call's `_meta.progressToken`, or None."""
    if not in_request(ctx):
        return None
    # Every progress route reads the token while its call runs: the moment to start watching.
    _watch_call(ctx)
    meta = ctx.request_context.meta
    # The SDK keeps `_meta` as a plain dict with snake_case keys.
    return None if meta is None else meta.get("progress_token")


def call_open(ctx: Any) -> bool:
    """Whether the call still awaits its response, so notifications on its stream still count.

    On 2026-07-28 the end of a call is noticed from the first `call_open` or `progress_token`
    made while it runs; asked first after the call has ended, it would still answer True.
    """
    if not in_request(ctx):
        return False
    if _sessionless(ctx):
        return not _watch_call(ctx).state[_CALL_ENDED]
    # The request's channel closes the moment its response (or cancellation error) is sent.
    return bool(ctx.session.can_send_request)


def _watch_call(ctx: Any) -> Connection:
    """On 2026-07-28, start noticing the end of the call: its own Connection is torn down with it."""
    connection = _connection(ctx)
    if _sessionless(ctx) and _CALL_ENDED not in connection.state:
        connection.state[_CALL_ENDED] = False
        connection.exit_stack.callback(connection.state.__setitem__, _CALL_ENDED, True)
    return connection


# -- talking to the client ---------------------------------------------------------------


async def request_client(
    ctx: Any, method: str, params: dict[str, Any], *, seconds: float | None, timeout_reason: str
) -> dict[str, Any]:
    """Send a request to the client on the call's stream and wait for its result, in wire form.

    The SDK cancels the request on the wire itself, both when `seconds` run out and when the
    call is cancelled; the `reason` it sends is its own ("timed out after ...s", "caller
    cancelled"), so `timeout_reason` only names the `ClientRequestTimeout`.

    Raises:
        NoBackChannel: The call cannot reach the client: a 2026-07-28 request, which asks
            with an input-required result instead.
        ClientRequestTimeout: No answer within `seconds`; cancelled on the wire.
        ClientRequestError: The client answered with a JSON-RPC error, or not with an object.
    """
    try:
        request = types.server_request_adapter.validate_python({"method": method, "params": params})
    except ValidationError as exc:
        raise ValueError(f"not a valid {method} request: {_first_error(exc)}") from exc
    if _sessionless(ctx):
        raise NoBackChannel(
            f"Cannot send {method!r} on a {ctx.protocol_version} request: it has no channel back to the client."
        )
    wire = _wire(request)
    options: CallOptions = {} if seconds is None else {"timeout": seconds}
    try:
        # The call's own channel, as `send_request` uses it, but without the SDK's validation of
        # the result: the toolkit checks what it reads and says precisely what was wrong.
        raw = await ctx.session._request_outbound.send_raw_request(method, wire.get("params"), options)
    except NoBackChannelError as exc:
        raise NoBackChannel(exc.message) from exc
    except MCPError as exc:
        if _is_sdk_timeout(exc, method):
            raise ClientRequestTimeout(timeout_reason) from exc
        raise ClientRequestError(exc.code, exc.message, exc.data) from exc
    if not isinstance(raw, dict):
        problem = f"the client's result is not valid: {type(raw).__name__}, not an object"
        raise ClientRequestError(INVALID_PARAMS, problem)
    return raw


def _is_sdk_timeout(exc: MCPError, method: str) -> bool:
    # The SDK's own read timeout, as opposed to a client answering with the same code.
    return exc.code == types.REQUEST_TIMEOUT and exc.data is None and exc.message == f"Request {method!r} timed out"


async def send_progress(ctx: Any, token: str | int, progress: float, total: float | None, message: str | None) -> None:
    """Send `notifications/progress` for the call's token on the call's stream."""
    await ctx.session.send_progress_notification(
        progress_token=token, progress=progress, total=total, message=message, related_request_id=ctx.request_id
    )


def request_log_level(ctx: Any) -> LoggingLevel | None:
    """The level a 2026-07-28 request's `_meta` asks for, or None (none named, or a 2025-11-25 call)."""
    if not in_request(ctx) or not _sessionless(ctx):
        return None
    meta = ctx.request_context.meta
    level = None if meta is None else meta.get(types.LOG_LEVEL_META_KEY)
    # The SDK refuses a request naming an unknown level before any handler runs.
    return level if isinstance(level, str) else None  # type: ignore[return-value]


async def send_log(ctx: Any, level: LoggingLevel, data: Any, logger: str | None) -> None:
    """Send `notifications/message` on the call's stream.

    On 2026-07-28 the SDK sends only what the request's `_meta` log level asks for, and
    nothing when the request names no level.
    """
    # Logging is deprecated from 2026-07-28 on and the SDK warns on every call; the toolkit
    # keeps serving clients that ask for it. The warning fires when the coroutine is made,
    # so the filter is restored before anything else gets to run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        sending = ctx.session.send_log_message(level, data, logger=logger, related_request_id=ctx.request_id)
    await sending


async def notify_session(
    session: object, method: str, params: dict[str, Any], *, related_request_id: str | None = None
) -> None:
    """Send a notification in wire form to one 2025-11-25 session (its standalone stream, or a call's stream).

    `session` is the session's `Connection`. The SDK drops a notification whose stream is
    gone, so nothing is raised for a client that left. A 2026-07-28 request's key has no
    stream to send on: nothing is sent.
    """
    notification = types.server_notification_adapter.validate_python({"method": method, "params": params})
    connection: Connection = session  # type: ignore[assignment]
    if connection.protocol_version in MODERN_PROTOCOL_VERSIONS:
        return
    wire = _wire(notification)
    if related_request_id is None:
        await connection.notify(wire["method"], wire.get("params"))
        return
    # The request's own channel routes by this keyword; from outside the request, the
    # session's dispatcher is the way onto that call's stream.
    await connection.outbound.notify(  # type: ignore[call-arg]
        wire["method"], wire.get("params"), None, _related_request_id=related_request_id
    )


async def notify_list_changed(ctx: Any, kind: ListKind) -> None:
    """Announce a changed list: to the calling 2025-11-25 session, and to every `subscriptions/listen` stream.

    The listen streams (2026-07-28) hear it through the server's subscription bus, which
    sends each stream only the kinds it asked for.
    """
    if not _sessionless(ctx):
        session_send = {
            "tools": ctx.session.send_tool_list_changed,
            "prompts": ctx.session.send_prompt_list_changed,
            "resources": ctx.session.send_resource_list_changed,
        }[kind]
        await session_send()
    publish = {
        "tools": ctx.notify_tools_changed,
        "prompts": ctx.notify_prompts_changed,
        "resources": ctx.notify_resources_changed,
    }[kind]
    await publish()


def init_url_elicitation_required(error: Exception, elicitations: list[dict[str, Any]], message: str | None) -> None:
    """Initialise `error` (a `UrlElicitationRequiredError` subclass) with URL-mode params in wire form."""
    params = [types.ElicitRequestURLParams.model_validate({"mode": "url", **item}) for item in elicitations]
    UrlElicitationRequiredError.__init__(error, params, message)  # type: ignore[arg-type]


# -- multi round-trip requests (2026-07-28) ----------------------------------------------


def _round_params(ctx: Any) -> Mapping[str, Any] | None:
    """The call's params as the request-state boundary left them: its state already opened."""
    if not in_request(ctx) or not _sessionless(ctx):
        return None
    params = ctx.request_context.params
    return params if isinstance(params, Mapping) else None


def input_responses(ctx: Any) -> dict[str, dict[str, Any]] | None:
    """The call's `inputResponses` in wire form (as the client sent them), or None."""
    params = _round_params(ctx)
    responses = None if params is None else params.get("inputResponses")
    if not isinstance(responses, Mapping):
        return None
    # The SDK validated each entry as a result before the handler ran; the raw form keeps
    # every field the client sent, which the toolkit's own checks then read.
    return {str(key): dict(value) for key, value in responses.items() if isinstance(value, Mapping)}


def request_state(ctx: Any) -> str | None:
    """The call's `requestState`, opened and checked by the SDK's request-state boundary, or None."""
    params = _round_params(ctx)
    state = None if params is None else params.get("requestState")
    return state if isinstance(state, str) else None


def input_required(requests: Mapping[str, Mapping[str, Any]], request_state: str | None) -> Any:
    """An `InputRequiredResult` asking `requests` (wire form), with plaintext `request_state` for the SDK to seal.

    Raises:
        ValueError: A request is not an elicitation, sampling or roots request.
    """
    built: dict[str, Any] = {}
    for key, wire in requests.items():
        try:
            request = types.server_request_adapter.validate_python(dict(wire))
        except ValidationError as exc:
            raise ValueError(f"input request {key!r} is not valid: {_first_error(exc)}") from exc
        if not isinstance(request, types.ElicitRequest | types.CreateMessageRequest | types.ListRootsRequest):
            raise ValueError(f"input request {key!r} is a {request.method} request; ask only for input")
        built[key] = request
    return types.InputRequiredResult(input_requests=built or None, request_state=request_state)


def missing_capability(message: str, required: Mapping[str, Any]) -> Exception:
    """The SDK's -32021 error carrying `data.requiredCapabilities`."""
    data = types.MissingRequiredClientCapabilityErrorData.model_validate({"requiredCapabilities": dict(required)})
    return MCPError(code=types.MISSING_REQUIRED_CLIENT_CAPABILITY, message=message, data=_wire(data))


def context_parameter(fn: Callable[..., Any]) -> str | None:
    """The parameter of `fn` MCPServer fills with the context, or None."""
    return find_context_parameter(fn)


# -- SDK objects built from wire form ----------------------------------------------------


def content_block(wire: dict[str, Any]) -> Any:
    """The SDK content block for `wire`.

    Raises:
        ValueError: `wire` is not a content block.
    """
    try:
        return _CONTENT_BLOCK.validate_python(wire)
    except ValidationError as exc:
        raise ValueError(f"not a content block: {_first_error(exc)}") from exc


def schema_tool(fn: Callable[..., Any], *, name: str, description: str, input_schema: dict[str, Any]) -> Any:
    """An MCPServer `Tool` for `fn` whose advertised input schema is `input_schema`."""
    tool = Tool.from_function(fn, name=name, description=description, structured_output=False)
    return tool.model_copy(update={"parameters": input_schema})


def replayed_event(event_id: str, data: bytes) -> Any:
    """The `EventMessage` replaying a stored message's wire JSON as event `event_id`."""
    return EventMessage(types.jsonrpc_message_adapter.validate_json(data), event_id)


# -- the server --------------------------------------------------------------------------

_SERVER_OPTIONS = server_options(MCPServer)


def make_server(
    cls: type,
    name: str,
    log_level: str,
    options: Mapping[str, Any],
    request_state: RequestStateOptions | None = None,
) -> Any:
    """A new MCPServer (`cls`) named `name`, leaving the root logger as the application set it.

    MCPServer takes no transport settings; `streamable_http_app` gets them. With
    `request_state`, 2026-07-28 request states are sealed with its keys (AES-256-GCM, bound to
    the server's name, the principal, the tool or prompt and its arguments) and expire after
    its `ttl`.

    Raises:
        ValueError: An option is not an MCPServer option, or a key is shorter than 32 bytes.
    """
    check_server_options(options, _SERVER_OPTIONS, f"mcp {VERSION}")
    extra: dict[str, Any] = {}
    if request_state is not None:
        extra["request_state_security"] = RequestStateSecurity(keys=list(request_state.keys), ttl=request_state.ttl)
    with root_logging_kept():
        return cls(name, log_level=log_level, **options, **extra)


def _negotiate(requested: str) -> str:
    # As the session answers `initialize`: the client's version when it has a handshake, else the newest.
    return requested if requested in HANDSHAKE_PROTOCOL_VERSIONS else LATEST_HANDSHAKE_VERSION



def set_server_version(server: Any, version: str) -> None:
    """Report `version` as the server's own, in `initialize` and in the 2026-07-28 `serverInfo` stamp."""
    lowlevel = server._lowlevel_server
    lowlevel.version = version
    # The stamp is computed once per server; drop it so the next result carries the new version.
    vars(lowlevel).pop("_server_info_stamp_source", None)


def cache_hint_options(hints: Mapping[str, CacheHintValue]) -> dict[str, Any]:
    """MCPServer's `cache_hints` option for `hints`; the SDK stamps them on 2026-07-28 results."""
    if not hints:
        return {}
    return {"cache_hints": {method: CacheHint(ttl_ms=ttl_ms, scope=scope) for method, (ttl_ms, scope) in hints.items()}}


_PARAMS_TYPES: dict[str, type[types.RequestParams]] = {
    "logging/setLevel": types.SetLevelRequestParams,
    "resources/subscribe": types.SubscribeRequestParams,
    "resources/unsubscribe": types.UnsubscribeRequestParams,
}


def handle_request(server: Any, method: str, handler: RequestHandler) -> None:
    """Answer `method` on `server` with `handler(ctx, params)`; the capability follows the handler.

    Supported methods: `logging/setLevel`, `resources/subscribe`, `resources/unsubscribe`. They
    exist on 2025-11-25 only; the SDK answers them with -32601 on 2026-07-28.

    Raises:
        ValueError: `method` is not one of those.
    """
    params_type = _PARAMS_TYPES.get(method)
    if params_type is None:
        raise ValueError(f"handle_request does not support {method!r}; use one of {', '.join(_PARAMS_TYPES)}.")

    async def answer(request: ServerRequestContext[Any, Any], params: types.RequestParams) -> dict[str, Any]:
        ctx = Context(request_context=request, mcp_server=server)
        result = await handler(ctx, _wire(params))
        return {} if result is None else dict(result)

    server._lowlevel_server.add_request_handler(method, params_type, answer)


def declare_resource_subscribe(server: Any) -> None:
    """Declare `resources.subscribe: true`.

    Nothing to do on mcp 2.x: the SDK declares it on 2025-11-25 whenever `resources/subscribe`
    has a handler (see `handle_request`), and on 2026-07-28 whenever `subscriptions/listen`
    is served, which MCPServer does by default.
    """


def _transport_security(options: TransportOptions) -> TransportSecuritySettings:
    if options.allowed_hosts is not None:
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(options.allowed_hosts),
            allowed_origins=list(options.allowed_origins or ()),
        )
    if options.host in _LOCAL_HOSTS:
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )
    # Bound to all interfaces (the AgentCore contract): the platform terminates the public
    # host name, so protection is opt-in through allowed hosts. Saying so explicitly also
    # keeps the SDK from turning it on for its own default host.
    return TransportSecuritySettings(enable_dns_rebinding_protection=False)


def streamable_http_app(server: Any, options: TransportOptions) -> Starlette:
    """The server's streamable-HTTP ASGI app: stateful 2025-11-25 sessions and SSE responses.

    The same endpoint serves 2026-07-28 requests, each a single exchange without a session.
    """
    settings: dict[str, Any] = {
        "streamable_http_path": options.path,
        "json_response": False,
        "stateless_http": False,
        "event_store": options.event_store,
        "retry_interval": options.retry_interval_ms if options.event_store is not None else None,
        "transport_security": _transport_security(options),
        "host": options.host,
    }
    if _APP_TAKES_SESSION_LIMITS:
        settings["session_idle_timeout"] = options.session_idle_timeout
        if options.max_sessions is not None:
            settings["max_sessions"] = options.max_sessions
    # MCPServer's own builder, not the override of a subclass that called us.
    app = MCPServer.streamable_http_app(server, **settings)
    manager = server.session_manager
    session_events = options.session_events if options.event_store is not None else None
    if _MANAGER_ADMITS:
        _hook_admission(manager, session_events)
    else:
        _hook_instances(manager, session_events, options)
    return app


def on_session_closed(ctx: Any, callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once when the call's session ends (DELETE, idle expiry, crash, shutdown).

    A 2026-07-28 request is its own session: `callback` runs once it has been answered.
    """
    if not in_request(ctx):
        return

    async def run() -> None:
        with anyio.CancelScope(shield=True):
            try:
                await callback()
            except Exception:
                # A failing hook must not keep the rest of the session's teardown from running.
                logger.exception("A session-closed callback failed")

    _connection(ctx).exit_stack.push_async_callback(run)


# -- sessions of the streamable-HTTP app -------------------------------------------------

#: `session_events(session_id) -> view`: the event-store view one session writes to.
ScopeEvents = Callable[[str], SessionEvents]


def _admitted(
    transport: StreamableHTTPServerTransport, session_events: ScopeEvents | None, on_end: Callable[[], None]
) -> None:
    """Set up a new session's transport: priming by its negotiated version, its own event-store view."""
    prime_by_negotiated_version(transport, _negotiate)
    session_id = transport.mcp_session_id
    view = session_events(session_id) if session_events is not None and session_id is not None else None
    if view is not None:
        transport._event_store = view  # type: ignore[assignment]
    ended = False

    def end() -> None:
        nonlocal ended
        # The view is closed exactly once, however many ways the session's end is noticed.
        if ended:
            return
        ended = True
        try:
            if view is not None:
                view.close()
        finally:
            on_end()

    _when_session_ends(transport, end)


def _when_session_ends(transport: StreamableHTTPServerTransport, callback: Callable[[], None]) -> None:
    # The session manager runs each session inside its transport's `connect()`; leaving it is
    # the one step every ending shares on both releases (DELETE, idle expiry, crash, shutdown).
    connect = transport.connect

    @asynccontextmanager
    async def connect_until_closed() -> AsyncIterator[Any]:
        try:
            async with connect() as streams:
                yield streams
        finally:
            # An error here would escape into the session manager's task group and stop the server.
            try:
                callback()
            except Exception:
                logger.exception("cleaning up after session %s failed", transport.mcp_session_id)

    transport.connect = connect_until_closed  # type: ignore[method-assign]


def _hook_admission(manager: StreamableHTTPSessionManager, session_events: ScopeEvents | None) -> None:
    """mcp 2.3: set up each admitted session; the manager forgets ended sessions itself."""
    admit = manager._admit_session

    def admit_scoped(requestor: Any) -> StreamableHTTPServerTransport | None:
        transport = admit(requestor)
        if transport is not None:
            _admitted(transport, session_events, lambda: None)
        return transport

    manager._admit_session = admit_scoped  # type: ignore[method-assign]


class _Sessions(dict[str, StreamableHTTPServerTransport]):
    """mcp 2.1's table of open sessions, which sees each new session as it is added.

    2.1 creates the transport inline and keeps ended sessions in the table for good; this
    table scopes events, forgets a session once it ends, and keeps an idle session alive
    while one of its requests is in flight (2.1 counts idleness from a request's arrival).
    """

    def __init__(
        self,
        sessions: dict[str, StreamableHTTPServerTransport],
        manager: StreamableHTTPSessionManager,
        session_events: ScopeEvents | None,
    ) -> None:
        super().__init__(sessions)
        self._manager = manager
        self._session_events = session_events

    def __setitem__(self, session_id: str, transport: StreamableHTTPServerTransport) -> None:
        super().__setitem__(session_id, transport)

        def forget() -> None:
            if self.get(session_id) is transport:
                del self[session_id]

        _admitted(transport, self._session_events, forget)
        _idle_only_between_requests(transport, self._manager)


def _idle_only_between_requests(
    transport: StreamableHTTPServerTransport, manager: StreamableHTTPSessionManager
) -> None:
    handle = transport.handle_request
    in_flight = 0

    def set_deadline(deadline: float) -> None:
        if transport.idle_scope is not None and manager.session_idle_timeout is not None:
            transport.idle_scope.deadline = deadline

    async def handle_while_busy(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal in_flight
        in_flight += 1
        set_deadline(math.inf)
        try:
            await handle(scope, receive, send)
        finally:
            in_flight -= 1
            if in_flight == 0 and manager.session_idle_timeout is not None:
                set_deadline(anyio.current_time() + manager.session_idle_timeout)

    transport.handle_request = handle_while_busy  # type: ignore[method-assign]


def _hook_instances(
    manager: StreamableHTTPSessionManager, session_events: ScopeEvents | None, options: TransportOptions
) -> None:
    """mcp 2.1: the session settings `streamable_http_app` does not take, and the session table."""
    # A plain attribute there, read as each session starts.
    manager.session_idle_timeout = options.session_idle_timeout
    manager._server_instances = _Sessions(manager._server_instances, manager, session_events)
    if options.max_sessions is not None:
        manager.asgi_app = _SessionLimit(manager.asgi_app, manager, options.max_sessions)


class _SessionLimit:
    """mcp 2.1 has no session limit: refuse a new 2025-11-25 session with 503 while `limit` are open."""

    def __init__(self, app: ASGIApp, manager: StreamableHTTPSessionManager, limit: int) -> None:
        self._app = app
        self._manager = manager
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and self._opens_session(scope)
            and len(self._manager._server_instances) >= self._limit
        ):
            body = types.JSONRPCError(
                jsonrpc="2.0",
                id=None,
                error=types.ErrorData(code=types.INTERNAL_ERROR, message="Too many open sessions"),
            )
            response = Response(
                body.model_dump_json(by_alias=True, exclude_unset=True), 503, media_type="application/json"
            )
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)

    @staticmethod
    def _opens_session(scope: Scope) -> bool:
        headers = dict(scope["headers"])
        version = headers.get(b"mcp-protocol-version")
        handshake = version is None or version.decode("latin-1") in HANDSHAKE_PROTOCOL_VERSIONS
        return handshake and b"mcp-session-id" not in headers
