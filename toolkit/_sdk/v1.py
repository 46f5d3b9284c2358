"""The SDK boundary on mcp 1.x (FastMCP), which serves protocol revision 2025-11-25 only.

Private SDK attributes touched here, each pinned by a test in `tests/test_sdk_boundary.py`:
`ServerSession._request_id` (the id the next server-to-client request will carry),
`ServerSession._in_flight` (whether a request still awaits its response), `FastMCP._mcp_server`
(the low-level server, for handlers FastMCP has no API for) and
`StreamableHTTPSessionManager._admit_session` (to give each session its own event-store view).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from importlib import metadata
from typing import TYPE_CHECKING, Any

import anyio
from mcp import types
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.streamable_http import StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import McpError, UrlElicitationRequiredError
from mcp.shared.message import ServerMessageMetadata
from pydantic import AnyUrl, BaseModel, ValidationError

from .interface import (
    HANDSHAKE_REVISION,
    ClientRequestError,
    ClientRequestTimeout,
    LoggingLevel,
    RequestHandler,
    TransportOptions,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

LINE = 1
VERSION = metadata.version("mcp")
REVISIONS: tuple[str, ...] = (HANDSHAKE_REVISION,)
ServerBase = FastMCP
UrlElicitationRequiredBase = UrlElicitationRequiredError
ProtocolErrorBase = McpError

__all__ = ["LINE", "REVISIONS", "VERSION", "Context", "ProtocolErrorBase", "ServerBase", "UrlElicitationRequiredBase"]

#: Seconds allowed for telling the client about a cancellation after the tool call was cancelled.
CANCEL_GRACE = 2.0

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


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
    """The revision of the call: always 2025-11-25 on this line."""
    return HANDSHAKE_REVISION


def request_id(ctx: Any) -> str:
    """The JSON-RPC id of the call, as a string."""
    return str(ctx.request_id)


def client_capabilities(ctx: Any) -> dict[str, Any]:
    """The capabilities the client declared in `initialize`, in wire form."""
    params = ctx.session.client_params
    if params is None or params.capabilities is None:
        return {}
    return _wire(params.capabilities)


def client_info(ctx: Any) -> dict[str, Any] | None:
    """The client's `clientInfo` from `initialize`, in wire form."""
    params = ctx.session.client_params
    if params is None or params.clientInfo is None:
        return None
    return _wire(params.clientInfo)


def http_request(ctx: Any) -> Request | None:
    """The Starlette request behind the call, or None (in memory, stdio)."""
    if not in_request(ctx):
        return None
    return getattr(ctx.request_context, "request", None)


def access_token_claims() -> dict[str, Any] | None:
    """The authenticated principal of the current request as `{client_id, subject, claims}`, or None."""
    token = get_access_token()
    if token is None:
        return None
    return {"client_id": token.client_id, "subject": getattr(token, "subject", None), "claims": {}}


def session_key(ctx: Any) -> object | None:
    """An object that lives exactly as long as the call's session (the `ServerSession`)."""
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
    # `in_flight` turns False the moment the response (or the cancellation error) is sent.
    return responder is not None and bool(responder.in_flight)


# -- talking to the client ---------------------------------------------------------------


class _AnyResult(types.Result):
    """Any result object; the toolkit validates the fields it reads itself."""


async def request_client(
    ctx: Any, method: str, params: dict[str, Any], *, seconds: float | None, timeout_reason: str
) -> dict[str, Any]:
    """Send a request to the client on the call's stream and wait for its result, in wire form.

    The SDK's `send_request` gives up on a read timeout without telling the client, so the
    client would keep a form open that nobody reads. Giving up here always sends
    `notifications/cancelled`, both on our own deadline and when the call itself is cancelled.

    Raises:
        ClientRequestTimeout: No answer within `seconds`; cancelled on the wire.
        ClientRequestError: The client answered with a JSON-RPC error.
    """
    request = types.ServerRequest.model_validate({"method": method, "params": params})
    session = ctx.session
    # send_request takes this id before its first await, and nothing runs in between, so it
    # names the request about to be sent; mcp 1.x offers no other way to learn it.
    sent_id: int = session._request_id
    metadata = ServerMessageMetadata(related_request_id=ctx.request_id)
    try:
        with anyio.move_on_after(seconds):
            result = await session.send_request(request, _AnyResult, metadata=metadata)
            return result.model_dump(by_alias=True, mode="json", exclude_none=True)
    except anyio.get_cancelled_exc_class():
        # The call's own stream ends with its cancellation, so this goes on the standalone stream.
        with anyio.move_on_after(CANCEL_GRACE, shield=True):
            await _cancel_on_wire(ctx, sent_id, "the tool call was cancelled", on_call_stream=False)
        raise
    except McpError as exc:
        raise ClientRequestError(exc.error.code, exc.error.message, exc.error.data) from exc
    except ValidationError as exc:
        raise ClientRequestError(-32602, f"the client's result is not a JSON object: {exc.errors()[0]['msg']}") from exc
    await _cancel_on_wire(ctx, sent_id, timeout_reason)
    raise ClientRequestTimeout(timeout_reason)


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
        related_request_id=str(ctx.request_context.request_id),
    )


