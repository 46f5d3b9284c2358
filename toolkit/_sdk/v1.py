"""The SDK boundary on mcp 1.x (FastMCP), which serves the handshake revisions only (up to 2025-11-25).

Private SDK attributes touched here, and why; each is pinned by a test in
`tests/test_sdk_boundary.py` that fails by name if the SDK changes under it:

- `ServerSession._request_id`: the id the next server-to-client request will carry. mcp 1.x
  has no other way to learn it, and without it a request we give up on cannot be cancelled
  on the wire.
- `ServerSession._in_flight` (and each responder's `in_flight`): whether a call still awaits
  its response, so progress stops the moment the response is out.
- `BaseSession._exit_stack`: unwound when a session's server loop ends; the session-closed hook.
- `FastMCP._mcp_server`: the low-level server, for the version reported on `initialize`, the
  `logging/setLevel` and `resources/subscribe` handlers, and the capabilities they imply,
  for which FastMCP has no API.
- `FastMCP._session_manager`: where FastMCP looks for its session manager; ours goes there.
- `StreamableHTTPSessionManager._admit_session` / `_discard_session` (overridden) and
  `StreamableHTTPServerTransport._event_store`: give each session its own view of the event
  store, and close it whenever the session ends.
- `StreamableHTTPServerTransport._mint_priming_event` (replaced on each session's transport):
  decide priming events by the session's negotiated version, not each request's header.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from importlib import metadata
from typing import TYPE_CHECKING, Any

import anyio
from mcp import types
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.fastmcp.tools import Tool
from mcp.server.fastmcp.utilities.context_injection import find_context_parameter
from mcp.server.streamable_http import EventMessage, EventStore, StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import McpError, UrlElicitationRequiredError
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.version import SUPPORTED_PROTOCOL_VERSIONS
from pydantic import BaseModel, TypeAdapter, ValidationError

from .common import check_server_options, prime_by_negotiated_version, root_logging_kept, server_options
from .interface import (
    HANDSHAKE_REVISION,
    MISSING_CLIENT_CAPABILITY,
    ClientRequestError,
    ClientRequestTimeout,
    LoggingLevel,
    RequestHandler,
    RequestStateOptions,
    SessionEvents,
    TransportOptions,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

    from .interface import CacheHintValue, ListKind

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

LINE = 1
VERSION = metadata.version("mcp")
REVISIONS: tuple[str, ...] = tuple(str(version) for version in SUPPORTED_PROTOCOL_VERSIONS)
ServerBase = FastMCP
UrlElicitationRequiredBase = UrlElicitationRequiredError
ProtocolErrorBase = McpError
ToolErrorBase = ToolError
EventStoreBase = EventStore

#: Seconds allowed for telling the client about a cancellation after the call was cancelled.
CANCEL_GRACE = 2.0
#: JSON-RPC "invalid params": the code used when the client's result is not a JSON object.
INVALID_PARAMS = types.INVALID_PARAMS

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_CONTENT_BLOCK: TypeAdapter[Any] = TypeAdapter(types.ContentBlock)

logger = logging.getLogger(__name__)


def _wire(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


# -- the call ----------------------------------------------------------------------------


def in_request(ctx: Any) -> bool:
    """Whether `ctx` belongs to a request (a Context built by hand in a test does not)."""
    try:
        ctx.request_context  # noqa: B018 - the property raises outside a request
    except ValueError:
        return False
    return True


def protocol_version(ctx: Any) -> str:
    """The revision the call's session negotiated; `HANDSHAKE_REVISION` outside a request."""
    if not in_request(ctx):
        return HANDSHAKE_REVISION
    params = ctx.session.client_params
    return _negotiate(str(params.protocolVersion) if params is not None else "")


def request_id(ctx: Any) -> str:
    """The JSON-RPC id of the call, as a string."""
    return str(ctx.request_context.request_id)


def client_capabilities(ctx: Any) -> dict[str, Any]:
    """The capabilities the client declared in `initialize`, in wire form."""
    if not in_request(ctx):
        return {}
    params = ctx.session.client_params
    if params is None or params.capabilities is None:
        return {}
    return _wire(params.capabilities)


def client_info(ctx: Any) -> dict[str, Any] | None:
    """The client's `clientInfo` from `initialize`, in wire form."""
    if not in_request(ctx):
        return None
    params = ctx.session.client_params
    if params is None or params.clientInfo is None:
        return None
    return _wire(params.clientInfo)


