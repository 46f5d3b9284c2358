"""The SDK boundary on mcp 2.x (`toolkit._sdk.v2`), over real HTTP with the SDK's own client.

Each test serves an MCPServer with uvicorn on 127.0.0.1 and talks to it with `mcp.Client`, in
a 2025-11-25 session ("legacy") and session-less on 2026-07-28, or with raw HTTP where the
test is about the transport. The private SDK attributes v2 touches are pinned by name in
`tests/test_sdk_boundary.py`; the tests here show what each of them is for.
"""

from __future__ import annotations

import gc
import json
import socket
import warnings
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pytest

pytest.importorskip("mcp.server.mcpserver", reason="mcp 2.x only: mcp 1.x has no MCPServer and no 2026-07-28")

import anyio
import httpx
import mcp_types as types
import uvicorn
from mcp import Client, MCPDeprecationWarning
from mcp.server.streamable_http import EventStore
from mcp.shared.exceptions import MCPError

from toolkit._sdk import v2 as sdk
from toolkit._sdk.interface import (
    HANDSHAKE_REVISION,
    SESSIONLESS_REVISION,
    ClientRequestError,
    ClientRequestTimeout,
    NoBackChannel,
    TransportOptions,
)

pytestmark = pytest.mark.anyio

LEGACY = "legacy"
MODES = [LEGACY, SESSIONLESS_REVISION]
NAME_SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
ASK = {"mode": "form", "message": "Your name?", "requestedSchema": NAME_SCHEMA}
RAW_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": HANDSHAKE_REVISION,
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
WAIT = 10.0
T = TypeVar("T")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def options(**overrides: Any) -> TransportOptions:
    base = TransportOptions(
        path="/mcp",
        host="127.0.0.1",
        allowed_hosts=None,
        allowed_origins=None,
        session_idle_timeout=60.0,
        max_sessions=None,
        event_store=None,
        retry_interval_ms=None,
    )
    return replace(base, **overrides)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serving(server: Any, transport: TransportOptions | None = None) -> AsyncIterator[str]:
    """Serve `server` with uvicorn on 127.0.0.1 until the block ends; yields the MCP URL."""
    app = sdk.streamable_http_app(server, transport or options())
    port = free_port()
    userver = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    stopped = anyio.Event()

    async def serve() -> None:
        try:
            await userver.serve()
        finally:
            stopped.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(serve)
        with anyio.fail_after(WAIT):
            while True:
                if userver.started:
                    break
                await anyio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            # Shut down cleanly even when the test failed, so no listening socket is left behind.
            userver.should_exit = True
            with anyio.CancelScope(shield=True), anyio.move_on_after(WAIT):
                await stopped.wait()


async def quietly(call: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Make a client call the SDK marks deprecated (logging, subscriptions) without its warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        return await call(*args)


async def arrives(event: anyio.Event) -> None:
    """Wait, boundedly, for `event`."""
    with anyio.fail_after(WAIT):
        await event.wait()


async def raw_session(http: httpx.AsyncClient, url: str) -> str:
    """Open a 2025-11-25 session without a GET stream; returns its id."""
    response = await http.post(url, headers=RAW_HEADERS, json=INITIALIZE)
    assert response.status_code == 200, response.text
    session_id = response.headers["mcp-session-id"]
    await http.post(url, headers=session_headers(session_id), json=INITIALIZED)
    return session_id


def session_headers(session_id: str) -> dict[str, str]:
    return {**RAW_HEADERS, "mcp-session-id": session_id, "mcp-protocol-version": HANDSHAKE_REVISION}


def tool_call(name: str, arguments: dict[str, Any] | None = None, request_id: int = 2) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments or {}},
    }


@dataclass
class Probe:
    """What the server's tools and handlers saw."""

    keys: list[object | None] = field(default_factory=list)
    held: Any = None
    closed: dict[str, anyio.Event] = field(default_factory=dict)
    levels: list[tuple[object | None, str]] = field(default_factory=list)
    subscribed: dict[object, set[str]] = field(default_factory=dict)

    def closed_event(self, session_id: str) -> anyio.Event:
        return self.closed.setdefault(session_id, anyio.Event())


