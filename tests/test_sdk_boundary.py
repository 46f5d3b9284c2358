"""The SDK boundary: the installed line provides the whole interface, its private SDK touches
still hold, and nothing outside `toolkit/_sdk/` imports the SDK.

Each private attribute a line touches has a test here that names it, so an SDK release that
renames or reshapes it fails by name rather than deep inside a request. The mcp 1.x pins skip
on mcp 2.x and the other way round; `tests/test_sdk_v2_line.py` drives the mcp 2.x touches
over real HTTP.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from doc_blocks import PAGES, python_blocks
from harness import ROOT, asgi_http, in_memory_client
from wire import headers, initialize_payload, parse_sse, request

import toolkit
from toolkit._sdk import SDKLine, TransportOptions, interface, sdk

pytestmark = pytest.mark.anyio

only_v1 = pytest.mark.skipif(sdk.LINE != 1, reason="private attributes of mcp 1.x (FastMCP)")
only_v2 = pytest.mark.skipif(sdk.LINE != 2, reason="private attributes of mcp 2.x (MCPServer)")


# --- the interface --------------------------------------------------------------------------------


def _interface_members() -> dict[str, Any]:
    members: dict[str, Any] = dict.fromkeys(SDKLine.__annotations__)
    for name, value in vars(SDKLine).items():
        if not name.startswith("_") and callable(value):
            members[name] = value
    return members


def test_the_installed_line_provides_every_member_of_the_interface():
    members = _interface_members()
    assert len(members) > 25, "the interface was read"
    missing = sorted(name for name in members if not hasattr(sdk, name))
    assert not missing, f"{sdk.__name__} lacks {missing}"
    for name, declared in members.items():
        if declared is None:
            continue
        provided = getattr(sdk, name)
        assert callable(provided), f"{sdk.__name__}.{name} is not callable"
        expected = [p for p in inspect.signature(declared).parameters if p != "self"]
        assert list(inspect.signature(provided).parameters) == expected, f"{sdk.__name__}.{name} signature"
        assert inspect.iscoroutinefunction(provided) == inspect.iscoroutinefunction(declared), name


def test_the_line_constants_and_classes():
    assert sdk.LINE in (1, 2)
    assert interface.HANDSHAKE_REVISION in sdk.REVISIONS
    assert issubclass(sdk.UrlElicitationRequiredBase, sdk.ProtocolErrorBase)
    assert issubclass(toolkit.UrlElicitationRequired, sdk.UrlElicitationRequiredBase)
    assert issubclass(toolkit.StatefulServer, sdk.ServerBase)
    assert issubclass(toolkit.BoundedEventStore, sdk.EventStoreBase)
    assert issubclass(toolkit.ToolkitError, sdk.ToolErrorBase)
    assert toolkit.server.ToolError is sdk.ToolErrorBase
    assert toolkit.Context is sdk.Context


# --- mcp 1.x: the private attributes, each by name and by behaviour --------------------------------


@only_v1
async def test_v1_server_sessions_keep_the_next_request_id_the_in_flight_table_and_an_exit_stack():
    from contextlib import AsyncExitStack

    server = toolkit.stateful_server("boundary-names")

    @server.tool()
    async def names(ctx: toolkit.Context) -> dict[str, bool]:
        session = ctx.session
        return {
            "ServerSession._request_id": isinstance(getattr(session, "_request_id", None), int),
            "ServerSession._in_flight": isinstance(getattr(session, "_in_flight", None), dict),
            "BaseSession._exit_stack": isinstance(getattr(session, "_exit_stack", None), AsyncExitStack),
        }

    async with in_memory_client(server) as session:
        result = await session.call_tool("names", {})
    found = result.structuredContent
    assert found is not None, result
    assert [name for name, present in found.items() if not present] == []


@only_v1
def test_v1_responders_say_whether_they_are_in_flight():
    from mcp.shared.session import RequestResponder

    assert isinstance(inspect.getattr_static(RequestResponder, "in_flight"), property), "RequestResponder.in_flight"


@asynccontextmanager
async def _raw_session(server: Any) -> AsyncIterator[tuple[Any, Any]]:
    """`(send, receive)` of JSON-RPC messages in wire form, to a session that declared elicitation."""
    from mcp.shared.memory import create_client_server_memory_streams
    from mcp.shared.message import SessionMessage
    from mcp.types import JSONRPCMessage

    lowlevel = server._mcp_server
    async with (
        create_client_server_memory_streams() as ((read, write), server_streams),
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(lambda: lowlevel.run(*server_streams, lowlevel.create_initialization_options()))

        async def send(message: dict[str, Any]) -> None:
            await write.send(SessionMessage(JSONRPCMessage.model_validate({"jsonrpc": "2.0", **message})))

        async def receive() -> dict[str, Any]:
            message = await read.receive()
            return message.message.root.model_dump(by_alias=True, exclude_none=True)

        init = {
            "protocolVersion": "2025-11-25",
            "capabilities": {"elicitation": {}},
            "clientInfo": {"name": "t", "version": "0"},
        }
        await send({"id": 0, "method": "initialize", "params": init})
        await receive()
        await send({"method": "notifications/initialized"})
        yield send, receive
        tg.cancel_scope.cancel()


@only_v1
async def test_v1_a_request_given_up_on_is_cancelled_under_the_id_it_was_sent_with():
    """`ServerSession._request_id` names the request about to be sent: the cancellation names it too."""
    server = toolkit.stateful_server("boundary-cancel")
    form = {"mode": "form", "message": "Name?", "requestedSchema": {"type": "object", "properties": {}}}

    @server.tool()
    async def ask_twice(ctx: toolkit.Context) -> str:
        for _ in range(2):
            with pytest.raises(interface.ClientRequestTimeout):
                await sdk.request_client(ctx, "elicitation/create", form, seconds=0.2, timeout_reason="too slow")
        return "gave up"

    seen: list[dict[str, Any]] = []
    async with _raw_session(server) as (send, receive):
        await send({"id": 1, "method": "tools/call", "params": {"name": "ask_twice", "arguments": {}}})
        with anyio.fail_after(10):
            # Until the call's response: the server numbers its own requests 0, 1, ... too.
            while not seen or "method" in seen[-1] or seen[-1].get("id") != 1:
                seen.append(await receive())
    kinds = [message.get("method", "response") for message in seen]
    assert kinds == ["elicitation/create", "notifications/cancelled"] * 2 + ["response"]
    assert seen[0]["id"] != seen[2]["id"]
    assert seen[1]["params"] == {"requestId": seen[0]["id"], "reason": "too slow"}
    assert seen[3]["params"] == {"requestId": seen[2]["id"], "reason": "too slow"}


@only_v1
async def test_v1_a_call_is_open_until_its_response_is_sent():
    """`ServerSession._in_flight` and the responder's `in_flight` tell `call_open`."""
    server = toolkit.stateful_server("boundary-open")
    kept: list[Any] = []

    @server.tool()
    async def remember(ctx: toolkit.Context) -> bool:
        kept.append(ctx)
        return sdk.call_open(ctx)

    async with in_memory_client(server) as session:
        result = await session.call_tool("remember", {})
        assert result.structuredContent == {"result": True}
        assert sdk.call_open(kept[0]) is False


