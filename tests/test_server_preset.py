"""The stateful preset over real HTTP, against a real server process."""

from __future__ import annotations

import importlib.metadata
from typing import Any

import httpx
import pytest
from harness import in_memory_client
from sdk_compat import SESSIONLESS_REVISION, open_http_session, structured, to_wire
from wire import headers, initialize, initialize_payload, messages, parse_sse, request

import toolkit
from toolkit._sdk import sdk
from toolkit.server.preset import ServerSettings, toolkit_version

pytestmark = pytest.mark.e2e


@pytest.fixture
def preset(spawn_server, test_server_script):
    return spawn_server(test_server_script("preset_server"))


@pytest.fixture
def http():
    with httpx.Client(timeout=10) as client:
        yield client


def test_initialize_returns_session_id_and_declares_logging(preset, http):
    response = http.post(preset.url, json=initialize_payload(), headers=headers())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert len(response.headers["mcp-session-id"]) >= 16
    result = messages(response)[0]["result"]
    assert "logging" in result["capabilities"]
    assert result["protocolVersion"] == "2025-11-25"


def test_set_level_returns_empty_result_and_filters_toolkit_logs(preset, http):
    session = initialize(http, preset.url)
    response = http.post(
        preset.url, json=request("logging/setLevel", {"level": "warning"}, id=5), headers=headers(session)
    )
    assert messages(response) == [{"jsonrpc": "2.0", "id": 5, "result": {}}]

    response = http.post(
        preset.url,
        json=request("tools/call", {"name": "log_levels", "arguments": {}}, id=6),
        headers=headers(session),
    )
    sent = messages(response)
    logs = [m["params"]["level"] for m in sent if m.get("method") == "notifications/message"]
    assert logs == ["warning", "error"]
    assert sent[-1]["result"]["content"][0]["text"] == "warning,error"


def test_set_level_rejects_unknown_level(preset, http):
    session = initialize(http, preset.url)
    response = http.post(
        preset.url, json=request("logging/setLevel", {"level": "loud"}, id=2), headers=headers(session)
    )
    assert "error" in messages(response)[0]


def test_unknown_session_gets_404(preset, http):
    initialize(http, preset.url)
    response = http.post(
        preset.url, json=request("tools/list", id=2), headers=headers("0123456789abcdef0123456789abcdef")
    )
    assert response.status_code == 404


def test_delete_ends_session(preset, http):
    session = initialize(http, preset.url)
    assert http.delete(preset.url, headers=headers(session)).status_code == 200
    response = http.post(preset.url, json=request("tools/list", id=3), headers=headers(session))
    assert response.status_code == 404


def test_agentcore_headers_are_served(preset, http):
    agentcore = {"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": "a" * 33}
    response = http.post(preset.url, json=initialize_payload(), headers=headers(**agentcore))
    session = response.headers["mcp-session-id"]
    response = http.post(
        preset.url,
        json=request("tools/call", {"name": "echo", "arguments": {"text": "hi"}}, id=4),
        headers=headers(session, **agentcore),
    )
    assert response.status_code == 200
    assert messages(response)[-1]["result"]["content"][0]["text"] == "hi"


def test_foreign_host_header_is_refused_on_localhost(preset, http):
    response = http.post(preset.url, json=initialize_payload(), headers=headers(Host="evil.example:80"))
    assert response.status_code == 421