def build_server(probe: Probe) -> Any:
    server = sdk.ServerBase("v2-line")

    @server.tool()
    async def about(ctx: sdk.Context) -> dict[str, Any]:
        probe.keys.append(sdk.session_key(ctx))
        request = sdk.http_request(ctx)
        return {
            "in_request": sdk.in_request(ctx),
            "protocol_version": sdk.protocol_version(ctx),
            "request_id": sdk.request_id(ctx),
            "capabilities": sdk.client_capabilities(ctx),
            "client_info": sdk.client_info(ctx),
            "session_id": None if request is None else request.headers.get("mcp-session-id"),
            "same_server": sdk.server_of(ctx) is server,
            "principal": sdk.access_token_claims(),
        }

    @server.tool()
    async def ask(ctx: sdk.Context, seconds: float | None = 5.0) -> dict[str, Any]:
        try:
            result = await sdk.request_client(
                ctx, "elicitation/create", ASK, seconds=seconds, timeout_reason="no answer"
            )
        except ClientRequestTimeout as exc:
            return {"outcome": "timeout", "reason": str(exc)}
        except NoBackChannel as exc:
            return {"outcome": "no back-channel", "code": exc.code, "message": exc.message}
        except ClientRequestError as exc:
            return {"outcome": "error", "code": exc.code, "message": exc.message, "data": exc.data}
        return {"outcome": "answered", "answer": result}

    @server.tool()
    async def ask_for(ctx: sdk.Context, method: str, params: dict[str, Any]) -> dict[str, Any]:
        return await sdk.request_client(ctx, method, params, seconds=5.0, timeout_reason="no answer")

    @server.tool()
    async def ask_then_give_up(ctx: sdk.Context, seconds: float) -> str:
        with anyio.move_on_after(seconds):
            await sdk.request_client(ctx, "elicitation/create", ASK, seconds=None, timeout_reason="unused")
        return "gave up"

    @server.tool()
    async def progress(ctx: sdk.Context) -> str:
        token = sdk.progress_token(ctx)
        if token is not None:
            await sdk.send_progress(ctx, token, 1, 2, "half")
        return repr(token)

    @server.tool()
    async def log(ctx: sdk.Context) -> str:
        await sdk.send_log(ctx, "debug", "debug line", "probe")
        await sdk.send_log(ctx, "warning", {"text": "warning line"}, "probe")
        return "logged"

    @server.tool()
    async def keep(ctx: sdk.Context) -> bool:
        probe.held = ctx
        return sdk.call_open(ctx)

    @server.tool()
    async def kept_open() -> bool:
        return sdk.call_open(probe.held)

    @server.tool()
    async def watch(ctx: sdk.Context) -> str:
        request = sdk.http_request(ctx)
        assert request is not None
        session_id = request.headers["mcp-session-id"]
        closed = probe.closed_event(session_id)

        async def on_close() -> None:
            closed.set()

        sdk.on_session_closed(ctx, on_close)
        return session_id

    @server.tool()
    async def slow(seconds: float) -> str:
        await anyio.sleep(seconds)
        return "done"

    @server.tool()
    async def touch(uri: str) -> int:
        subscribers = [key for key, uris in probe.subscribed.items() if uri in uris]
        for key in subscribers:
            await sdk.notify_session(key, "notifications/resources/updated", {"uri": uri})
        return len(subscribers)

    @server.resource("res://thing")
    def thing() -> str:
        return "thing"

    return server


def structured(result: types.CallToolResult) -> Any:
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content.get("result", result.structured_content)


