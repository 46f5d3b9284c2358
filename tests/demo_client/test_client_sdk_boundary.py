"""The reference client's SDK boundary: one package imports the SDK, and each private SDK
attribute it relies on still means what it assumes (a test per attribute, named after it)."""

from __future__ import annotations

import ast
from contextlib import asynccontextmanager
from importlib import metadata
from pathlib import Path

import anyio
import httpx
import pytest
from harness import ROOT

import demo_client
from demo_client import _sdk
from demo_client._sdk import METHOD_NOT_FOUND, sdk
from demo_client.client.transport import streamable_http

CLIENT = ROOT / "demo_client"
BOUNDARY = CLIENT / "_sdk"


def sdk_imports(path: Path) -> list[str]:
    """The modules of `mcp` (or `mcp_types`) that `path` imports, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return [name for name in found if name.split(".")[0] in ("mcp", "mcp_types")]


def test_only_the_boundary_package_imports_the_sdk():
    outside = {
        str(path.relative_to(ROOT)): sdk_imports(path)
        for path in CLIENT.rglob("*.py")
        if BOUNDARY not in path.parents and sdk_imports(path)
    }
    assert outside == {}
    assert sdk_imports(BOUNDARY / "v1.py") and sdk_imports(BOUNDARY / "v2.py")
    assert sdk_imports(BOUNDARY / "interface.py") == [] and sdk_imports(BOUNDARY / "__init__.py") == []


def test_the_line_follows_the_installed_sdk():
    major = int(metadata.version("mcp").split(".")[0])
    assert major == sdk.LINE
    assert "2025-11-25" in sdk.HANDSHAKE_VERSIONS


def test_an_unsupported_sdk_fails_at_import_naming_the_ranges(monkeypatch):
    monkeypatch.setattr(_sdk.metadata, "version", lambda name: "2.0.3")
    with pytest.raises(_sdk.UnsupportedSDK, match=r"mcp 2\.0\.3 is not supported.*mcp>=1\.30,<2\.0 or mcp>=2\.1,<3\.0"):
        _sdk._load()


def test_messages_cross_the_boundary_in_wire_form():
    wire = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "hi"}}}
    message = sdk.incoming(wire)
    assert sdk.outgoing(message).wire == wire
    with pytest.raises(ValueError):
        sdk.incoming({"jsonrpc": "2.0", "id": 7})


def test_results_and_requests_the_client_returns_are_its_own_types():
    for name in ("Tool", "ToolResult", "Implementation", "Answer", "FormRequest", "UrlRequest"):
        value = getattr(demo_client, name)
        assert value.__module__.startswith("demo_client.") and not value.__module__.startswith("demo_client._sdk")


@pytest.mark.anyio
async def test_the_transport_answers_server_discover_itself(spawn_server, test_server_script, tmp_path):
    """mcp 2.x sessions probe `server/discover` first; the transport speaks 2025-11-25, so the
    probe is refused locally and the session falls back to `initialize`."""
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), env={"RECORD_PATH": str(record)})
    probe = {"jsonrpc": "2.0", "id": "probe", "method": "server/discover", "params": {}}
    async with httpx.AsyncClient() as http, streamable_http(http, server.url) as (read_stream, write_stream, _):
        with read_stream:  # a session would close its end; here the test reads it
            await write_stream.send(sdk.incoming(probe))
            with anyio.fail_after(10):
                answer = sdk.outgoing(await read_stream.receive()).wire
    assert answer["id"] == "probe"
    assert answer["error"]["code"] == METHOD_NOT_FOUND
    assert "2025-11-25" in answer["error"]["message"]
    assert not record.exists() or "server/discover" not in record.read_text()


@pytest.mark.anyio
async def test_a_modern_transport_forwards_server_discover(spawn_server, test_server_script, tmp_path):
    """With `modern=True` (protocol `auto` or 2026-07-28) the probe reaches the server."""
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), env={"RECORD_PATH": str(record)})
    probe = {"jsonrpc": "2.0", "id": "probe", "method": "server/discover", "params": {}}
    async with (
        httpx.AsyncClient() as http,
        streamable_http(http, server.url, modern=True) as (read_stream, write_stream, _),
    ):
        with read_stream:
            await write_stream.send(sdk.incoming(probe))
            with anyio.fail_after(10):
                answer = sdk.outgoing(await read_stream.receive()).wire
    assert answer["id"] == "probe"
    assert "server/discover" in record.read_text()


# -- private names of mcp 2.x, one test each ----------------------------------------------------

mcp2_only = pytest.mark.skipif(sdk.LINE != 2, reason="a private name of mcp 2.x")


@mcp2_only
@pytest.mark.anyio
async def test_mcp2_negotiate_auto_probes_discover_then_falls_back_to_initialize():
    """`mcp.client._probe.negotiate_auto(session)`: what `Client(mode="auto")` runs."""
    from mcp import ClientSession
    from mcp.client._probe import negotiate_auto

    async with _session_with_peer(ClientSession) as (session, inbox, outbox), anyio.create_task_group() as tasks:
        tasks.start_soon(negotiate_auto, session)
        with anyio.fail_after(5):
            probe = sdk.outgoing(await inbox.receive()).wire
        assert probe["method"] == "server/discover"
        refusal = {"code": METHOD_NOT_FOUND, "message": "no"}
        await outbox.send(sdk.incoming({"jsonrpc": "2.0", "id": probe["id"], "error": refusal}))
        with anyio.fail_after(5):
            handshake = sdk.outgoing(await inbox.receive()).wire
        assert handshake["method"] == "initialize"
        result = {"protocolVersion": "2025-11-25", "capabilities": {}, "serverInfo": {"name": "s", "version": "1"}}
        await outbox.send(sdk.incoming({"jsonrpc": "2.0", "id": handshake["id"], "result": result}))
        with anyio.fail_after(5):
            assert sdk.outgoing(await inbox.receive()).wire["method"] == "notifications/initialized"
    assert session.protocol_version == "2025-11-25"


@mcp2_only
@pytest.mark.anyio
async def test_mcp2_run_input_required_driver_retries_with_the_answers_and_the_state():
    """`mcp.client._input_required.run_input_required_driver(first, dispatch=, retry=, max_rounds=)`."""
    import mcp_types
    from mcp import InputRequiredRoundsExceededError
    from mcp.client._input_required import run_input_required_driver

    question = mcp_types.ElicitRequest(
        params=mcp_types.ElicitRequestFormParams(message="q", requested_schema={"type": "object", "properties": {}})
    )
    first = mcp_types.InputRequiredResult(input_requests={"q": question}, request_state="s1")
    retries: list[tuple[object, object]] = []

    async def dispatch(key, request):
        return mcp_types.ElicitResult(action="decline")

    async def retry(responses, state):
        retries.append((responses, state))
        return mcp_types.CallToolResult(content=[])

    done = await run_input_required_driver(first, dispatch=dispatch, retry=retry, max_rounds=1)
    assert isinstance(done, mcp_types.CallToolResult)
    assert retries == [({"q": mcp_types.ElicitResult(action="decline")}, "s1")]

    async def again(responses, state):
        return first

    with pytest.raises(InputRequiredRoundsExceededError):
        await run_input_required_driver(first, dispatch=dispatch, retry=again, max_rounds=2)


# -- private attributes of mcp 1.x, one test each ---------------------------------------------

mcp1_only = pytest.mark.skipif(sdk.LINE != 1, reason="a private attribute of mcp 1.x; the 2.x line uses none")


@mcp1_only
@pytest.mark.anyio
async def test_mcp1_BaseSession__request_id_is_the_id_of_the_next_request():
    from mcp import ClientSession

    async with _session_with_peer(ClientSession) as (session, peer_read, peer_write):
        expected = session._request_id
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(session.send_ping)
            with anyio.fail_after(5):
                sent = sdk.outgoing(await peer_read.receive()).wire
            await peer_write.send(sdk.incoming({"jsonrpc": "2.0", "id": sent["id"], "result": {}}))
    assert sent["method"] == "ping"
    assert sent["id"] == expected
    assert session._request_id == expected + 1


@mcp1_only
@pytest.mark.anyio
async def test_mcp1_BaseSession__response_streams_holds_the_requests_still_waiting():
    from mcp import ClientSession

    async with _session_with_peer(ClientSession) as (session, inbox, outbox), anyio.create_task_group() as tasks:
        tasks.start_soon(session.send_ping)
        with anyio.fail_after(5):
            sent = sdk.outgoing(await inbox.receive()).wire
        assert list(session._response_streams) == [sent["id"]]
        await outbox.send(sdk.incoming({"jsonrpc": "2.0", "id": sent["id"], "result": {}}))
    assert session._response_streams == {}


@asynccontextmanager
async def _session_with_peer(session_class: type):
    """An SDK session over memory streams, with the other ends for the test to play the server."""
    to_client, client_read = anyio.create_memory_object_stream(1)
    client_write, from_client = anyio.create_memory_object_stream(1)
    with to_client, client_read, client_write, from_client:
        async with session_class(client_read, client_write) as session:
            yield session, from_client, to_client


def test_the_documented_boundary_matches_the_code():
    """docs/architecture.md lists the private attributes; keep it in step with the pinning tests."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "`BaseSession._request_id`" in text and "`BaseSession._response_streams`" in text
    assert "`mcp.client._probe.negotiate_auto`" in text
    assert "`mcp.client._input_required.run_input_required_driver`" in text


def module_imports(path: Path) -> set[str]:
    """The `demo_client` modules `path` imports when it is loaded (not inside functions or
    `if TYPE_CHECKING:`)."""
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {module for module in found if module.split(".")[0] == "demo_client"}


def test_no_import_cycles():
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in CLIENT.rglob("*.py")
    }
    # The package's own __init__ only re-exports, and no module imports it.
    graph = {name: module_imports(path) & set(modules) - {name, "demo_client"} for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, f"import cycle: {' -> '.join((*trail[trail.index(name) :], name))}"
        if name in done:
            return
        for dep in graph[name]:
            visit(dep, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())