def http_request(ctx: Any) -> Request | None:
    """The Starlette request behind the call, or None (in memory, stdio, outside a request)."""
    if not in_request(ctx):
        return None
    return getattr(ctx.request_context, "request", None)


def access_token_claims() -> dict[str, Any] | None:
    """The authenticated principal of the current request as `{client_id, subject, claims}`, or None."""
    token = get_access_token()
    if token is None:
        return None
    return {"client_id": token.client_id, "subject": token.subject, "claims": dict(token.claims or {})}


def session_key(ctx: Any) -> object | None:
    """The call's `ServerSession`: one object per session, for exactly as long as it lives."""
    if not in_request(ctx):
        return None
    return ctx.session


def server_of(ctx: Any) -> Any:
    """The FastMCP server serving the call."""
    return ctx.fastmcp


def progress_token(ctx: Any) -> str | int | None:
    """The call's `_meta.progressToken`, or None."""
    if not in_request(ctx):
        return None
    meta = ctx.request_context.meta
    return None if meta is None else meta.progressToken


def call_open(ctx: Any) -> bool:
    """Whether the call still awaits its response, so notifications on its stream still count."""
    if not in_request(ctx):
        return False
    in_flight = getattr(ctx.session, "_in_flight", None)
    if in_flight is None:
        return True
    responder = in_flight.get(ctx.request_context.request_id)
    # A responder's `in_flight` turns False the moment the response (or error) is sent.
    return responder is not None and bool(responder.in_flight)


# -- talking to the client ---------------------------------------------------------------


class _AnyResult(types.Result):
    """Any result object; the toolkit checks the fields it reads itself."""


async def request_client(
    ctx: Any, method: str, params: dict[str, Any], *, seconds: float | None, timeout_reason: str
) -> dict[str, Any]:
    """Send a request to the client on the call's stream and wait for its result, in wire form.

    The SDK's `send_request` gives up on a read timeout without telling the client, so the
    client would keep a form open that nobody reads. Giving up here always sends
    `notifications/cancelled`, both on our own deadline and when the call itself is cancelled.

    Raises:
        ValueError: `params` are not valid for `method`; nothing was sent.
        ClientRequestTimeout: No answer within `seconds`; cancelled on the wire.
        ClientRequestError: The client answered with a JSON-RPC error, or not with an object.
    """
    try:
        request = types.ServerRequest.model_validate({"method": method, "params": params})
    except ValidationError as exc:
        raise ValueError(f"not a valid {method} request: {_first_error(exc)}") from exc
    session = ctx.session
    # send_request takes this id before its first await, and nothing runs in between, so it
    # names the request about to be sent; mcp 1.x offers no other way to learn it.
    sent_id: int = session._request_id
    metadata = ServerMessageMetadata(related_request_id=ctx.request_id)
    try:
        with anyio.move_on_after(seconds):
            result = await session.send_request(request, _AnyResult, metadata=metadata)
            return _wire(result)
    except anyio.get_cancelled_exc_class():
        # The call's own stream ends with its cancellation, so this goes on the standalone stream.
        with anyio.move_on_after(CANCEL_GRACE, shield=True):
            await _cancel_on_wire(ctx, sent_id, "the tool call was cancelled", on_call_stream=False)
        raise
    except McpError as exc:
        raise ClientRequestError(exc.error.code, exc.error.message, exc.error.data) from exc
    except ValidationError as exc:
        raise ClientRequestError(INVALID_PARAMS, f"the client's result is not valid: {_first_error(exc)}") from exc
    await _cancel_on_wire(ctx, sent_id, timeout_reason)
    raise ClientRequestTimeout(timeout_reason)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


async def _cancel_on_wire(ctx: Any, sent_id: int, reason: str, *, on_call_stream: bool = True) -> None:
    params = types.CancelledNotificationParams(requestId=sent_id, reason=reason)
    notification = types.ServerNotification(types.CancelledNotification(params=params))
    related = ctx.request_id if on_call_stream else None
    # A closed stream means the client is gone, so there is nothing left to cancel.
    with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
        await ctx.session.send_notification(notification, related_request_id=related)


async def send_progress(ctx: Any, token: str | int, progress: float, total: float | None, message: str | None) -> None:
    """Send `notifications/progress` for the call's token on the call's stream."""
    await ctx.session.send_progress_notification(
        progress_token=token,
        progress=progress,
        total=total,
        message=message,
        related_request_id=request_id(ctx),
    )