async def answer_ada(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
    return types.ElicitResult(action="accept", content={"name": "Ada"})


class Hang:
    """An elicitation callback that never answers and notices when the server cancels it."""

    def __init__(self) -> None:
        self.started = anyio.Event()
        self.cancelled = anyio.Event()

    async def __call__(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.started.set()
        try:
            await anyio.sleep_forever()
        finally:
            self.cancelled.set()
        raise AssertionError("unreachable")


# -- the line ------------------------------------------------------------------------------


def test_line_describes_mcp_2() -> None:
    from mcp.server.mcpserver import Context, MCPServer

    assert sdk.LINE == 2
    assert sdk.VERSION.startswith("2.")
    assert sdk.REVISIONS == ("2025-11-25", "2026-07-28")
    assert sdk.Context is Context
    assert sdk.ServerBase is MCPServer
    assert issubclass(sdk.UrlElicitationRequiredBase, sdk.ProtocolErrorBase)


class _NeedsSignIn(sdk.UrlElicitationRequiredBase):
    def __init__(self, elicitations: list[dict[str, Any]]) -> None:
        sdk.init_url_elicitation_required(self, elicitations, "needs sign-in")


def test_url_elicitation_required_carries_wire_form() -> None:
    wire = {"mode": "url", "message": "Sign in", "url": "https://example.com/x", "elicitationId": "e1"}
    error = _NeedsSignIn([wire])
    assert isinstance(error, sdk.UrlElicitationRequiredBase)
    assert error.code == types.URL_ELICITATION_REQUIRED
    assert error.message == "needs sign-in"
    assert error.data == {"elicitations": [wire]}


def test_handle_request_names_the_methods_it_supports() -> None:
    server = sdk.ServerBase("unsupported")

    async def handler(ctx: Any, params: Any) -> None:
        return None

    with pytest.raises(ValueError, match="logging/setLevel"):
        sdk.handle_request(server, "tools/list", handler)


def test_a_context_outside_a_request() -> None:
    ctx = sdk.Context()
    assert not sdk.in_request(ctx)
    assert sdk.session_key(ctx) is None
    assert sdk.progress_token(ctx) is None
    assert not sdk.call_open(ctx)
    assert sdk.http_request(ctx) is None
    assert sdk.access_token_claims() is None


# -- the call --------------------------------------------------------------------------------


async def test_capabilities_come_from_each_request() -> None:
    probe = Probe()
    server = build_server(probe)
    async with serving(server) as url:
        async with Client(url, mode=LEGACY, elicitation_callback=answer_ada) as client:
            legacy = structured(await client.call_tool("about", {}))
        async with Client(url, mode=SESSIONLESS_REVISION) as client:
            bare = structured(await client.call_tool("about", {}))
        async with Client(url, mode=SESSIONLESS_REVISION, elicitation_callback=answer_ada) as client:
            asking = structured(await client.call_tool("about", {}))

    assert legacy["protocol_version"] == HANDSHAKE_REVISION
    assert "elicitation" in legacy["capabilities"]
    assert legacy["session_id"]
    assert legacy["client_info"]["name"]
    assert legacy["in_request"] and legacy["same_server"]
    assert legacy["principal"] is None
    # The same server, one request after another: each carries its own declaration.
    assert bare["protocol_version"] == asking["protocol_version"] == SESSIONLESS_REVISION
    assert "elicitation" not in bare["capabilities"]
    assert asking["capabilities"]["elicitation"] == {"form": {}, "url": {}}
    assert bare["session_id"] is None
    # Each 2026-07-28 request is its own session: a key of its own.
    assert probe.keys[1] is not None and probe.keys[1] is not probe.keys[2]


async def test_session_key_lives_as_long_as_the_session() -> None:
    probe = Probe()
    async with serving(build_server(probe)) as url:
        async with Client(url, mode=LEGACY) as client:
            await client.call_tool("about", {})
            await client.call_tool("about", {})
        async with Client(url, mode=LEGACY) as client:
            await client.call_tool("about", {})
        async with Client(url, mode=SESSIONLESS_REVISION) as client:
            await client.call_tool("about", {})
    first, again, other, sessionless = probe.keys
    assert first is not None and first is again
    assert other is not None and other is not first
    assert sessionless is not None and sessionless not in (first, other)
    # Per-session tables key weakly by it, and nothing else keeps an ended session alive.
    gone = weakref.ref(first)
    probe.keys.clear()
    del first, again, other, sessionless
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize("mode", MODES)
async def test_call_open_until_the_response(mode: str) -> None:
    probe = Probe()
    async with serving(build_server(probe)) as url, Client(url, mode=mode) as client:
        assert structured(await client.call_tool("keep", {})) is True
        assert structured(await client.call_tool("kept_open", {})) is False


# -- requests to the client ----------------------------------------------------------------


async def test_request_client_round_trip() -> None:
    async with (
        serving(build_server(Probe())) as url,
        Client(url, mode=LEGACY, elicitation_callback=answer_ada) as client,
    ):
        outcome = structured(await client.call_tool("ask", {}))
    assert outcome == {"outcome": "answered", "answer": {"action": "accept", "content": {"name": "Ada"}}}


SAMPLE = {
    "messages": [{"role": "user", "content": {"type": "text", "text": "Say hi"}}],
    "maxTokens": 5,
    "systemPrompt": "Be brief.",
}


async def test_request_client_sampling_and_roots() -> None:
    async def sample(context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        assert params.system_prompt == "Be brief." and params.max_tokens == 5
        text = types.TextContent(type="text", text="hi")
        return types.CreateMessageResult(role="assistant", content=text, model="m", stop_reason="endTurn")

    async def roots(context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri="file:///work", name="work")])

    async with (
        serving(build_server(Probe())) as url,
        Client(url, mode=LEGACY, sampling_callback=sample, list_roots_callback=roots) as client,
    ):
        sampled = structured(await client.call_tool("ask_for", {"method": "sampling/createMessage", "params": SAMPLE}))
        listed = structured(await client.call_tool("ask_for", {"method": "roots/list", "params": {}}))
    assert sampled == {
        "role": "assistant",
        "content": {"type": "text", "text": "hi"},
        "model": "m",
        "stopReason": "endTurn",
    }
    assert listed == {"roots": [{"uri": "file:///work", "name": "work"}]}


async def test_request_client_timeout_cancels_on_the_wire() -> None:
    hang = Hang()
    async with serving(build_server(Probe())) as url, Client(url, mode=LEGACY, elicitation_callback=hang) as client:
        outcome = structured(await client.call_tool("ask", {"seconds": 0.3}))
        assert outcome == {"outcome": "timeout", "reason": "no answer"}
        assert hang.started.is_set()
        # The client stops waiting for its user only because the server said so.
        with anyio.fail_after(WAIT):
            await hang.cancelled.wait()


async def test_request_client_cancelled_with_its_call_cancels_on_the_wire() -> None:
    hang = Hang()
    async with serving(build_server(Probe())) as url, Client(url, mode=LEGACY, elicitation_callback=hang) as client:
        assert structured(await client.call_tool("ask_then_give_up", {"seconds": 0.3})) == "gave up"
        with anyio.fail_after(WAIT):
            await hang.cancelled.wait()


async def sse_messages(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """The JSON-RPC messages of an SSE response (priming events carry no data)."""
    async for line in response.aiter_lines():
        if line.startswith("data: ") and line.removeprefix("data: "):
            yield json.loads(line.removeprefix("data: "))


GIVING_UP = {
    "timeout": tool_call("ask", {"seconds": 0.3}),
    "tool gave up": tool_call("ask_then_give_up", {"seconds": 0.3}),
    "client cancelled the call": tool_call("ask", {"seconds": None}),
}


@pytest.mark.parametrize("how", list(GIVING_UP))
async def test_request_client_cancels_on_the_calls_stream(how: str) -> None:
    messages: list[dict[str, Any]] = []
    async with serving(build_server(Probe())) as url, httpx.AsyncClient(timeout=WAIT) as http:
        session_id = await raw_session(http, url)
        headers = session_headers(session_id)
        with anyio.fail_after(WAIT):
            async with http.stream("POST", url, headers=headers, json=GIVING_UP[how]) as response:
                async for message in sse_messages(response):
                    messages.append(message)
                    if how == "client cancelled the call" and message.get("method") == "elicitation/create":
                        cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2}}
                        assert (await http.post(url, headers=headers, json=cancel)).status_code == 202
    asked, cancelled, answer = messages
    assert asked["method"] == "elicitation/create"
    assert cancelled["method"] == "notifications/cancelled"
    assert cancelled["params"]["requestId"] == asked["id"]
    assert cancelled["params"]["reason"]
    assert answer["id"] == 2