@only_v1
async def test_v1_session_closed_callbacks_run_when_the_session_ends():
    """`BaseSession._exit_stack` is unwound when the session's server loop ends."""
    server = toolkit.stateful_server("boundary-closed")
    closed = anyio.Event()

    async def on_close() -> None:
        closed.set()

    @server.tool()
    async def hook(ctx: toolkit.Context) -> str:
        sdk.on_session_closed(ctx, on_close)
        return "hooked"

    async with in_memory_client(server) as session:
        await session.call_tool("hook", {})
        assert not closed.is_set()
    with anyio.fail_after(5):
        await closed.wait()


@only_v1
def test_v1_fastmcp_keeps_its_low_level_server_and_session_manager():
    from mcp.server.fastmcp import FastMCP
    from mcp.server.lowlevel import Server

    server = FastMCP("names")
    assert isinstance(server._mcp_server, Server), "FastMCP._mcp_server"
    assert isinstance(server._mcp_server.request_handlers, dict), "Server.request_handlers"
    assert server._session_manager is None, "FastMCP._session_manager"


@asynccontextmanager
async def _initialized(server: Any) -> AsyncIterator[tuple[Any, Any]]:
    """An initialized client over memory streams, with the server's `initialize` result."""
    from mcp import ClientSession
    from mcp.shared.memory import create_client_server_memory_streams

    lowlevel = server._mcp_server
    async with (
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(lambda: lowlevel.run(*server_streams, lowlevel.create_initialization_options()))
        async with ClientSession(*client_streams) as session:
            result = await session.initialize()
            yield session, result
        tg.cancel_scope.cancel()


@only_v1
async def test_v1_the_version_handlers_and_capabilities_go_on_the_low_level_server():
    """`FastMCP._mcp_server`: version, `logging/setLevel`, `resources/subscribe` and what they declare."""
    server = toolkit.stateful_server("boundary-server", version="9.8.7")
    server.resource("test://watched", name="watched")(lambda: "text")
    subscriptions = toolkit.enable_resource_subscriptions(server)
    levels: list[Any] = []

    async def set_level(ctx: Any, params: Any) -> None:
        levels.append((sdk.in_request(ctx), dict(params)))

    sdk.handle_request(server, "logging/setLevel", set_level)
    async with _initialized(server) as (session, result):
        assert result.serverInfo.version == "9.8.7"
        assert result.capabilities.logging is not None
        assert result.capabilities.resources.subscribe is True
        await session.set_logging_level("warning")
        await session.subscribe_resource("test://watched")
        assert len(subscriptions.subscribers("test://watched")) == 1
    assert levels == [(True, {"level": "warning"})]


class _Views:
    def __init__(self) -> None:
        self.opened: list[str] = []
        self.closed: list[str] = []

    def __call__(self, session_id: str) -> Any:
        views = self

        class View(toolkit.BoundedEventStore):
            def close(self) -> None:
                views.closed.append(session_id)

        self.opened.append(session_id)
        return View()


@only_v1
async def test_v1_each_session_gets_its_own_event_store_view_closed_when_it_ends():
    """`_admit_session`, `_discard_session` and `StreamableHTTPServerTransport._event_store`."""
    from mcp.server.streamable_http import StreamableHTTPServerTransport
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    for name in ("_admit_session", "_discard_session"):
        assert callable(getattr(StreamableHTTPSessionManager, name, None)), f"StreamableHTTPSessionManager.{name}"
    assert "_event_store" in vars(StreamableHTTPServerTransport("x", event_store=None)), "transport._event_store"

    server = toolkit.stateful_server("boundary-events")
    views = _Views()
    options = TransportOptions(
        path="/mcp",
        host="127.0.0.1",
        allowed_hosts=None,
        allowed_origins=None,
        session_idle_timeout=60,
        max_sessions=None,
        event_store=toolkit.BoundedEventStore(),
        retry_interval_ms=100,
        session_events=views,
    )
    app = sdk.streamable_http_app(server, options)
    payload = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
    }
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    async with (
        server.session_manager.run(),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http,
    ):
        response = await http.post("/mcp", json=payload, headers=headers)
        session_id = response.headers["mcp-session-id"]
        admitted = server.session_manager._server_instances[session_id]
        assert views.opened == [session_id]
        assert admitted._event_store is not options.event_store, "the session has its own view"
        deleted = await http.delete("/mcp", headers={"mcp-session-id": session_id, **headers})
        assert deleted.status_code == 200
    assert views.closed == [session_id], "closed once, however often the SDK discards the session"


