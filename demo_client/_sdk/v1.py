"""The reference client on mcp 1.x: its `ClientSession`, declaring exactly the chosen
capabilities and cancelling on the wire.

Two things the 1.x session does not do: it derives its declaration from which callbacks were
passed (and always declares both elicitation modes), and a request abandoned by a timeout or
Ctrl-C is simply forgotten, so the server keeps working on it. Here the declaration comes from
`Handlers.declared`, and abandoning a request sends `notifications/cancelled` for its id.

Private attributes of mcp 1.x used here, each pinned by
``tests/demo_client/test_client_sdk_boundary.py``:

- ``BaseSession._request_id``: the id the next request gets, read right before sending (the
  session assigns it without awaiting), so the cancellation names the right request.
- ``BaseSession._response_streams``: the waiters of requests still in flight; answered when
  the session closes, because the 1.x receive loop is cancelled before it can answer them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from types import TracebackType
from typing import Any

import anyio
from mcp import ClientSession
from mcp import types as mcp_types
from mcp.shared.exceptions import McpError
from mcp.shared.message import MessageMetadata, SessionMessage
from mcp.shared.session import ProgressFnT
from mcp.shared.version import SUPPORTED_PROTOCOL_VERSIONS
from pydantic import AnyUrl, BaseModel

from .interface import (
    AUTO,
    LEGACY_REVISION,
    ErrorAnswer,
    Handlers,
    NotModern,
    Outgoing,
    ProgressFn,
    ProtocolError,
    RequestNotSent,
    UnsupportedProtocol,
    Wire,
)

__all__ = [
    "HANDSHAKE_VERSIONS",
    "LINE",
    "MODERN_VERSIONS",
    "elicitation_callback",
    "incoming",
    "open_session",
    "outgoing",
]

logger = logging.getLogger(__name__)

LINE = 1
HANDSHAKE_VERSIONS: tuple[str, ...] = tuple(SUPPORTED_PROTOCOL_VERSIONS)
#: mcp 1.x has no session-less revision; `auto` is always the handshake here.
MODERN_VERSIONS: tuple[str, ...] = ()
# Sending the cancellation must not hold up the caller that is being cancelled.
CANCEL_NOTICE_TIMEOUT = 2.0


def _wire(model: BaseModel) -> Wire:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def outgoing(message: SessionMessage) -> Outgoing:
    """The wire form of one message the session wrote; 1.x asks for no headers."""
    return Outgoing(_wire(message.message))


def incoming(wire: Wire) -> SessionMessage:
    """The read-stream item for one message from the server (pydantic's error is a ValueError)."""
    return SessionMessage(mcp_types.JSONRPCMessage.model_validate(wire))


def _error(exc: ErrorAnswer) -> mcp_types.ErrorData:
    return mcp_types.ErrorData(code=exc.code, message=exc.message, data=exc.data)


def elicitation_callback(elicit: Callable[[Wire], Awaitable[Wire]]) -> Any:
    """`elicit` as the 1.x `ElicitationFnT`."""

    async def callback(context: Any, params: Any) -> mcp_types.ElicitResult | mcp_types.ErrorData:
        try:
            return mcp_types.ElicitResult.model_validate(await elicit(_wire(params)))
        except ErrorAnswer as exc:
            return _error(exc)

    return callback


def _sampling_callback(sample: Callable[[Wire], Awaitable[Wire]]) -> Any:
    async def callback(context: Any, params: mcp_types.CreateMessageRequestParams) -> Any:
        try:
            result = await sample(_wire(params))
        except ErrorAnswer as exc:
            return _error(exc)
        # Tool use comes back as a list of blocks, which only the "with tools" result allows.
        if isinstance(result.get("content"), list):
            return mcp_types.CreateMessageResultWithTools.model_validate(result)
        return mcp_types.CreateMessageResult.model_validate(result)

    return callback


def _roots_callback(list_roots: Callable[[], Awaitable[Wire]]) -> Any:
    async def callback(context: Any) -> mcp_types.ListRootsResult | mcp_types.ErrorData:
        try:
            return mcp_types.ListRootsResult.model_validate(await list_roots())
        except ErrorAnswer as exc:
            return _error(exc)

    return callback


def _logging_callback(on_log: Callable[[Wire], Awaitable[None]]) -> Any:
    async def callback(params: mcp_types.LoggingMessageNotificationParams) -> None:
        await on_log(_wire(params))

    return callback


def _message_handler(on_notification: Callable[[Wire], Awaitable[None]] | None) -> Any:
    async def handle(message: Any) -> None:
        if isinstance(message, Exception):
            logger.debug("Session message problem: %s", message)
        elif isinstance(message, mcp_types.ServerNotification) and on_notification is not None:
            await on_notification(_wire(message.root))

    return handle


class DeclaringSession(ClientSession):
    """A 1.x `ClientSession` that declares `declared` and cancels abandoned requests on the wire.

    Args:
        *args: Passed to `ClientSession` (read stream, write stream).
        declared: The `capabilities` object to send on `initialize`.
        known_failure: The transport's error for a request id, for requests still waiting at close.
        **kwargs: Passed to `ClientSession` (callbacks, client info).
    """

    def __init__(
        self,
        *args: Any,
        declared: mcp_types.ClientCapabilities,
        known_failure: Callable[[Any], Exception | None] = lambda request_id: None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._declared = declared
        self._known_failure = known_failure

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        try:
            return await super().__aexit__(exc_type, exc, tb)
        finally:
            self._fail_pending()

    def _fail_pending(self) -> None:
        """Answer every request still waiting, so no caller in another task waits forever.

        The SDK tries this in its receive loop, but the loop is cancelled when the session
        closes, so callers in other tasks would hang.
        """
        for request_id, stream in list(self._response_streams.items()):
            reason = self._known_failure(request_id)
            error = mcp_types.ErrorData(
                code=mcp_types.CONNECTION_CLOSED, message="The session closed before the response arrived.", data=reason
            )
            # WouldBlock: the response itself arrived first and waits in the buffer.
            with suppress(anyio.WouldBlock, anyio.BrokenResourceError, anyio.ClosedResourceError):
                stream.send_nowait(mcp_types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error))
        self._response_streams.clear()

    async def declare_and_initialize(self) -> mcp_types.InitializeResult:
        """Run the handshake with the declared capabilities."""
        params = mcp_types.InitializeRequestParams(
            protocolVersion=mcp_types.LATEST_PROTOCOL_VERSION, capabilities=self._declared, clientInfo=self._client_info
        )
        request = mcp_types.ClientRequest(mcp_types.InitializeRequest(params=params))
        result = await self.send_request(request, mcp_types.InitializeResult)
        if str(result.protocolVersion) not in HANDSHAKE_VERSIONS:
            raise UnsupportedProtocol(str(result.protocolVersion), HANDSHAKE_VERSIONS)
        await self.send_notification(mcp_types.ClientNotification(mcp_types.InitializedNotification()))
        return result

    async def send_request(
        self,
        request: mcp_types.ClientRequest,
        result_type: type[Any],
        request_read_timeout_seconds: timedelta | None = None,
        metadata: MessageMetadata = None,
        progress_callback: ProgressFnT | None = None,
    ) -> Any:
        """Send `request`; if the caller is cancelled meanwhile, tell the server to stop."""
        # The session takes this id for the request without awaiting first (pinned by a test).
        request_id = self._request_id
        try:
            return await super().send_request(
                request, result_type, request_read_timeout_seconds, metadata, progress_callback
            )
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            # The transport is gone, so the request never left: safe to send on a new session.
            raise RequestNotSent() from exc
        except anyio.get_cancelled_exc_class():
            # The spec forbids cancelling `initialize`.
            if not isinstance(request.root, mcp_types.InitializeRequest):
                await self._notify_cancelled(request_id)
            raise

    async def _notify_cancelled(self, request_id: int) -> None:
        notice = mcp_types.CancelledNotification(
            params=mcp_types.CancelledNotificationParams(requestId=request_id, reason="The client stopped waiting.")
        )
        with anyio.CancelScope(shield=True), anyio.move_on_after(CANCEL_NOTICE_TIMEOUT):
            try:
                await self.send_notification(mcp_types.ClientNotification(notice))
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                logger.debug("Could not send the cancellation of request %s: session closed", request_id)


class _Session:
    """`interface.Session` over a `DeclaringSession`."""

    def __init__(self, session: DeclaringSession) -> None:
        self._session = session

    async def _run(self, call: Awaitable[BaseModel]) -> Wire:
        try:
            return _wire(await call)
        except McpError as exc:
            raise ProtocolError(exc.error.code, exc.error.message, exc.error.data) from exc

    async def initialize(self) -> Wire:
        return await self._run(self._session.declare_and_initialize())

    async def call_tool(self, name: str, arguments: Wire | None, on_progress: ProgressFn | None) -> Wire:
        return await self._run(self._session.call_tool(name, arguments, progress_callback=on_progress))

    async def list_tools(self, cursor: str | None) -> Wire:
        return await self._run(self._session.list_tools(params=_page(cursor)))

    async def list_prompts(self, cursor: str | None) -> Wire:
        return await self._run(self._session.list_prompts(params=_page(cursor)))

    async def get_prompt(self, name: str, arguments: dict[str, str] | None) -> Wire:
        return await self._run(self._session.get_prompt(name, arguments))

    async def list_resources(self, cursor: str | None) -> Wire:
        return await self._run(self._session.list_resources(params=_page(cursor)))

    async def read_resource(self, uri: str) -> Wire:
        return await self._run(self._session.read_resource(AnyUrl(uri)))

    async def ping(self) -> None:
        await self._run(self._session.send_ping())

    async def set_log_level(self, level: str) -> None:
        await self._run(self._session.set_logging_level(level))  # type: ignore[arg-type]

    async def roots_changed(self) -> None:
        await self._session.send_roots_list_changed()


def _page(cursor: str | None) -> mcp_types.PaginatedRequestParams | None:
    return mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None


@asynccontextmanager
async def open_session(
    read_stream: Any,
    write_stream: Any,
    handlers: Handlers,
    *,
    known_failure: Callable[[Any], Exception | None],
    protocol: str = LEGACY_REVISION,
    max_rounds: int = 10,
) -> AsyncIterator[_Session]:
    """A `DeclaringSession` over the transport's streams, as an `interface.Session`.

    mcp 1.x speaks the handshake revisions only: `protocol` must be `2025-11-25` or `auto`
    (which is the handshake here), and `max_rounds` has nothing to bound.
    """
    if protocol not in (LEGACY_REVISION, AUTO):
        raise NotModern(f"mcp 1.x does not speak {protocol}")
    callbacks: dict[str, Any] = {"message_handler": _message_handler(handlers.on_notification)}
    if handlers.elicit is not None:
        callbacks["elicitation_callback"] = elicitation_callback(handlers.elicit)
    if handlers.sample is not None:
        callbacks["sampling_callback"] = _sampling_callback(handlers.sample)
    if handlers.list_roots is not None:
        callbacks["list_roots_callback"] = _roots_callback(handlers.list_roots)
    if handlers.on_log is not None:
        callbacks["logging_callback"] = _logging_callback(handlers.on_log)
    async with DeclaringSession(
        read_stream,
        write_stream,
        declared=mcp_types.ClientCapabilities.model_validate(handlers.declared),
        known_failure=known_failure,
        client_info=mcp_types.Implementation.model_validate(handlers.client_info),
        **callbacks,
    ) as session:
        yield _Session(session)