@pytest.mark.parametrize("code", [4242, types.REQUEST_TIMEOUT])
async def test_request_client_maps_client_errors(code: int) -> None:
    async def refuse(context: Any, params: types.ElicitRequestParams) -> types.ErrorData:
        return types.ErrorData(code=code, message="not today", data={"why": "testing"})

    async with serving(build_server(Probe())) as url, Client(url, mode=LEGACY, elicitation_callback=refuse) as client:
        outcome = structured(await client.call_tool("ask", {}))
    # Even the timeout code is the client's own answer, not a timeout of ours.
    assert outcome == {"outcome": "error", "code": code, "message": "not today", "data": {"why": "testing"}}


async def test_request_client_on_2026_has_no_back_channel() -> None:
    async with (
        serving(build_server(Probe())) as url,
        Client(url, mode=SESSIONLESS_REVISION, elicitation_callback=answer_ada) as client,
    ):
        outcome = structured(await client.call_tool("ask", {}))
    assert outcome["outcome"] == "no back-channel"
    assert outcome["code"] == -32600
    assert "elicitation/create" in outcome["message"]


# -- notifications ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_progress_token_and_send_progress(mode: str) -> None:
    seen: list[tuple[float, float | None, str | None]] = []
    arrived = anyio.Event()

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))
        arrived.set()

    async with serving(build_server(Probe())) as url, Client(url, mode=mode) as client:
        without = structured(await client.call_tool("progress", {}))
        token = structured(await client.call_tool("progress", {}, progress_callback=on_progress))
        await arrives(arrived)
    assert without == "None"
    assert token != "None"
    assert seen == [(1.0, 2.0, "half")]