# --- mcp 2.x: the private attributes, each by name ---------------------------------------------------


@only_v2
async def test_v2_a_request_session_reaches_its_connection_and_the_calls_own_channel():
    from contextlib import AsyncExitStack

    from mcp.server.connection import Connection

    server = toolkit.stateful_server("boundary-v2-names")

    @server.tool()
    async def names(ctx: toolkit.Context) -> dict[str, bool]:
        connection = getattr(ctx.session, "_connection", None)
        outbound = getattr(ctx.session, "_request_outbound", None)
        return {
            "ServerSession._connection": isinstance(connection, Connection),
            "Connection.exit_stack": isinstance(getattr(connection, "exit_stack", None), AsyncExitStack),
            "Connection.state": isinstance(getattr(connection, "state", None), dict),
            "ServerSession._request_outbound.send_raw_request": callable(getattr(outbound, "send_raw_request", None)),
        }

    async with in_memory_client(server) as client:
        result = await client.call_tool("names", {})
    found = result.structured_content
    assert found is not None, result
    assert [name for name, present in found.items() if not present] == []


@only_v2
def test_v2_the_dispatcher_routes_a_notification_onto_a_calls_stream_by_keyword():
    from mcp.shared.jsonrpc_dispatcher import JSONRPCDispatcher

    notify = inspect.signature(JSONRPCDispatcher.notify).parameters
    assert "_related_request_id" in notify, "JSONRPCDispatcher.notify(_related_request_id=)"