def request_log_level(ctx: Any) -> LoggingLevel | None:
    """Always None: on mcp 1.x a session's `logging/setLevel` decides."""
    return None


async def send_log(ctx: Any, level: LoggingLevel, data: Any, logger: str | None) -> None:
    """Send `notifications/message` on the call's stream."""
    await ctx.session.send_log_message(level=level, data=data, logger=logger, related_request_id=request_id(ctx))


async def notify_session(
    session: object, method: str, params: dict[str, Any], *, related_request_id: str | None = None
) -> None:
    """Send a notification in wire form to one session (its standalone stream, or a call's stream)."""
    notification = types.ServerNotification.model_validate({"method": method, "params": params})
    await session.send_notification(notification, related_request_id=related_request_id)  # type: ignore[attr-defined]


async def notify_list_changed(ctx: Any, kind: ListKind) -> None:
    """Send `notifications/<kind>/list_changed` on the calling session's standalone stream."""
    send = {
        "tools": ctx.session.send_tool_list_changed,
        "prompts": ctx.session.send_prompt_list_changed,
        "resources": ctx.session.send_resource_list_changed,
    }[kind]
    await send()


def init_url_elicitation_required(error: Exception, elicitations: list[dict[str, Any]], message: str | None) -> None:
    """Initialise `error` (a `UrlElicitationRequiredError` subclass) with URL-mode params in wire form."""
    params = [types.ElicitRequestURLParams.model_validate({"mode": "url", **item}) for item in elicitations]
    UrlElicitationRequiredError.__init__(error, params, message)  # type: ignore[arg-type]


# -- multi round-trip requests (2026-07-28): none on mcp 1.x ------------------------------


def input_responses(ctx: Any) -> dict[str, dict[str, Any]] | None:
    """Always None: every mcp 1.x call belongs to a 2025-11-25 (or older) session."""
    return None


def request_state(ctx: Any) -> str | None:
    """Always None: every mcp 1.x call belongs to a 2025-11-25 (or older) session."""
    return None


def input_required(requests: Mapping[str, Mapping[str, Any]], request_state: str | None) -> Any:
    """mcp 1.x has no input-required result; the toolkit never asks for one on this line."""
    raise NotImplementedError(f"mcp {VERSION} serves no 2026-07-28 requests, so nothing answers input_required")


def missing_capability(message: str, required: Mapping[str, Any]) -> Exception:
    """The -32021 error with `data.requiredCapabilities`, as mcp 1.x's JSON-RPC error."""
    data = {"requiredCapabilities": dict(required)}
    return McpError(types.ErrorData(code=MISSING_CLIENT_CAPABILITY, message=message, data=data))


def context_parameter(fn: Callable[..., Any]) -> str | None:
    """The parameter of `fn` FastMCP fills with the context, or None."""
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
    """A FastMCP `Tool` for `fn` whose advertised input schema is `input_schema`."""
    tool = Tool.from_function(fn, name=name, description=description, structured_output=False)
    return tool.model_copy(update={"parameters": input_schema})


def replayed_event(event_id: str, data: bytes) -> Any:
    """The `EventMessage` replaying a stored message's wire JSON as event `event_id`."""
    return EventMessage(types.JSONRPCMessage.model_validate_json(data), event_id)


# -- the server --------------------------------------------------------------------------

_SERVER_OPTIONS = server_options(FastMCP)


def make_server(
    cls: type,
    name: str,
    log_level: str,
    options: Mapping[str, Any],
    request_state: RequestStateOptions | None = None,
) -> Any:
    """A new FastMCP (`cls`) named `name`, leaving the root logger as the application set it.

    `request_state` is ignored: mcp 1.x serves no 2026-07-28 requests, so it seals no state.

    Raises:
        ValueError: An option is a transport setting or not a FastMCP option.
    """
    check_server_options(options, _SERVER_OPTIONS, f"mcp {VERSION}")
    with root_logging_kept():
        return cls(name, log_level=log_level, **options)


def _negotiate(requested: str) -> str:
    # As the session answers `initialize`: the client's version when supported, else its newest.
    return requested if requested in REVISIONS else str(types.LATEST_PROTOCOL_VERSION)


def set_server_version(server: Any, version: str) -> None:
    """Make `initialize` report `version` as the server's own version."""
    server._mcp_server.version = version


def cache_hint_options(hints: Mapping[str, CacheHintValue]) -> dict[str, Any]:
    """Nothing: mcp 1.x serves no 2026-07-28, whose results are the ones that carry caching hints."""
    return {}