async def test_send_log_on_a_session_sends_every_level() -> None:
    lines: list[tuple[str, Any]] = []
    warned = anyio.Event()

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        lines.append((params.level, params.data))
        if params.level == "warning":
            warned.set()

    async with serving(build_server(Probe())) as url, Client(url, mode=LEGACY, logging_callback=on_log) as client:
        assert structured(await client.call_tool("log", {})) == "logged"
        await arrives(warned)
    assert lines == [("debug", "debug line"), ("warning", {"text": "warning line"})]


async def test_send_log_on_2026_follows_the_requests_log_level() -> None:
    lines: list[tuple[str, Any]] = []
    warned = anyio.Event()

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        lines.append((params.level, params.data))
        if params.level == "warning":
            warned.set()

    async with (
        serving(build_server(Probe())) as url,
        Client(url, mode=SESSIONLESS_REVISION, logging_callback=on_log, log_level="warning") as client,
    ):
        # A deprecation warning inside the tool would fail the call under `-W error`.
        assert structured(await client.call_tool("log", {})) == "logged"
        await arrives(warned)
    # The debug line was sent first, on the same stream, or not at all.
    assert lines == [("warning", {"text": "warning line"})]


# -- handlers and capabilities ---------------------------------------------------------------


async def test_set_level_handler_declares_logging_on_sessions_only() -> None:
    probe = Probe()
    plain = build_server(Probe())
    server = build_server(probe)

    async def set_level(ctx: Any, params: Any) -> None:
        probe.levels.append((sdk.session_key(ctx), params["level"]))

    sdk.handle_request(server, "logging/setLevel", set_level)
    async with serving(plain) as url, Client(url, mode=LEGACY) as client:
        assert client.server_capabilities.logging is None
    async with serving(server) as url:
        async with Client(url, mode=LEGACY) as client:
            assert client.server_capabilities.logging is not None
            await quietly(client.set_logging_level, "warning")
            await client.call_tool("about", {})
        async with Client(url, mode=SESSIONLESS_REVISION) as client:
            with pytest.raises(MCPError) as refused:
                await quietly(client.set_logging_level, "warning")
    assert probe.levels == [(probe.keys[0], "warning")]
    assert refused.value.code == types.METHOD_NOT_FOUND


async def test_resource_subscriptions_and_updates() -> None:
    probe = Probe()
    plain = build_server(Probe())
    server = build_server(probe)

    async def subscribe(ctx: Any, params: Any) -> None:
        probe.subscribed.setdefault(sdk.session_key(ctx), set()).add(params["uri"])

    async def unsubscribe(ctx: Any, params: Any) -> None:
        probe.subscribed[sdk.session_key(ctx)].discard(params["uri"])

    sdk.handle_request(server, "resources/subscribe", subscribe)
    sdk.handle_request(server, "resources/unsubscribe", unsubscribe)
    sdk.declare_resource_subscribe(server)
    updates: list[str] = []
    updated = anyio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            updates.append(message.params.uri)
            updated.set()

    async with serving(plain) as url, Client(url, mode=LEGACY) as client:
        assert not client.server_capabilities.resources.subscribe
    async with serving(server) as url, Client(url, mode=LEGACY, message_handler=on_message) as client:
        assert client.server_capabilities.resources.subscribe is True
        await quietly(client.subscribe_resource, "res://thing")
        # The update rides the session's GET stream, which the client opens on its own time.
        with anyio.fail_after(WAIT):
            while True:
                assert structured(await client.call_tool("touch", {"uri": "res://thing"})) == 1
                with anyio.move_on_after(0.2):
                    await updated.wait()
                if updated.is_set():
                    break
        assert set(updates) == {"res://thing"}
        await quietly(client.unsubscribe_resource, "res://thing")
        assert structured(await client.call_tool("touch", {"uri": "res://thing"})) == 0