@only_v2
def test_v2_mcpserver_keeps_its_low_level_server_and_its_cached_server_info():
    import functools

    from mcp.server.lowlevel import Server
    from mcp.server.mcpserver import MCPServer

    lowlevel = MCPServer("names")._lowlevel_server
    assert isinstance(lowlevel, Server), "MCPServer._lowlevel_server"
    assert callable(lowlevel.add_request_handler), "Server.add_request_handler"
    assert isinstance(lowlevel.version, str), "Server.version"
    stamp = inspect.getattr_static(Server, "_server_info_stamp_source", None)
    assert isinstance(stamp, functools.cached_property), "Server._server_info_stamp_source"


@only_v2
def test_v2_session_transports_appear_where_the_line_looks_for_them():
    from mcp.server.streamable_http import StreamableHTTPServerTransport
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    from toolkit._sdk import v2

    transport = StreamableHTTPServerTransport(mcp_session_id="pin", event_store=None)
    assert "_event_store" in vars(transport), "StreamableHTTPServerTransport._event_store"
    assert callable(transport.connect) and callable(transport.handle_request)
    if v2._MANAGER_ADMITS:
        assert callable(StreamableHTTPSessionManager._admit_session), "StreamableHTTPSessionManager._admit_session"
    else:
        # mcp 2.1 creates a session's transport inline and files it in this table.
        server = toolkit.stateful_server("boundary-v2-table")
        server.streamable_http_app()
        assert isinstance(server.session_manager._server_instances, dict), "._server_instances"
        assert callable(server.session_manager.asgi_app), "StreamableHTTPSessionManager.asgi_app"
        assert "idle_scope" in vars(transport), "StreamableHTTPServerTransport.idle_scope"


# --- both lines: priming events follow the session's negotiated version ---------------------------


def test_each_line_mints_priming_events_per_stream_and_version():
    from mcp.server.streamable_http import StreamableHTTPServerTransport

    mint = getattr(StreamableHTTPServerTransport, "_mint_priming_event", None)
    assert callable(mint), "StreamableHTTPServerTransport._mint_priming_event"
    assert list(inspect.signature(mint).parameters) == ["self", "stream_id", "protocol_version"]