def test_cut_sse_stream_resumes_with_last_event_id(preset, http):
    session = initialize(http, preset.url)
    call = request("tools/call", {"name": "slow_progress", "arguments": {"steps": 8, "delay": 0.1}}, id=9)
    call["params"]["_meta"] = {"progressToken": "p"}

    seen: list[str] = []
    with http.stream("POST", preset.url, json=call, headers=headers(session)) as response:
        assert response.status_code == 200
        lines = []
        for line in response.iter_lines():
            lines.append(line)
            events = [e for e in parse_sse(lines) if e.data]
            if len(events) >= 3:
                break
        # Leaving the block closes the connection in the middle of the call.
    first = parse_sse(lines)
    assert first[0].retry is not None, "the priming event carries the retry interval"
    seen = [e.data for e in first if e.data]
    last_id = [e.id for e in first if e.id][-1]

    replayed: list[str] = []
    with http.stream("GET", preset.url, headers=headers(session, **{"Last-Event-ID": last_id})) as resumed:
        assert resumed.status_code == 200
        lines = []
        for line in resumed.iter_lines():
            lines.append(line)
            replayed = [e.data for e in parse_sse(lines) if e.data]
            if replayed and '"result"' in replayed[-1]:
                break

    import json

    everything = [json.loads(d) for d in seen + replayed]
    progress = [m["params"]["progress"] for m in everything if m.get("method") == "notifications/progress"]
    assert progress == [1, 2, 3, 4, 5, 6, 7, 8]
    assert everything[-1]["result"]["content"][0]["text"] == "done after 8 steps"


def test_last_event_id_of_another_session_replays_nothing(preset, http):
    owner = initialize(http, preset.url)
    response = http.post(
        preset.url,
        json=request("tools/call", {"name": "echo", "arguments": {"text": "secret"}}, id=1),
        headers=headers(owner),
    )
    event_ids = [e.id for e in parse_sse(response.text.splitlines()) if e.id]
    intruder = initialize(http, preset.url)
    replay = http.get(preset.url, headers=headers(intruder, **{"Last-Event-ID": event_ids[0]}))
    assert "secret" not in replay.text


def test_settings_resolve_arguments_over_environment():
    env = {"MCP_PORT": "9001", "MCP_HOST": "127.0.0.1", "MCP_SESSION_IDLE_TIMEOUT": "60"}
    settings = ServerSettings.resolve(env, port=9002)
    assert (settings.host, settings.port, settings.session_idle_timeout) == ("127.0.0.1", 9002, 60.0)
    assert ServerSettings.resolve({}).port == 8000
    assert ServerSettings.resolve({}).host == "127.0.0.1"
    assert ServerSettings.resolve({}).path == "/mcp"
    assert ServerSettings.resolve({}).session_idle_timeout == 900


def test_bad_environment_value_names_the_variable():
    with pytest.raises(toolkit.ConfigurationError, match="MCP_PORT"):
        ServerSettings.resolve({"MCP_PORT": "eighty"})
    with pytest.raises(toolkit.ConfigurationError, match="MCP_EVENT_STORE"):
        ServerSettings.resolve({"MCP_EVENT_STORE": "maybe"})


def test_dns_rebinding_protection_settings():
    assert ServerSettings.resolve({}).dns_rebinding_protection() is not None
    assert ServerSettings.resolve({}, host="0.0.0.0").dns_rebinding_protection() is None
    deployed = ServerSettings.resolve({"MCP_HOST": "0.0.0.0", "MCP_ALLOWED_HOSTS": "mcp.example.com"})
    assert deployed.dns_rebinding_protection() == (("mcp.example.com",), ())
    options = deployed.transport_options()
    assert (options.allowed_hosts, options.allowed_origins) == (("mcp.example.com",), ())


def test_preset_defaults():
    server = toolkit.stateful_server("defaults")
    assert isinstance(server, toolkit.StatefulServer)
    assert isinstance(server, sdk.ServerBase)
    options = server.toolkit_settings.transport_options(server.event_store)
    assert (options.path, options.session_idle_timeout, options.retry_interval_ms) == ("/mcp", 900, 1000)
    assert isinstance(server.event_store, toolkit.BoundedEventStore)
    assert options.event_store is server.event_store and options.session_events is not None
    assert toolkit.stateful_server("off", event_store=False).event_store is None