async def test_server_version_is_reported_on_both_revisions() -> None:
    server = build_server(Probe())
    sdk.set_server_version(server, "1.2.3")
    async with serving(server) as url:
        async with Client(url, mode=LEGACY) as client:
            assert client.server_info.version == "1.2.3"
        async with Client(url, mode=SESSIONLESS_REVISION) as client:
            result = await client.call_tool("about", {})
            assert result.meta[types.SERVER_INFO_META_KEY]["version"] == "1.2.3"
            # Changed while serving: the next result says so too.
            sdk.set_server_version(server, "1.2.4")
            result = await client.call_tool("about", {})
            assert result.meta[types.SERVER_INFO_META_KEY]["version"] == "1.2.4"


# -- the streamable-HTTP app -----------------------------------------------------------------


def modern_list(host: str) -> tuple[dict[str, str], dict[str, Any]]:
    meta = {types.PROTOCOL_VERSION_META_KEY: SESSIONLESS_REVISION, types.CLIENT_CAPABILITIES_META_KEY: {}}
    headers = {
        **RAW_HEADERS,
        "host": host,
        "mcp-protocol-version": SESSIONLESS_REVISION,
        "mcp-method": "tools/list",
    }
    return headers, {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": meta}}


async def status_for_host(url: str, host: str) -> tuple[int, int]:
    """HTTP status of a 2025-11-25 initialize and of a 2026-07-28 request, each sent with `Host: host`."""
    async with httpx.AsyncClient() as http:
        legacy = await http.post(url, headers={**RAW_HEADERS, "host": host}, json=INITIALIZE)
        headers, body = modern_list(host)
        modern = await http.post(url, headers=headers, json=body)
    return legacy.status_code, modern.status_code


async def test_sessions_answer_with_sse() -> None:
    async with serving(build_server(Probe())) as url, httpx.AsyncClient() as http:
        session_id = await raw_session(http, url)
        response = await http.post(url, headers=session_headers(session_id), json=tool_call("about"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")


async def test_dns_rebinding_protection_on_loopback() -> None:
    async with serving(build_server(Probe())) as url:
        port = url.split(":")[2].split("/")[0]
        assert await status_for_host(url, f"127.0.0.1:{port}") == (200, 200)
        assert await status_for_host(url, "evil.example") == (421, 421)


async def test_dns_rebinding_protection_on_all_interfaces_is_opt_in() -> None:
    async with serving(build_server(Probe()), options(host="0.0.0.0")) as url:
        assert await status_for_host(url, "mcp.example.com") == (200, 200)
    listed = options(host="0.0.0.0", allowed_hosts=("mcp.example.com",))
    async with serving(build_server(Probe()), listed) as url:
        assert await status_for_host(url, "mcp.example.com") == (200, 200)
        assert await status_for_host(url, "evil.example") == (421, 421)


async def test_idle_session_ends_and_then_answers_404() -> None:
    probe = Probe()
    server = build_server(probe)
    async with serving(server, options(session_idle_timeout=0.5)) as url, httpx.AsyncClient() as http:
        assert server.session_manager.session_idle_timeout == 0.5
        session_id = await raw_session(http, url)
        await http.post(url, headers=session_headers(session_id), json=tool_call("watch"))
        await arrives(probe.closed_event(session_id))
        response = await http.post(url, headers=session_headers(session_id), json=tool_call("about", request_id=3))
    assert response.status_code == 404


async def test_a_call_longer_than_the_idle_timeout_keeps_its_session() -> None:
    async with (
        serving(build_server(Probe()), options(session_idle_timeout=0.3)) as url,
        httpx.AsyncClient(timeout=WAIT) as http,
    ):
        session_id = await raw_session(http, url)
        slow = await http.post(url, headers=session_headers(session_id), json=tool_call("slow", {"seconds": 1.0}))
        after = await http.post(url, headers=session_headers(session_id), json=tool_call("about", request_id=3))
    assert slow.status_code == 200 and '"done"' in slow.text
    assert after.status_code == 200


async def test_max_sessions_refuses_the_next_session_until_one_ends() -> None:
    server = build_server(Probe())
    async with serving(server, options(max_sessions=1)) as url, httpx.AsyncClient() as http:
        first = await raw_session(http, url)
        refused = await http.post(url, headers=RAW_HEADERS, json=INITIALIZE)
        assert refused.status_code == 503
        assert refused.json()["error"] == {"code": types.INTERNAL_ERROR, "message": "Too many open sessions"}
        # A 2026-07-28 request opens no session, so the limit does not apply to it.
        headers, body = modern_list(url.split("/")[2])
        assert (await http.post(url, headers=headers, json=body)).status_code == 200
        assert (await http.delete(url, headers=session_headers(first))).status_code == 200
        # The ended session leaves the count as its transport winds down, just after the DELETE.
        with anyio.fail_after(WAIT):
            while True:
                if (await http.post(url, headers=RAW_HEADERS, json=INITIALIZE)).status_code == 200:
                    break
                await anyio.sleep(0.02)


class _SharedStore(EventStore):
    """A shared event store that hands each session a view of its own."""

    def __init__(self, *, failing_close: bool = False) -> None:
        self.stream_ids: list[str] = []
        self.views: dict[str, _View] = {}
        self.failing_close = failing_close

    async def store_event(self, stream_id: str, message: Any) -> str:
        self.stream_ids.append(stream_id)
        return str(len(self.stream_ids))

    async def replay_events_after(self, last_event_id: str, send_callback: Any) -> str | None:
        return None

    def view(self, session_id: str) -> _View:
        view = self.views[session_id] = _View(self, session_id)
        return view


class _View:
    def __init__(self, store: _SharedStore, session_id: str) -> None:
        self.store = store
        self.session_id = session_id
        self.closes = 0
        self.closed = anyio.Event()

    async def store_event(self, stream_id: str, message: Any) -> str:
        return await self.store.store_event(f"{self.session_id}/{stream_id}", message)

    async def replay_events_after(self, last_event_id: str, send_callback: Any) -> str | None:
        return None

    def close(self) -> None:
        self.closes += 1
        self.closed.set()
        if self.store.failing_close:
            raise RuntimeError("the view could not be closed")


async def test_event_store_is_scoped_per_session_and_closed_with_it() -> None:
    probe = Probe()
    store = _SharedStore()
    transport = options(event_store=store, retry_interval_ms=500, session_events=store.view)
    async with serving(build_server(probe), transport) as url:
        session_ids = []
        for _ in range(2):
            async with Client(url, mode=LEGACY) as client:
                session_ids.append(structured(await client.call_tool("watch", {})))
            # Leaving the client sent DELETE, which ends the session.
            await arrives(probe.closed_event(session_ids[-1]))
            await arrives(store.views[session_ids[-1]].closed)
    assert set(store.views) == set(session_ids)
    assert store.stream_ids
    owners = {stream_id.split("/")[0] for stream_id in store.stream_ids}
    assert owners == set(session_ids)
    assert all(view.closes == 1 for view in store.views.values())


async def test_on_session_closed_runs_once_a_2026_request_is_answered() -> None:
    server = build_server(Probe())
    closed = anyio.Event()

    @server.tool()
    async def register(ctx: sdk.Context) -> bool:
        async def after() -> None:
            closed.set()

        sdk.on_session_closed(ctx, after)
        return closed.is_set()

    async with serving(server) as url, Client(url, mode=SESSIONLESS_REVISION) as client:
        # Not while the tool ran, but once its request was answered.
        assert structured(await client.call_tool("register", {})) is False
        await arrives(closed)


async def test_a_failing_event_store_close_does_not_stop_the_server() -> None:
    store = _SharedStore(failing_close=True)
    async with serving(build_server(Probe()), options(event_store=store, session_events=store.view)) as url:
        async with Client(url, mode=LEGACY) as client:
            session_id = structured(await client.call_tool("about", {}))["session_id"]
        await arrives(store.views[session_id].closed)
        async with Client(url, mode=LEGACY) as client:
            assert structured(await client.call_tool("about", {}))["session_id"] != session_id
