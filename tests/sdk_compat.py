"""The few SDK differences a test meets, behind line-neutral names, for mcp 1.x and mcp 2.x alike.

The suite runs on both SDK lines (see docs/testing.md). The toolkit hides the SDK behind
`toolkit._sdk`; tests talk to servers as a client does, with the SDK's own client, so they
need the same kind of fence on the client side:

- `McpError`, `LATEST_HANDSHAKE_VERSION`, `SUPPORTED_REVISIONS`: what the names are on this line.
- `SDKServer`: the bare SDK server of this line (FastMCP on 1.x, MCPServer on 2.x), for tests that
  show a toolkit helper working on any SDK server.
- `to_wire` / `from_wire`: SDK models to and from wire dicts (camelCase keys). mcp 1.x models have
  camelCase attributes and mcp 2.x snake_case ones; the wire form is the one both agree on.
- `text_of`, `is_error`, `structured`: what a tool result says.
- `quietly`: a client call mcp 2.x marks deprecated (logging, subscriptions), without its warning.
- `wire_callbacks`: client callbacks written once, over wire dicts, for either line's client.
- `open_http_session`: an initialized client over streamable HTTP; `make_mcp_error` builds an error.
- `call_round`, `prompt_round`, `read_round`: one round of a 2026-07-28 multi round-trip request
  driven by hand (mcp 2.x): answers and state in, the result (input-required or complete) out.

Only the installed `mcp` decides the line; nothing here imports the toolkit.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib import metadata, util
from typing import Any

import mcp.types as types
from pydantic import BaseModel, ValidationError

__all__ = [
    "HAS_STRANDS",
    "LATEST_HANDSHAKE_VERSION",
    "MCP_VERSION",
    "SDK_LINE",
    "SESSIONLESS_REVISION",
    "STRANDS_MISSING",
    "SUPPORTED_REVISIONS",
    "McpError",
    "SDKServer",
    "accept",
    "call_round",
    "error_of",
    "from_wire",
    "is_error",
    "jsonrpc_message",
    "make_mcp_error",
    "message_wire",
    "open_http_session",
    "prompt_round",
    "quietly",
    "read_round",
    "send_notification",
    "server_capabilities",
    "structured",
    "text_of",
    "to_wire",
    "wire_callbacks",
]

MCP_VERSION = metadata.version("mcp")
#: 1 for mcp 1.x (FastMCP, camelCase models), 2 for mcp 2.x (MCPServer, snake_case models).
SDK_LINE = int(MCP_VERSION.split(".")[0])

#: The session-less protocol revision; only mcp 2.x speaks it.
SESSIONLESS_REVISION = "2026-07-28"

HAS_STRANDS = util.find_spec("strands") is not None
STRANDS_MISSING = "strands-agents is not installed on this line (it requires mcp<2.2)"

if SDK_LINE >= 2:
    import httpx2 as _http
    from mcp import Client as _Client
    from mcp.client.streamable_http import streamable_http_client as _streamable_http_client
    from mcp.server.mcpserver import MCPServer as SDKServer
    from mcp.shared.exceptions import MCPDeprecationWarning as _Deprecated
    from mcp.shared.exceptions import MCPError as McpError
    from mcp_types.version import (
        HANDSHAKE_PROTOCOL_VERSIONS as _HANDSHAKE_REVISIONS,
    )
    from mcp_types.version import (
        LATEST_HANDSHAKE_VERSION,
    )
    from mcp_types.version import (
        MODERN_PROTOCOL_VERSIONS as _MODERN_REVISIONS,
    )

    SUPPORTED_REVISIONS: frozenset[str] = frozenset((*_HANDSHAKE_REVISIONS, *_MODERN_REVISIONS))
else:
    import httpx as _http
    from mcp import ClientSession as _ClientSession
    from mcp.client.streamable_http import streamable_http_client as _streamable_http_client
    from mcp.server.fastmcp import FastMCP as SDKServer
    from mcp.shared.exceptions import McpError
    from mcp.shared.version import SUPPORTED_PROTOCOL_VERSIONS as _SUPPORTED

    #: The newest revision with an `initialize` handshake (on 1.x, the newest of all).
    LATEST_HANDSHAKE_VERSION: str = types.LATEST_PROTOCOL_VERSION
    SUPPORTED_REVISIONS = frozenset(_SUPPORTED)
    _Deprecated: type[Warning] | None = None

#: Timeouts for test clients: generous, so a slow machine fails on the assertion, not the transport.
HTTP_TIMEOUT = _http.Timeout(30, read=60)

Wire = dict[str, Any]


def to_wire(value: Any) -> Any:
    """An SDK model (or a list or dict of them) as it goes on the wire: camelCase keys, JSON values.

    Both lines' models dump to the same dict this way, whatever their attribute names. mcp 2.x
    results also carry `resultType: "complete"` by default (a 2026-07-28 field); it is left out,
    so a finished result dumps alike on both lines. Any other `resultType` is kept.
    """
    if isinstance(value, BaseModel):
        wire = value.model_dump(by_alias=True, mode="json", exclude_none=True)
        if isinstance(wire, dict) and wire.get("resultType") == "complete":
            del wire["resultType"]
        return wire
    if isinstance(value, Mapping):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


def is_error(result: Any) -> bool:
    """Whether a tool result reports an error (`isError`)."""
    return bool(to_wire(result).get("isError"))


def structured(result: Any) -> Any:
    """The `structuredContent` of a tool result that is not an error (the assertion says which error)."""
    wire = to_wire(result)
    assert not wire.get("isError"), wire.get("content")
    return wire.get("structuredContent")


def server_capabilities(client: Any) -> Wire:
    """What the server declared to `client` (either line's client), in wire form."""
    if SDK_LINE >= 2:
        return to_wire(client.server_capabilities)
    return to_wire(client.get_server_capabilities())


async def quietly(call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
    """Await a client call that mcp 2.x marks deprecated (logging, subscriptions, ping) without its warning.

    From 2026-07-28 on these features are deprecated and the 2.x client warns on each call;
    the suite still tests servers that serve clients using them on 2025-11-25.
    """
    # The 2.x client warns from inside the awaited call, so the filter spans the await.
    with warnings.catch_warnings():
        if _Deprecated is not None:
            warnings.simplefilter("ignore", _Deprecated)
        return await call(*args, **kwargs)


def from_wire(model: str, wire: Mapping[str, Any]) -> Any:
    """The `mcp.types` model named `model` (e.g. "ElicitResult"), validated from a wire dict."""
    cls = getattr(types, model, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise ValueError(f"mcp {MCP_VERSION} has no model mcp.types.{model}")
    return cls.model_validate(dict(wire))


def text_of(result: Any) -> str:
    """The text blocks of a tool result (`content`) or resource read (`contents`), joined by newlines."""
    blocks = getattr(result, "content", None)
    if blocks is None:
        blocks = getattr(result, "contents", None)
    if blocks is None:
        raise TypeError(f"{type(result).__name__} has neither content nor contents")
    texts = [block.text for block in blocks if isinstance(getattr(block, "text", None), str)]
    if not texts:
        raise ValueError(f"{type(result).__name__} has no text block: {to_wire(result)!r}")
    return "\n".join(texts)


def jsonrpc_message(wire: Mapping[str, Any]) -> Any:
    """The SDK's JSON-RPC message for `wire` (what a transport hands an event store)."""
    if SDK_LINE >= 2:
        return types.jsonrpc_message_adapter.validate_python(dict(wire))
    return types.JSONRPCMessage.model_validate(dict(wire))


def message_wire(message: Any) -> Wire:
    """A JSON-RPC message of either line (1.x wraps each in a root model) in wire form."""
    inner = getattr(message, "root", message)
    return inner.model_dump(by_alias=True, mode="json", exclude_none=True)


async def send_notification(client: Any, wire: Mapping[str, Any]) -> None:
    """Send a notification in wire form (`{"method": ..., "params": ...}`) from either line's client."""
    if SDK_LINE >= 2:
        await client.session.send_notification(types.client_notification_adapter.validate_python(dict(wire)))
        return
    await client.send_notification(types.ClientNotification.model_validate(dict(wire)))


def make_mcp_error(code: int, message: str, data: Any = None) -> McpError:
    """An `McpError` as a server handler would raise it (the two lines' constructors differ)."""
    if SDK_LINE >= 2:
        return McpError(code, message, data)
    return McpError(types.ErrorData(code=code, message=message, data=data))


# -- client callbacks over wire dicts -----------------------------------------------------------

#: A callback body: wire params in, a wire result out (sync or async). A returned dict with
#: `code` and `message` and nothing else a result has is sent back as a JSON-RPC error.
WireHandler = Callable[[Wire], Wire | Awaitable[Wire]]
WireListener = Callable[[Wire], Awaitable[None] | None]


async def _settle(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _is_error(wire: Mapping[str, Any]) -> bool:
    return {"code", "message"} <= set(wire) and set(wire) <= {"code", "message", "data"}


def _answer(result_model: str, wire: Mapping[str, Any]) -> Any:
    return types.ErrorData.model_validate(dict(wire)) if _is_error(wire) else from_wire(result_model, wire)


def _sampling_answer(wire: Mapping[str, Any]) -> Any:
    if _is_error(wire):
        return types.ErrorData.model_validate(dict(wire))
    try:
        return from_wire("CreateMessageResult", wire)
    except ValidationError:
        # Tool-use content (a list, or tool_use blocks) only fits the with-tools result.
        return from_wire("CreateMessageResultWithTools", wire)


def wire_callbacks(
    *,
    elicitation: WireHandler | None = None,
    sampling: WireHandler | None = None,
    list_roots: Callable[[], Wire | Awaitable[Wire]] | None = None,
    logging: WireListener | None = None,
    notification: WireListener | None = None,
) -> dict[str, Any]:
    """Client callbacks written once over wire dicts, as keyword arguments for either line's client.

    Pass the result to `in_memory_client` or `open_http_session`:
    `open_http_session(url, **wire_callbacks(elicitation=lambda p: {"action": "decline"}))`.

    Args:
        elicitation: `elicitation/create` params -> an ElicitResult (or an error) as a dict.
        sampling: `sampling/createMessage` params -> a CreateMessageResult (or an error) as a dict.
        list_roots: () -> a ListRootsResult (or an error) as a dict.
        logging: Called with each `notifications/message` params.
        notification: Called with every server notification as `{"method": ..., "params": ...}`.
    """
    callbacks: dict[str, Any] = {}
    if elicitation is not None:

        async def on_elicitation(context: Any, params: Any) -> Any:
            return _answer("ElicitResult", await _settle(elicitation(to_wire(params))))

        callbacks["elicitation_callback"] = on_elicitation
    if sampling is not None:

        async def on_sampling(context: Any, params: Any) -> Any:
            return _sampling_answer(await _settle(sampling(to_wire(params))))

        callbacks["sampling_callback"] = on_sampling
    if list_roots is not None:

        async def on_list_roots(context: Any) -> Any:
            return _answer("ListRootsResult", await _settle(list_roots()))

        callbacks["list_roots_callback"] = on_list_roots
    if logging is not None:

        async def on_logging(params: Any) -> None:
            await _settle(logging(to_wire(params)))

        callbacks["logging_callback"] = on_logging
    if notification is not None:

        async def on_message(message: Any) -> None:
            # 1.x also hands requests (RequestResponder) and transport errors to this handler;
            # 2.x hands errors. Only notifications are models with a method.
            if isinstance(message, BaseModel):
                wire = to_wire(message)
                if isinstance(wire, dict) and "method" in wire and "id" not in wire:
                    await _settle(notification(wire))

        callbacks["message_handler"] = on_message
    return callbacks


# -- a client over streamable HTTP --------------------------------------------------------------


@asynccontextmanager
async def open_http_session(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    read_timeout_seconds: float | None = None,
    revision: str | None = None,
    declare: Mapping[str, Any] | None = None,
    **callbacks: Any,
) -> AsyncIterator[Any]:
    """An initialized client on `url` over streamable HTTP, closed (session deleted) on exit.

    On mcp 1.x it is a `ClientSession`; on mcp 2.x an `mcp.Client`. Both have `call_tool`,
    `list_tools`, `get_prompt`, `read_resource`, `send_ping`, `set_logging_level`, ...

    Args:
        url: The MCP endpoint, e.g. `http://127.0.0.1:8000/mcp`.
        headers: Extra HTTP headers on every request (e.g. `Authorization`).
        read_timeout_seconds: How long to wait for each response; None for the SDK default.
        revision: The protocol revision to speak: None or `LATEST_HANDSHAKE_VERSION` for a
            2025-11-25 session; `SESSIONLESS_REVISION` (mcp 2.x only) for 2026-07-28.
        declare: Capabilities to declare in `initialize` instead of what the SDK derives from
            the callbacks, in wire form, e.g. `{"elicitation": {"url": {}}}`; a None value
            declares nothing for that key. Both SDKs declare form and URL elicitation whenever
            there is a callback; a test of a client declaring less needs this.
        **callbacks: The client's callbacks and options (`elicitation_callback`, `message_handler`,
            `client_info`, ...), e.g. from `wire_callbacks`.
    """
    handshake = revision in (None, LATEST_HANDSHAKE_VERSION)
    if not handshake and not (SDK_LINE >= 2 and revision == SESSIONLESS_REVISION):
        raise ValueError(
            f"open_http_session speaks {LATEST_HANDSHAKE_VERSION}"
            + (f" or {SESSIONLESS_REVISION}" if SDK_LINE >= 2 else f" only on mcp {MCP_VERSION}")
            + f", not {revision!r}"
        )
    async with _http.AsyncClient(headers=dict(headers or {}), timeout=HTTP_TIMEOUT) as http:
        if SDK_LINE >= 2:
            mode = "legacy" if handshake else revision
            transport = _streamable_http_client(url, http_client=http)
            client_class = _declaring_client(declare) if declare is not None else _Client
            options = {"mode": mode, "read_timeout_seconds": read_timeout_seconds, **callbacks}
            async with client_class(transport, **options) as client:
                yield client
            return
        timeout = None if read_timeout_seconds is None else timedelta(seconds=read_timeout_seconds)
        session_class = _declaring_session(declare) if declare is not None else _ClientSession
        async with (
            _streamable_http_client(url, http_client=http) as (read, write, _),
            session_class(read, write, read_timeout_seconds=timeout, **callbacks) as session,
        ):
            await session.initialize()
            yield session


def _declared(capabilities: Any, declare: Mapping[str, Any]) -> Any:
    """`capabilities` (an SDK model) with the keys of `declare` replaced, as the same model."""
    wire = to_wire(capabilities)
    for key, value in declare.items():
        if value is None:
            wire.pop(key, None)
        else:
            wire[key] = dict(value)
    return type(capabilities).model_validate(wire)


def _declaring_session(declare: Mapping[str, Any]) -> type:
    """mcp 1.x: a `ClientSession` whose `initialize` declares `declare` (its capabilities are built inline)."""

    class DeclaringSession(_ClientSession):
        async def send_request(self, request: Any, result_type: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(request.root, types.InitializeRequest):
                params = request.root.params
                params.capabilities = _declared(params.capabilities, declare)
            return await super().send_request(request, result_type, *args, **kwargs)

    return DeclaringSession


def _declaring_client(declare: Mapping[str, Any]) -> type:
    """mcp 2.x: a `Client` whose session declares `declare` (through its capability builder)."""

    class DeclaringClient(_Client):
        async def _build_session(self, exit_stack: Any) -> Any:
            session = await super()._build_session(exit_stack)
            build = session._build_capabilities
            session._build_capabilities = lambda version: _declared(build(version), declare)
            return session

    return DeclaringClient


def error_of(exc: BaseException) -> Wire:
    """The JSON-RPC error an `McpError` carries (either line), in wire form: code, message, data."""
    error = getattr(exc, "error", None)
    if isinstance(error, BaseModel):
        return to_wire(error)
    wire: Wire = {"code": exc.code, "message": exc.message}  # type: ignore[attr-defined]
    if getattr(exc, "data", None) is not None:
        wire["data"] = exc.data  # type: ignore[attr-defined]
    return wire


# -- 2026-07-28 multi round-trip requests, one round at a time (mcp 2.x) ------------------------


def accept(content: Mapping[str, Any]) -> Wire:
    """An `ElicitResult` in wire form that accepts the form with `content`."""
    return {"action": "accept", "content": dict(content)}


def _round_options(responses: Mapping[str, Any] | None, state: str | None, meta: Mapping[str, Any] | None) -> Wire:
    if SDK_LINE < 2:
        raise RuntimeError(f"mcp {MCP_VERSION} has no 2026-07-28 rounds")
    options: Wire = {"allow_input_required": True}
    if responses is not None:
        options["input_responses"] = {key: dict(value) for key, value in responses.items()}
    if state is not None:
        options["request_state"] = state
    if meta is not None:
        options["meta"] = dict(meta)
    return options


async def call_round(
    client: Any,
    name: str,
    arguments: Mapping[str, Any] | None = None,
    *,
    responses: Mapping[str, Any] | None = None,
    state: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Wire:
    """One `tools/call` round on a 2026-07-28 client (`mcp.Client`), driven by hand.

    Sends `responses` (answers by key, in wire form) and `state` (the `requestState` of the
    round before, echoed as given) and returns the result in wire form: an input-required
    result keeps `resultType: "input_required"`, `inputRequests` and `requestState`; a complete
    one is a `CallToolResult`. A JSON-RPC error raises the SDK's `McpError`.
    """
    result = await client.session.call_tool(name, dict(arguments or {}), **_round_options(responses, state, meta))
    return to_wire(result)


async def prompt_round(
    client: Any,
    name: str,
    arguments: Mapping[str, str] | None = None,
    *,
    responses: Mapping[str, Any] | None = None,
    state: str | None = None,
) -> Wire:
    """One `prompts/get` round on a 2026-07-28 client, as `call_round` does for tools."""
    result = await client.session.get_prompt(name, dict(arguments or {}), **_round_options(responses, state, None))
    return to_wire(result)


async def read_round(
    client: Any, uri: str, *, responses: Mapping[str, Any] | None = None, state: str | None = None
) -> Wire:
    """One `resources/read` round on a 2026-07-28 client, as `call_round` does for tools."""
    result = await client.session.read_resource(uri, **_round_options(responses, state, None))
    return to_wire(result)
