"""The reference client on mcp 2.x: the SDK's `ClientSession` and `Client` over our transport.

On 2025-11-25 (`protocol="2025-11-25"`) a `ClientSession` runs the session. The 2.x session
already cancels an abandoned request on the wire, answers the requests still waiting when it
closes, and routes progress. The handshake is sent here with `Handlers.declared` and its result
handed to the session with `adopt()`, because the session derives its declaration from which
callbacks were passed and always declares both elicitation modes.

With `protocol="2026-07-28"` or `"auto"` the same `ClientSession` runs, and the 2026-07-28
machinery is the SDK's: `server/discover` and the era negotiation of `auto`
(falling back to `initialize`), the `_meta` envelope on every request (protocol version,
client info, capabilities), the `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` headers, dropping
tools whose `x-mcp-header` annotations are invalid, and the multi round-trip driving of
`input_required` answers through the same callbacks as server requests. Two things are ours:

- the declaration: the write stream puts `Handlers.declared` in place of the one the SDK
  built from its callbacks, in the `initialize` params and in every request's `_meta`, so
  form-only elicitation or roots without `listChanged` reach the server as chosen;
- the log level of 2026-07-28, which has no `logging/setLevel`: the level goes in each
  request's `_meta`, `debug` when the client has a log callback.

`logging/setLevel` and `notifications/roots/list_changed` are sent as plain requests and
notifications on 2025-11-25, because the session's helpers for them warn that 2026-07-28
deprecates them.

Two private names of mcp 2.x are used, each pinned by
``tests/demo_client/test_client_sdk_boundary.py``; they are what the SDK's `Client` runs, and
the `Client` itself cannot sit on a session whose negotiation happens under our deadline:

- ``mcp.client._probe.negotiate_auto``: the era negotiation of `Client(mode="auto")`;
- ``mcp.client._input_required.run_input_required_driver``: the round driver behind
  `Client.call_tool`, fed with the session's public `dispatch_input_request`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import mcp_types
from mcp import ClientSession, InputRequiredRoundsExceededError
from mcp.client import ClientRequestContext
from mcp.client._input_required import run_input_required_driver
from mcp.client._probe import negotiate_auto
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ClientMessageMetadata, SessionMessage
from mcp_types import CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY, UNSUPPORTED_PROTOCOL_VERSION
from mcp_types.version import (
    HANDSHAKE_PROTOCOL_VERSIONS,
    LATEST_HANDSHAKE_VERSION,
    LATEST_MODERN_VERSION,
    MODERN_PROTOCOL_VERSIONS,
)
from pydantic import BaseModel, ValidationError

from .interface import (
    AUTO,
    CONNECTION_CLOSED,
    LEGACY_REVISION,
    ErrorAnswer,
    Handlers,
    NotModern,
    Outgoing,
    ProgressFn,
    ProtocolError,
    RequestNotSent,
    RoundsExceeded,
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

LINE = 2
HANDSHAKE_VERSIONS: tuple[str, ...] = tuple(HANDSHAKE_PROTOCOL_VERSIONS)
MODERN_VERSIONS: tuple[str, ...] = tuple(MODERN_PROTOCOL_VERSIONS)
#: The level a 2026-07-28 request asks for when the client has a log callback: every message,
#: as a 2025-11-25 session gets them until `logging/setLevel`.
DEFAULT_MODERN_LOG_LEVEL = "debug"

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
    """The session's write stream: puts our declaration in each request, and notes when the
    writing task's message reached the transport."""

    def __init__(self, stream: Any, declared: Wire) -> None:
        self._stream = stream
        self._declared = declared

    async def send(self, item: SessionMessage) -> None:
        await self._stream.send(_declaring(item, self._declared))
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


def _declaring(item: SessionMessage, declared: Wire) -> SessionMessage:
    """`item` with `declared` as the client's capabilities wherever the SDK put its own.

    The SDK builds its declaration from the callbacks it was given (elicitation is always
    both modes, roots always `listChanged`); the reference client declares what it was told.
    The params were built by the session for this one message, so they are changed in place.
    """
    message = item.message
    if not isinstance(message, mcp_types.JSONRPCRequest) or not message.params:
        return item
    params = message.params
    if message.method == "initialize":
        params["capabilities"] = declared
    elif isinstance(meta := params.get("_meta"), dict) and CLIENT_CAPABILITIES_META_KEY in meta:
        meta[CLIENT_CAPABILITIES_META_KEY] = declared
    return item


class _Session:
    """`interface.Session` over a 2.x `ClientSession`, on 2025-11-25."""

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
        except InputRequiredRoundsExceededError as exc:
            raise RoundsExceeded(exc.max_rounds) from exc
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