async def test_a_request_with_an_older_version_header_still_opens_with_a_priming_event():
    """A client that negotiated 2025-11-25 but sends an older header keeps its priming events."""
    server = toolkit.stateful_server("boundary-priming", retry_interval_ms=250)
    async with asgi_http(server) as http:
        opened = await http.post("/mcp", json=initialize_payload(), headers=headers())
        session = opened.headers["mcp-session-id"]
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await http.post("/mcp", json=initialized, headers=headers(session))
        older = headers(session, **{"MCP-Protocol-Version": "2025-03-26"})
        listed = await http.post("/mcp", json=request("tools/list", id=2), headers=older)
    first = parse_sse(listed.text.splitlines())[0]
    assert (first.id is not None, first.data, first.retry) == (True, "", 250)


# --- no SDK imports outside the boundary -----------------------------------------------------------

_SDK_IMPORT = re.compile(r"^\s*(from|import)\s+mcp(_types)?(\.|\s|$)|\bmcp_types\b")
_BOUNDARY = ROOT / "toolkit" / "_sdk"


def _python_files() -> list[Path]:
    files = [*(ROOT / "toolkit").rglob("*.py"), *(ROOT / "demo_servers").rglob("*.py")]
    return sorted(path for path in files if _BOUNDARY not in path.parents)


def _offences(lines: list[str], where: str, first_line: int = 1) -> list[str]:
    return [
        f"{where}:{number}: {line.strip()}"
        for number, line in enumerate(lines, start=first_line)
        if _SDK_IMPORT.search(line)
    ]


def test_no_sdk_imports_outside_the_boundary():
    offences: list[str] = []
    for path in _python_files():
        offences += _offences(path.read_text(encoding="utf-8").splitlines(), str(path.relative_to(ROOT)))
    for page in PAGES:
        for block in python_blocks(page):
            offences += _offences(block.code.splitlines(), str(page.relative_to(ROOT)), block.line + 1)
    assert not offences, "the SDK is imported outside toolkit/_sdk/:\n" + "\n".join(offences)


def test_the_import_check_finds_what_it_looks_for():
    found = _offences(
        ["from mcp.server.fastmcp import Context", "    import mcp", "import mcp_types", "x = 1", "import mcpx"], "f"
    )
    assert found == ["f:1: from mcp.server.fastmcp import Context", "f:2: import mcp", "f:3: import mcp_types"]
    assert _python_files(), "the files were found"
    assert any(python_blocks(page) for page in PAGES), "the doc blocks were found"


# --- the wrapper that answers in rounds keeps what the SDK reads of a function ----------------------


async def test_a_tool_wrapped_for_rounds_keeps_its_schema_name_description_and_context():
    from sdk_compat import SDKServer, structured, to_wire

    async def lookup(city: str, ctx: toolkit.Context, days: int = 3) -> dict[str, Any]:
        """Look a city up."""
        return {"city": city, "days": days, "request": toolkit.server.http_request(ctx) is None}

    wrapped = toolkit.server.replayable(lookup)
    assert wrapped is not lookup and sdk.context_parameter(wrapped) == "ctx"
    bare, ours = SDKServer("bare"), toolkit.stateful_server("ours")
    bare.tool()(lookup)
    ours.tool()(lookup)

    listed = {}
    for name, server in (("bare", bare), ("ours", ours)):
        async with in_memory_client(server) as client:
            (tool,) = to_wire(await client.list_tools())["tools"]
            result = await client.call_tool("lookup", {"city": "Oslo"})
        listed[name] = tool
        assert structured(result) == {"city": "Oslo", "days": 3, "request": True}
    assert listed["ours"] == listed["bare"]
    assert listed["ours"]["description"] == "Look a city up."


def test_functions_that_cannot_ask_are_registered_unwrapped():
    def plain(x: int) -> int:
        return x

    async def no_context(x: int) -> int:
        return x

    assert toolkit.server.replayable(plain) is plain
    assert toolkit.server.replayable(no_context) is no_context
