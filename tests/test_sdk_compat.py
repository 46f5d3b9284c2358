"""The tests' SDK compatibility layer (`sdk_compat`, `harness.in_memory_client`) on whichever line is installed.

The server here is the bare SDK server of that line (FastMCP or MCPServer), not the toolkit's,
so the layer is checked on its own. The same assertions hold on mcp 1.x and mcp 2.x.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from types import ModuleType

import mcp.types as types
import pytest
from harness import ROOT, in_memory_client
from sdk_compat import (
    HAS_STRANDS,
    LATEST_HANDSHAKE_VERSION,
    MCP_VERSION,
    SDK_LINE,
    SESSIONLESS_REVISION,
    STRANDS_MISSING,
    SUPPORTED_REVISIONS,
    McpError,
    from_wire,
    make_mcp_error,
    open_http_session,
    text_of,
    to_wire,
    wire_callbacks,
)

pytestmark = pytest.mark.anyio

# One tool per client feature, written against the SDK of the installed line. It is a script so
# the HTTP tests can run it as a real server process; the in-memory tests import it.
BARE_SERVER = '''
"""A bare SDK server (no toolkit): one tool per client feature."""

import argparse
import warnings
from importlib.metadata import version

import mcp.types as types
from pydantic import BaseModel

LINE = int(version("mcp").split(".")[0])
if LINE >= 2:
    from mcp.server.mcpserver import Context, MCPServer as Server
    from mcp.shared.exceptions import MCPDeprecationWarning as Deprecated, MCPError as McpError
else:
    from mcp.server.fastmcp import Context, FastMCP as Server
    from mcp.shared.exceptions import McpError

    Deprecated = DeprecationWarning

server = Server("bare")


class Person(BaseModel):
    name: str


@server.tool()
async def ask(ctx: Context) -> str:
    try:
        answer = await ctx.elicit("Who are you?", Person)
    except McpError as exc:
        return f"error {exc.error.code}: {exc.error.message}"
    return f"{answer.action}:{answer.data.name}" if answer.action == "accept" else answer.action


@server.tool()
async def sample(ctx: Context) -> str:
    # mcp 2.x deprecates sampling, roots and logging (warning subclasses the suite turns into errors).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Deprecated)
        message = types.SamplingMessage(role="user", content=types.TextContent(type="text", text="hi"))
        result = await ctx.session.create_message([message], max_tokens=5)
    return f"{result.model}: {result.content.text}"


@server.tool()
async def roots(ctx: Context) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Deprecated)
        listed = await ctx.session.list_roots()
    return ",".join(str(root.uri) for root in listed.roots)


@server.tool()
async def log(ctx: Context) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Deprecated)
        await ctx.info("logged")
    return "ok"


@server.tool()
def header(name: str, ctx: Context) -> str:
    request = ctx.request_context.request
    return request.headers.get(name, "-") if request is not None else "-"


@server.tool()
def echo(text: str) -> str:
    return text


if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if LINE >= 2:
        app = server.streamable_http_app(streamable_http_path="/mcp", host=args.host)
    else:
        app = server.streamable_http_app()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
'''


@pytest.fixture(scope="module")
def bare_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bare") / "bare_server.py"
    path.write_text(textwrap.dedent(BARE_SERVER))
    return path


@pytest.fixture
def bare(bare_script: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bare_server", bare_script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered, so the SDK resolves the tools' annotations as it would in a file.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bare_url(spawn_server, bare_script: Path) -> str:
    return spawn_server(str(bare_script)).url


# -- names and models ---------------------------------------------------------------------------


def test_the_line_is_the_installed_mcp_major_version(sdk_line):
    assert sdk_line == SDK_LINE == int(metadata.version("mcp").split(".")[0]) == int(MCP_VERSION[0])
    assert sdk_line in (1, 2)


def test_revisions_on_each_line():
    assert LATEST_HANDSHAKE_VERSION == "2025-11-25"
    assert LATEST_HANDSHAKE_VERSION in SUPPORTED_REVISIONS
    assert (SESSIONLESS_REVISION in SUPPORTED_REVISIONS) == (SDK_LINE >= 2)


def test_to_wire_gives_camel_case_keys_on_both_lines():
    # Constructor keywords in wire spelling work on both lines (2.x accepts the camelCase aliases).
    result = types.CallToolResult(
        content=[types.TextContent(type="text", text="hi")], structuredContent={"n": 1}, isError=True
    )
    assert to_wire(result) == {
        "content": [{"type": "text", "text": "hi"}],
        "structuredContent": {"n": 1},
        "isError": True,
    }
    assert to_wire({"list": [result.content[0]], "plain": 3}) == {"list": [{"type": "text", "text": "hi"}], "plain": 3}


def test_from_wire_reads_camel_case_and_round_trips():
    wire = {"role": "assistant", "content": {"type": "text", "text": "x"}, "model": "m", "stopReason": "endTurn"}
    assert to_wire(from_wire("CreateMessageResult", wire)) == wire
    with pytest.raises(ValueError, match=r"no model mcp\.types\.NoSuchThing"):
        from_wire("NoSuchThing", {})


def test_text_of_joins_text_blocks_of_results_and_resource_reads():
    result = types.CallToolResult(
        content=[
            types.TextContent(type="text", text="a"),
            types.ImageContent(type="image", data="AA==", mimeType="image/png"),
            types.TextContent(type="text", text="b"),
        ]
    )
    assert text_of(result) == "a\nb"
    read = types.ReadResourceResult(contents=[types.TextResourceContents(uri="file:///x", text="body")])
    assert text_of(read) == "body"
    with pytest.raises(ValueError, match="no text block"):
        text_of(types.CallToolResult(content=[]))
    with pytest.raises(TypeError, match="neither content nor contents"):
        text_of(object())


def test_make_mcp_error_is_the_line_s_error_with_wire_fields():
    error = make_mcp_error(-32602, "bad", {"field": "x"})
    assert isinstance(error, McpError)
    assert to_wire(error.error) == {"code": -32602, "message": "bad", "data": {"field": "x"}}


def test_strands_presence_is_reported_with_the_reason():
    assert (importlib.util.find_spec("strands") is not None) == HAS_STRANDS
    assert "mcp<2.2" in STRANDS_MISSING


# -- one client, written over wire dicts, on either line ---------------------------------------


async def test_wire_callbacks_answer_elicitation_sampling_and_roots_in_memory(bare):
    seen: dict[str, dict] = {}

    def elicitation(params: dict) -> dict:
        seen["elicitation"] = params
        return {"action": "accept", "content": {"name": "Ada"}}

    async def sampling(params: dict) -> dict:
        seen["sampling"] = params
        return {"role": "assistant", "content": {"type": "text", "text": "hello"}, "model": "offline"}

    callbacks = wire_callbacks(
        elicitation=elicitation,
        sampling=sampling,
        list_roots=lambda: {"roots": [{"uri": "file:///work", "name": "work"}]},
    )
    async with in_memory_client(bare.server, **callbacks) as client:
        assert text_of(await client.call_tool("ask", {})) == "accept:Ada"
        assert text_of(await client.call_tool("sample", {})) == "offline: hello"
        assert text_of(await client.call_tool("roots", {})) == "file:///work"
    assert seen["elicitation"]["message"] == "Who are you?"
    assert seen["elicitation"]["requestedSchema"]["required"] == ["name"]
    assert seen["sampling"]["maxTokens"] == 5
    assert seen["sampling"]["messages"] == [{"role": "user", "content": {"type": "text", "text": "hi"}}]


async def test_a_wire_error_goes_back_as_a_json_rpc_error(bare):
    callbacks = wire_callbacks(elicitation=lambda params: {"code": -32600, "message": "not now"})
    async with in_memory_client(bare.server, **callbacks) as client:
        assert text_of(await client.call_tool("ask", {})) == "error -32600: not now"


async def test_logs_reach_the_logging_and_notification_listeners(bare):
    logs: list[dict] = []
    notes: list[dict] = []
    callbacks = wire_callbacks(logging=logs.append, notification=notes.append)
    async with in_memory_client(bare.server, **callbacks) as client:
        assert text_of(await client.call_tool("log", {})) == "ok"
    assert [(entry["level"], entry["data"]) for entry in logs] == [("info", "logged")]
    assert [(note["method"], note["params"]["data"]) for note in notes] == [("notifications/message", "logged")]


async def test_in_memory_client_takes_a_timeout_in_seconds_on_both_lines(bare):
    async with in_memory_client(bare.server, read_timeout_seconds=30) as client:
        assert text_of(await client.call_tool("echo", {"text": "x"})) == "x"


# -- over streamable HTTP, against a real server process ---------------------------------------


@pytest.mark.e2e
async def test_open_http_session_calls_tools_with_callbacks_and_headers(bare_url):
    callbacks = wire_callbacks(elicitation=lambda params: {"action": "decline"})
    async with open_http_session(bare_url, headers={"X-Probe": "yes"}, **callbacks) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert {"ask", "echo", "header"} <= tools
        assert text_of(await client.call_tool("ask", {})) == "decline"
        assert text_of(await client.call_tool("header", {"name": "x-probe"})) == "yes"


@pytest.mark.e2e
@pytest.mark.requires_revision("2026-07-28")
async def test_open_http_session_speaks_the_sessionless_revision_on_mcp2(bare_url):
    async with open_http_session(bare_url, revision=SESSIONLESS_REVISION) as client:
        assert client.protocol_version == SESSIONLESS_REVISION
        assert text_of(await client.call_tool("echo", {"text": "stateless"})) == "stateless"


@pytest.mark.only_mcp1("mcp 1.x cannot speak 2026-07-28")
async def test_open_http_session_refuses_a_revision_the_line_lacks():
    with pytest.raises(ValueError, match=r"speaks 2025-11-25 only on mcp 1\.\d+\.\d+, not '2026-07-28'"):
        async with open_http_session("http://127.0.0.1:9/mcp", revision=SESSIONLESS_REVISION):
            pass


async def test_open_http_session_refuses_an_unknown_revision():
    with pytest.raises(ValueError, match="not '2024-01-01'"):
        async with open_http_session("http://127.0.0.1:9/mcp", revision="2024-01-01"):
            pass


# -- the line markers ---------------------------------------------------------------------------

MARKED = '''
import pytest

@pytest.mark.only_mcp1("reason one")
def test_one(): pass

@pytest.mark.only_mcp2("reason two")
def test_two(): pass

@pytest.mark.requires_revision("2026-07-28")
def test_sessionless(): pass

@pytest.mark.requires_revision("2025-11-25")
def test_handshake(): pass

@pytest.mark.requires_strands
def test_strands(): pass
'''


def test_markers_skip_on_the_other_line_with_the_reason(tmp_path):
    probe = tmp_path / "test_marked.py"
    probe.write_text(MARKED)
    # tests/conftest.py as a plugin, the project's pytest settings, and the probe file alone.
    config = ["-p", "conftest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *config, "-rs", "-v", str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outcome = {
        name: "PASSED" if f"::{name} PASSED" in done.stdout else "SKIPPED"
        for name in ("test_one", "test_two", "test_sessionless", "test_handshake", "test_strands")
    }
    assert outcome == {
        "test_one": "PASSED" if SDK_LINE == 1 else "SKIPPED",
        "test_two": "PASSED" if SDK_LINE == 2 else "SKIPPED",
        "test_sessionless": "PASSED" if SDK_LINE == 2 else "SKIPPED",
        "test_handshake": "PASSED",
        "test_strands": "PASSED" if HAS_STRANDS else "SKIPPED",
    }
    if SDK_LINE == 1:
        assert f"mcp 2.x only (mcp {MCP_VERSION} is installed): reason two" in done.stdout
        assert f"protocol revision 2026-07-28 needs mcp 2.x (mcp {MCP_VERSION} is installed)" in done.stdout
    else:
        assert f"mcp 1.x only (mcp {MCP_VERSION} is installed): reason one" in done.stdout
    if not HAS_STRANDS:
        assert STRANDS_MISSING in done.stdout
    # The header names the installed SDK and its line.
    assert f"mcp {MCP_VERSION}: SDK line {SDK_LINE}" in done.stdout
