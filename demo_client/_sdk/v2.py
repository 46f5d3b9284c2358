"""The reference client on mcp 2.x: its `ClientSession` over our transport, on 2025-11-25.

The 2.x session already cancels an abandoned request on the wire, answers the requests still
waiting when it closes, and routes progress. Two things are done differently here, both with
its public API only:

- the handshake: the 2.x session derives its declaration from which callbacks were passed and
  always declares both elicitation modes, so `initialize` is sent here with
  `Handlers.declared` and its result handed to the session with `adopt()`;
- `logging/setLevel` and `notifications/roots/list_changed` are sent as plain requests and
  notifications, because the session's helpers for them warn that 2026-07-28 deprecates them
  (this client speaks 2025-11-25, where they are current).

No private attribute of mcp 2.x is used.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import mcp_types
from mcp import ClientSession
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ClientMessageMetadata, SessionMessage
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION
from pydantic import BaseModel

from .interface import (
    CONNECTION_CLOSED,
    ErrorAnswer,
    Handlers,
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
    "elicitation_callback",
    "incoming",
    "open_session",
    "outgoing",
]

logger = logging.getLogger(__name__)

LINE = 2
HANDSHAKE_VERSIONS: tuple[str, ...] = tuple(HANDSHAKE_PROTOCOL_VERSIONS)

# Set by `_TrackedWrites` when the current task's request reached the transport: tells a
# request that never left from one whose connection closed while it waited (both are
# CONNECTION_CLOSED errors in 2.x).
_handed_over: ContextVar[list[bool] | None] = ContextVar("handed_over", default=None)


def _wire(model: BaseModel) -> Wire:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def outgoing(message: SessionMessage) -> Outgoing:
    """The wire form of one message the session wrote, with the headers the session asks for."""
    metadata = message.metadata
    headers = metadata.headers if isinstance(metadata, ClientMessageMetadata) and metadata.headers else {}
    return Outgoing(_wire(message.message), dict(headers))


def incoming(wire: Wire) -> SessionMessage:
    """The read-stream item for one message from the server (pydantic's error is a ValueError)."""
    return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_python(wire))


def _error(exc: ErrorAnswer) -> mcp_types.ErrorData:
    return mcp_types.ErrorData(code=exc.code, message=exc.message, data=exc.data)


def elicitation_callback(elicit: Callable[[Wire], Awaitable[Wire]]) -> Any:
    """`elicit` as the 2.x `ElicitationFnT`."""

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
        elif isinstance(message, BaseModel) and on_notification is not None:
            await on_notification(_wire(message))

    return handle


class _TrackedWrites:
    """The session's write stream, noting when the writing task's message reached the transport."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def send(self, item: SessionMessage) -> None:
        await self._stream.send(item)
        handed = _handed_over.get()
        if handed is not None:
            handed[0] = True

    async def aclose(self) -> None:
        await self._stream.aclose()

    def close(self) -> None:
        self._stream.close()

    async def __aenter__(self) -> _TrackedWrites:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class _Session:
    """`interface.Session` over a 2.x `ClientSession`."""

    def __init__(self, session: ClientSession, handlers: Handlers) -> None:
        self._session = session
        self._handlers = handlers

    async def _run(self, call: Callable[[], Awaitable[Any]]) -> Any:
        handed = [False]
        token = _handed_over.set(handed)
        try:
            return await call()
        except MCPError as exc:
            if exc.code == CONNECTION_CLOSED and exc.data is None and not handed[0]:
                raise RequestNotSent() from exc
            raise ProtocolError(exc.code, exc.message, exc.data) from exc
        finally:
            _handed_over.reset(token)

    async def _wire_of(self, call: Callable[[], Awaitable[BaseModel]]) -> Wire:
        return _wire(await self._run(call))

    async def initialize(self) -> Wire:
        return _wire(await self._run(self._handshake))

    async def _handshake(self) -> mcp_types.InitializeResult:
        session = self._session
        params = mcp_types.InitializeRequestParams(
            protocol_version=LATEST_HANDSHAKE_VERSION,
            capabilities=mcp_types.ClientCapabilities.model_validate(self._handlers.declared),
            client_info=mcp_types.Implementation.model_validate(self._handlers.client_info),
        )
        result = await session.send_request(mcp_types.InitializeRequest(params=params), mcp_types.InitializeResult)
        if result.protocol_version not in HANDSHAKE_VERSIONS:
            raise UnsupportedProtocol(result.protocol_version, HANDSHAKE_VERSIONS)
        session.adopt(result)
        await session.send_notification(mcp_types.InitializedNotification())
        return result

    async def call_tool(self, name: str, arguments: Wire | None, on_progress: ProgressFn | None) -> Wire:
        return await self._wire_of(lambda: self._session.call_tool(name, arguments, progress_callback=on_progress))

    async def list_tools(self, cursor: str | None) -> Wire:
        return await self._wire_of(lambda: self._session.list_tools(params=_page(cursor)))

    async def list_prompts(self, cursor: str | None) -> Wire:
        return await self._wire_of(lambda: self._session.list_prompts(params=_page(cursor)))

    async def get_prompt(self, name: str, arguments: dict[str, str] | None) -> Wire:
        return await self._wire_of(lambda: self._session.get_prompt(name, arguments))

    async def list_resources(self, cursor: str | None) -> Wire:
        return await self._wire_of(lambda: self._session.list_resources(params=_page(cursor)))

    async def read_resource(self, uri: str) -> Wire:
        return await self._wire_of(lambda: self._session.read_resource(uri))

    async def ping(self) -> None:
        await self._run(self._session.send_ping)

    async def set_log_level(self, level: str) -> None:
        request = mcp_types.SetLevelRequest(params=mcp_types.SetLevelRequestParams(level=level))  # type: ignore[arg-type]
        await self._run(lambda: self._session.send_request(request, mcp_types.EmptyResult))

    async def roots_changed(self) -> None:
        await self._session.send_notification(mcp_types.RootsListChangedNotification())


def _page(cursor: str | None) -> mcp_types.PaginatedRequestParams | None:
    return mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None


@asynccontextmanager
async def open_session(
    read_stream: Any,
    write_stream: Any,
    handlers: Handlers,
    *,
    known_failure: Callable[[Any], Exception | None],
) -> AsyncIterator[_Session]:
    """A 2.x `ClientSession` over the transport's streams, as an `interface.Session`.

    `known_failure` is not needed: the 2.x session answers the requests still waiting when
    it closes, and the transport's own failure reaches them before that.
    """
    callbacks: dict[str, Any] = {"message_handler": _message_handler(handlers.on_notification)}
    if handlers.elicit is not None:
        callbacks["elicitation_callback"] = elicitation_callback(handlers.elicit)
    if handlers.sample is not None:
        callbacks["sampling_callback"] = _sampling_callback(handlers.sample)
    if handlers.list_roots is not None:
        callbacks["list_roots_callback"] = _roots_callback(handlers.list_roots)
    if handlers.on_log is not None:
        callbacks["logging_callback"] = _logging_callback(handlers.on_log)
    async with ClientSession(
        read_stream,
        _TrackedWrites(write_stream),  # type: ignore[arg-type]
        client_info=mcp_types.Implementation.model_validate(handlers.client_info),
        **callbacks,
    ) as session:
        yield _Session(session, handlers)