async def send_log(ctx: Any, level: LoggingLevel, data: Any, logger: str | None) -> None:
    """Send `notifications/message` on the call's stream."""
    await ctx.session.send_log_message(level=level, data=data, logger=logger, related_request_id=ctx.request_id)


async def notify_resource_updated(session: object, uri: str) -> None:
    """Send `notifications/resources/updated` to one session (on its standalone stream)."""
    await session.send_resource_updated(AnyUrl(uri))  # type: ignore[attr-defined]


def url_elicitation_required(elicitations: list[dict[str, Any]], message: str | None) -> Exception:
    """The SDK's -32042 error carrying `elicitations` (URL-mode params in wire form)."""
    params = [types.ElicitRequestURLParams.model_validate(item) for item in elicitations]
    return UrlElicitationRequiredError(params, message)


# -- the server --------------------------------------------------------------------------


def set_server_version(server: Any, version: str) -> None:
    """Make `initialize` report `version` as the server's own version."""
    server._mcp_server.version = version


def handle_request(server: Any, method: str, handler: RequestHandler) -> None:
    """Answer `method` on `server` with `handler(ctx, params)`; the capability follows the handler.

    Supported methods: `logging/setLevel`, `resources/subscribe`, `resources/unsubscribe`.
    """
    lowlevel = server._mcp_server
    request_type = _REQUEST_TYPES[method]

    async def answer(request: Any) -> types.ServerResult:
        ctx = server.get_context()
        params = request.params.model_dump(by_alias=True, mode="json", exclude_none=True)
        await handler(ctx, params)
        return types.ServerResult(types.EmptyResult())

    lowlevel.request_handlers[request_type] = answer


_REQUEST_TYPES: dict[str, type] = {
    "logging/setLevel": types.SetLevelRequest,
    "resources/subscribe": types.SubscribeRequest,
    "resources/unsubscribe": types.UnsubscribeRequest,
}


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
    """Gives each new session its own view of the shared event store."""

    scope_events: Callable[[str, Any], Any] | None = None

    def _admit_session(self, requestor: Any) -> StreamableHTTPServerTransport | None:
        transport = super()._admit_session(requestor)
        if transport is not None and self.scope_events is not None and transport.mcp_session_id is not None:
            transport._event_store = self.scope_events(transport.mcp_session_id, transport._event_store)
        return transport


def streamable_http_app(server: Any, options: TransportOptions) -> Starlette:
    """The server's streamable-HTTP ASGI app: stateful sessions, SSE responses."""
    settings = server.settings
    settings.streamable_http_path = options.path
    settings.stateless_http = False
    settings.json_response = False
    settings.transport_security = _transport_security(options)
    if server._session_manager is None:
        manager = _SessionScopedManager(
            app=server._mcp_server,
            event_store=options.event_store,
            retry_interval=options.retry_interval_ms if options.event_store is not None else None,
            json_response=False,
            stateless=False,
            security_settings=settings.transport_security,
            session_idle_timeout=options.session_idle_timeout,
            **({"max_sessions": options.max_sessions} if options.max_sessions is not None else {}),
        )
        manager.scope_events = getattr(options.event_store, "scoped", None)
        server._session_manager = manager
    return server.streamable_http_app()


def on_session_closed(ctx: Any, callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once when the call's session ends (DELETE, idle expiry, shutdown)."""
    raise NotImplementedError