def test_a_server_binds_loopback_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("MCP_HOST", raising=False)
    local = toolkit.stateful_server("local")
    assert local.toolkit_settings.host == "127.0.0.1"
    assert local.toolkit_settings.dns_rebinding_protection() is not None
    monkeypatch.setenv("MCP_HOST", "0.0.0.0")
    deployed = toolkit.stateful_server("deployed")
    assert deployed.toolkit_settings.host == "0.0.0.0"
    assert deployed.toolkit_settings.dns_rebinding_protection() is None


def test_log_level_resolves_from_argument_then_fastmcp_log_level_then_info():
    assert ServerSettings.resolve({}).log_level == "INFO"
    assert ServerSettings.resolve({"FASTMCP_LOG_LEVEL": "debug"}).log_level == "DEBUG"
    assert ServerSettings.resolve({"FASTMCP_LOG_LEVEL": "debug"}, log_level="warning").log_level == "WARNING"


def test_the_environment_log_level_reaches_fastmcp(monkeypatch):
    monkeypatch.setenv("FASTMCP_LOG_LEVEL", "ERROR")
    assert toolkit.stateful_server("quiet").settings.log_level == "ERROR"
    assert toolkit.stateful_server("chatty", log_level="debug").settings.log_level == "DEBUG"


def test_a_bad_log_level_names_the_variable_or_argument():
    with pytest.raises(toolkit.ConfigurationError, match=r"FASTMCP_LOG_LEVEL.*DEBUG, INFO"):
        ServerSettings.resolve({"FASTMCP_LOG_LEVEL": "loud"})
    with pytest.raises(toolkit.ConfigurationError, match="log_level='loud'"):
        toolkit.stateful_server("bad", log_level="loud")


def test_initialize_reports_the_servers_name_and_the_toolkit_version(preset, http):
    response = http.post(preset.url, json=initialize_payload(), headers=headers())
    server_info = messages(response)[0]["result"]["serverInfo"]
    assert server_info == {"name": "preset-test", "version": toolkit_version()}
    assert server_info["version"] != importlib.metadata.version("mcp")


class _MonthUnreadable(toolkit.server.ToolError, ValueError):
    """A tool's own anticipated failure."""


@pytest.mark.anyio
async def test_anticipated_tool_errors_reach_the_caller_with_their_message_on_every_line():
    # mcp 2.x withholds the message of an exception it does not know as anticipated.
    server = toolkit.stateful_server("errors")

    @server.tool()
    async def misconfigured() -> str:
        raise toolkit.ConfigurationError("set MCP_LIMIT to a positive number")

    @server.tool()
    async def bad_month(month: str) -> str:
        raise _MonthUnreadable(f"{month!r} is not a month; write it as 2025-04")

    async with in_memory_client(server) as client:
        toolkit_error = to_wire(await client.call_tool("misconfigured", {}))
        own_error = to_wire(await client.call_tool("bad_month", {"month": "April"}))
    assert toolkit_error["isError"] and "set MCP_LIMIT to a positive number" in toolkit_error["content"][0]["text"]
    assert own_error["isError"] and "'April' is not a month; write it as 2025-04" in own_error["content"][0]["text"]


@pytest.mark.anyio
@pytest.mark.requires_revision("2026-07-28")
async def test_serve_answers_sessions_and_session_less_requests_on_one_endpoint(spawn_server, test_server_script):
    server = spawn_server(test_server_script("preset_server"))
    for revision in (None, SESSIONLESS_REVISION):
        seen, on_progress = _progress_recorder()
        async with open_http_session(server.url, revision=revision) as client:
            result = await client.call_tool("tracked", {"steps": 3}, progress_callback=on_progress)
            spoken = client.protocol_version
        assert structured(result) == {"result": 6}, revision
        assert seen == [1, 2, 3], revision
        assert spoken == (revision or "2025-11-25")


def _progress_recorder() -> tuple[list[float], Any]:
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    return seen, on_progress