_REQUEST_TYPES: dict[str, type] = {
    "logging/setLevel": types.SetLevelRequest,
    "resources/subscribe": types.SubscribeRequest,
    "resources/unsubscribe": types.UnsubscribeRequest,
}


def handle_request(server: Any, method: str, handler: RequestHandler) -> None:
    """Answer `method` on `server` with `handler(ctx, params)`; the capability follows the handler.

    Raises:
        ValueError: `method` is not one the toolkit handles.
    """
    request_type = _REQUEST_TYPES.get(method)
    if request_type is None:
        raise ValueError(f"cannot handle {method!r}; supported: {', '.join(_REQUEST_TYPES)}")

    async def answer(request: Any) -> types.ServerResult:
        params = _wire(request.params) if request.params is not None else {}
        result = await handler(server.get_context(), params)
        if result is None:
            return types.ServerResult(types.EmptyResult())
        return types.ServerResult.model_validate(dict(result))

    # The low-level server declares `logging` (and answers the method) once a handler is here.
    server._mcp_server.request_handlers[request_type] = answer


def declare_resource_subscribe(server: Any) -> None:
    """Declare `resources.subscribe: true`, which mcp 1.x never derives by itself."""
    lowlevel = server._mcp_server
    declare = lowlevel.get_capabilities

    def get_capabilities(*args: Any, **kwargs: Any) -> types.ServerCapabilities:
        capabilities = declare(*args, **kwargs)
        if capabilities.resources is not None:
            capabilities.resources.subscribe = True
        return capabilities

    lowlevel.get_capabilities = get_capabilities


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
    # host name, so protection is opt-in through allowed hosts.
    return TransportSecuritySettings(enable_dns_rebinding_protection=False)


class _SessionScopedManager(StreamableHTTPSessionManager):
    """Gives each new session its own view of the shared event store, closed when the session ends."""

    def __init__(self, *args: Any, session_events: Callable[[str], SessionEvents] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session_events = session_events
        self.event_views: dict[str, SessionEvents] = {}

    def _admit_session(self, requestor: Any) -> StreamableHTTPServerTransport | None:
        transport = super()._admit_session(requestor)
        if transport is not None:
            prime_by_negotiated_version(transport, _negotiate)
        session_id = transport.mcp_session_id if transport is not None else None
        if transport is not None and session_id is not None and self.session_events is not None:
            view = self.session_events(session_id)
            self.event_views[session_id] = view
            transport._event_store = view  # type: ignore[assignment]
        return transport

    async def _discard_session(self, session_id: str, transport: StreamableHTTPServerTransport) -> None:
        # The SDK ends every session here, maybe more than once: DELETE, idle timeout, crash,
        # a refused opening request, shutdown.
        try:
            await super()._discard_session(session_id, transport)
        finally:
            view = self.event_views.pop(session_id, None)
            if view is not None:
                view.close()


def streamable_http_app(server: Any, options: TransportOptions) -> Starlette:
    """The server's streamable-HTTP ASGI app: stateful sessions, SSE responses."""
    settings = server.settings
    security = _transport_security(options)
    settings.streamable_http_path = options.path
    settings.stateless_http = False
    settings.json_response = False
    settings.transport_security = security
    manager = server._session_manager
    if manager is None:
        manager = _SessionScopedManager(
            app=server._mcp_server,
            event_store=options.event_store,
            retry_interval=options.retry_interval_ms if options.event_store is not None else None,
            json_response=False,
            stateless=False,
            security_settings=security,
            session_idle_timeout=options.session_idle_timeout,
            session_events=options.session_events if options.event_store is not None else None,
            **({"max_sessions": options.max_sessions} if options.max_sessions is not None else {}),
        )
        server._session_manager = manager
    else:
        # Built before (the app is one per manager, whose run() is once only): new sessions
        # get the protection of the host bound now.
        manager.security_settings = security
    # FastMCP's own builder, not the subclass's override that called us.
    return FastMCP.streamable_http_app(server)


def on_session_closed(ctx: Any, callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once when the call's session ends (its server loop returns, however it ends)."""
    if not in_request(ctx):
        return

    async def run() -> None:
        with anyio.CancelScope(shield=True):
            try:
                await callback()
            except Exception:
                # A failing hook must not keep the rest of the session's teardown from running.
                logger.exception("A session-closed callback failed")

    ctx.session._exit_stack.push_async_callback(run)