class _ModernSession(_Session):
    """`interface.Session` for `2026-07-28` and `auto`: the SDK's negotiation and round driving.

    `initialize` agrees on the revision on the wire (`auto` may settle on 2025-11-25, and the
    session then works as `_Session` does). On 2026-07-28, `call_tool`, `get_prompt` and
    `read_resource` resolve `input_required` answers with the SDK's driver, as its `Client` does.
    """

    def __init__(self, session: ClientSession, handlers: Handlers, protocol: str, max_rounds: int) -> None:
        super().__init__(session, handlers)
        self._protocol = protocol
        self._max_rounds = max_rounds
        self._log_level: str | None = DEFAULT_MODERN_LOG_LEVEL if handlers.on_log is not None else None

    @property
    def _modern(self) -> bool:
        return self._session.protocol_version in MODERN_PROTOCOL_VERSIONS

    async def initialize(self) -> Wire:
        return await self._run(self._agree)

    async def _agree(self) -> Wire:
        session = self._session
        if self._protocol == AUTO:
            try:
                await negotiate_auto(session)
            except RuntimeError as exc:
                # The handshake's "Unsupported protocol version from the server: X".
                raise UnsupportedProtocol(str(exc).rpartition(": ")[2], HANDSHAKE_VERSIONS + MODERN_VERSIONS) from exc
        else:
            session.adopt(await _discover(session, self._protocol))
        if not self._modern:
            initialized = session.initialize_result
            assert initialized is not None
            return _wire(initialized)
        agreed: Wire = {"protocolVersion": session.protocol_version}
        if session.server_capabilities is not None:
            agreed["capabilities"] = _wire(session.server_capabilities)
        if session.server_info is not None:
            agreed["serverInfo"] = _wire(session.server_info)
        if session.instructions is not None:
            agreed["instructions"] = session.instructions
        return agreed

    def _meta(self) -> Any:
        if self._modern and self._log_level is not None:
            return {LOG_LEVEL_META_KEY: self._log_level}
        return None

    async def _resolved(self, retry: Callable[[Any, str | None], Awaitable[Any]]) -> Any:
        """The first answer of `retry`, with any `input_required` rounds resolved through the handlers."""
        first = await retry(None, None)
        if not isinstance(first, mcp_types.InputRequiredResult):
            return first
        session = self._session

        async def dispatch(key: str, request: Any) -> Any:
            meta = request.params.meta if request.params is not None else None
            return await session.dispatch_input_request(
                ClientRequestContext(session=session, request_id=key, meta=meta), request
            )

        return await run_input_required_driver(first, dispatch=dispatch, retry=retry, max_rounds=self._max_rounds)

    async def call_tool(self, name: str, arguments: Wire | None, on_progress: ProgressFn | None) -> Wire:
        async def retry(responses: Any, state: str | None) -> Any:
            return await self._session.call_tool(
                name,
                arguments,
                progress_callback=on_progress,
                input_responses=responses,
                request_state=state,
                meta=self._meta(),
                allow_input_required=True,
            )

        return await self._wire_of(lambda: self._resolved(retry))

    async def get_prompt(self, name: str, arguments: dict[str, str] | None) -> Wire:
        async def retry(responses: Any, state: str | None) -> Any:
            return await self._session.get_prompt(
                name,
                arguments,
                input_responses=responses,
                request_state=state,
                meta=self._meta(),
                allow_input_required=True,
            )

        return await self._wire_of(lambda: self._resolved(retry))

    async def read_resource(self, uri: str) -> Wire:
        async def retry(responses: Any, state: str | None) -> Any:
            return await self._session.read_resource(
                uri, input_responses=responses, request_state=state, meta=self._meta(), allow_input_required=True
            )

        return await self._wire_of(lambda: self._resolved(retry))

    async def ping(self) -> None:
        if not self._modern:
            return await super().ping()
        version = self._session.protocol_version
        assert version is not None
        await self._run(lambda: self._session.send_discover(version))

    async def set_log_level(self, level: str) -> None:
        if not self._modern:
            return await super().set_log_level(level)
        self._log_level = level

    async def roots_changed(self) -> None:
        if not self._modern:
            await super().roots_changed()


async def _discover(session: ClientSession, protocol: str) -> mcp_types.DiscoverResult:
    """`server/discover` at `protocol`; once more at a mutual version if the server names one.

    Raises:
        NotModern: The server refused `server/discover`.
    """
    version = protocol if protocol in MODERN_PROTOCOL_VERSIONS else LATEST_MODERN_VERSION
    for attempt in range(2):
        try:
            raw = await session.send_discover(version)
        except MCPError as exc:
            if isinstance(exc.data, Exception):
                raise  # the transport's own failure (unreachable, refused credentials): not an answer
            mutual = _mutual(exc) if exc.code == UNSUPPORTED_PROTOCOL_VERSION else []
            if mutual and attempt == 0:
                version = mutual[-1]
                continue
            raise NotModern(f"it answered server/discover with error {exc.code}: {exc.message}") from exc
        try:
            result = mcp_types.DiscoverResult.model_validate(raw)
        except ValidationError as exc:
            raise NotModern("its answer to server/discover is not a discover result") from exc
        if not any(version in result.supported_versions for version in MODERN_PROTOCOL_VERSIONS):
            raise NotModern(f"it supports {', '.join(result.supported_versions) or 'no version'}")
        return result
    raise AssertionError("unreachable")


def _mutual(exc: MCPError) -> list[str]:
    try:
        supported = mcp_types.UnsupportedProtocolVersionErrorData.model_validate(exc.data).supported
    except ValidationError:
        return []
    return [version for version in MODERN_PROTOCOL_VERSIONS if version in supported]


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
    """A 2.x `ClientSession` over the transport's streams, as an `interface.Session`.

    With `2026-07-28` or `auto`, `call_tool`, `get_prompt` and `read_resource` drive
    `input_required` rounds with the SDK's driver, at most `max_rounds` per request.

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
    client_info = mcp_types.Implementation.model_validate(handlers.client_info)
    writes = _TrackedWrites(write_stream, handlers.declared)
    async with ClientSession(read_stream, writes, client_info=client_info, **callbacks) as session:  # type: ignore[arg-type]
        if protocol == LEGACY_REVISION:
            yield _Session(session, handlers)
        else:
            yield _ModernSession(session, handlers, protocol, max_rounds)
