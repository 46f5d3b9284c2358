"""Session expiry and broken connections, against real server processes over HTTP.

The server is restarted (or killed) in the middle of a session; the client must start a new
session for a 404 and retry that request once, must not retry a request whose connection
broke mid-flight, and must cancel abandoned requests on the wire.

Most tests run twice: against servers built with the toolkit (`preset_server`,
`ledger_server`) and against the plain SDK server (`plain_server`: FastMCP on mcp 1.x,
MCPServer on 2.x), which has the same tools.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest

import demo_client
from demo_client import ConnectionLost, ReconnectPolicy, RequestTimeout, SessionExpired

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

# A restart can take several seconds on a busy machine; keep the GET stream retrying for 20 s.
PATIENT = ReconnectPolicy(attempts=80, default_delay=0.25)


@pytest.fixture(params=[pytest.param("toolkit", marks=pytest.mark.toolkit_server), "plain"])
def script(request, test_server_script):
    """The script of a server with the given toolkit test server's tools: that one, or the plain SDK server."""
    return lambda toolkit_script: test_server_script(toolkit_script if request.param == "toolkit" else "plain_server")


def text(result) -> str:
    return result.text


def pings(path: Path) -> int:
    return sum(line.startswith("POST ping") for line in lines(path))


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def eventually(check, polls: int = 300) -> None:
    """Wait until `check()` holds, polling a file another process writes (at most 15 s)."""
    for _ in range(polls):
        if check():
            return
        await anyio.sleep(0.05)
    raise AssertionError(f"{check.__name__ if hasattr(check, '__name__') else check} never held")


async def test_restart_mid_session_starts_a_new_session_and_runs_the_tool_once(spawn_server, script):
    server = spawn_server(script("preset_server"))
    sessions: list[str | None] = []
    async with demo_client.connect(server.url, on_session=sessions.append) as client:
        assert text(await client.call_tool("count_calls")) == "1"
        assert text(await client.call_tool("count_calls")) == "2"
        old = client.session_id

        await anyio.to_thread.run_sync(server.restart)

        # The restarted process counts from zero: "1" means the call ran there exactly once.
        assert text(await client.call_tool("count_calls")) == "1"
        assert client.reinitializations == 1
        assert client.session_id not in (None, old)
        assert sessions == [old, client.session_id]
        assert text(await client.call_tool("count_calls")) == "2"
        assert client.reinitializations == 1


async def test_a_404_on_the_background_stream_starts_a_new_session(spawn_server, script):
    server = spawn_server(script("preset_server"))
    replaced = anyio.Event()
    sessions: list[str | None] = []

    def started(session_id: str | None) -> None:
        sessions.append(session_id)
        if len(sessions) == 2:
            replaced.set()

    async with demo_client.connect(server.url, on_session=started, reconnect=PATIENT) as client:
        await client.ping()
        await anyio.to_thread.run_sync(server.restart)
        with anyio.fail_after(30):
            await replaced.wait()  # no request was made: the GET stream noticed the 404
        assert client.reinitializations == 1
        assert client.session_id == sessions[1] != sessions[0]
        assert text(await client.call_tool("echo", {"text": "still here"})) == "still here"
        assert client.reinitializations == 1


async def test_a_connection_broken_mid_call_raises_and_is_not_retried(spawn_server, script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(script("ledger_server"), env={"LEDGER_PATH": str(ledger)})
    started = anyio.Event()
    outcome: list[BaseException] = []

    async def call() -> None:
        try:
            await client.call_tool("hold", {"tag": "a", "seconds": 30}, on_progress=lambda *_: started.set())
        except ConnectionLost as exc:
            outcome.append(exc)

    async with demo_client.connect(server.url, reconnect=ReconnectPolicy(attempts=2, default_delay=0.2)) as client:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(call)
            with anyio.fail_after(15):
                await started.wait()
            server.kill()
        assert len(outcome) == 1
        assert "tools/call" in str(outcome[0]) and "may have run" in str(outcome[0])

        server.start()
        assert text(await client.call_tool("record", {"tag": "after"})) == "1"
        assert client.reinitializations == 1
    assert lines(ledger) == ["started:a", "after"]


async def test_a_timeout_cancels_the_call_on_the_server(spawn_server, script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(script("ledger_server"), env={"LEDGER_PATH": str(ledger)})
    async with demo_client.connect(server.url) as client:
        with pytest.raises(RequestTimeout, match="cancelled on the server"):
            await client.call_tool("hold", {"tag": "t", "seconds": 30}, request_timeout=0.5)
        await eventually(lambda: "cancelled:t" in lines(ledger))
        await client.ping()
        assert client.reinitializations == 0
    assert "finished:t" not in lines(ledger)


async def test_an_interrupted_call_is_cancelled_on_the_server(spawn_server, script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(script("ledger_server"), env={"LEDGER_PATH": str(ledger)})
    async with demo_client.connect(server.url) as client:
        started = anyio.Event()
        async with anyio.create_task_group() as tasks:
            # Cancelling the caller's scope is what Ctrl-C does to a running `anyio.run`.
            call = partial(client.call_tool, "hold", {"tag": "i", "seconds": 30}, on_progress=lambda *_: started.set())
            tasks.start_soon(call)
            with anyio.fail_after(15):
                await started.wait()
            tasks.cancel_scope.cancel()
        await eventually(lambda: "cancelled:i" in lines(ledger))
        assert text(await client.call_tool("record", {"tag": "next"})) == "1"


async def test_a_second_404_right_after_recovery_raises_session_expired(spawn_server, test_server_script, tmp_path):
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), "--forget", env={"RECORD_PATH": str(record)})
    async with demo_client.connect(server.url) as client:
        with pytest.raises(SessionExpired, match="dropped the new session"):
            await client.call_tool("noop")
        assert client.reinitializations == 1
    calls = [line.split()[1] for line in lines(record) if line.startswith("POST")]
    # initialize, tools/call (404), initialize again, tools/call once more (404), and no more.
    assert [c for c in calls if c != "notifications/initialized"] == [
        "initialize",
        "tools/call",
        "initialize",
        "tools/call",
    ]


async def test_close_deletes_the_session(spawn_server, script):
    server = spawn_server(script("preset_server"))
    async with demo_client.connect(server.url) as client:
        session_id = client.session_id
    assert session_id is not None
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
            headers={"accept": "application/json, text/event-stream", "mcp-session-id": session_id},
        )
    assert response.status_code == 404


async def test_keepalive_pings_until_the_client_closes(spawn_server, test_server_script, tmp_path):
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), env={"RECORD_PATH": str(record)})
    async with demo_client.connect(server.url, keepalive=0.1) as client:
        session_id = client.session_id
        await eventually(lambda: pings(record) >= 2)
    assert f"DELETE - {session_id}" in lines(record)
    sent = pings(record)
    await anyio.sleep(0.5)  # five keepalive intervals: a leaked keepalive task would ping again
    assert pings(record) == sent


async def test_using_a_closed_client_raises(spawn_server, script):
    server = spawn_server(script("preset_server"))
    async with demo_client.connect(server.url) as client:
        pass
    with pytest.raises(demo_client.ClientClosed, match="open a new one"):
        await client.ping()


async def test_a_server_without_sessions_is_used_as_is(spawn_server, test_server_script, tmp_path):
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), "--stateless", env={"RECORD_PATH": str(record)})
    async with demo_client.connect(server.url) as client:
        assert client.session_id is None
        await client.ping()  # the GET stream's 404 came first: it does not mean "session expired"
        assert text(await client.call_tool("noop")) == "ok"
        assert client.reinitializations == 0
    assert [line.split()[:2] for line in lines(record) if line.split()[1] == "initialize"] == [["POST", "initialize"]]
    assert not any(line.startswith("DELETE") for line in lines(record))


async def test_a_response_stream_closed_early_is_resumed_not_resent(spawn_server, script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    env = {"LEDGER_PATH": str(ledger), "MCP_RETRY_INTERVAL_MS": "100"}
    server = spawn_server(script("ledger_server"), env=env)
    seen: list[str | None] = []
    async with demo_client.connect(server.url, on_progress=lambda p, t, m: seen.append(m)) as client:
        assert text(await client.call_tool("poll_result", {"tag": "p"})) == "resumed:p"
        assert client.reinitializations == 0
    assert seen == ["after the stream closed"]
    assert lines(ledger) == ["started:p", "finished:p"]


async def test_the_standalone_stream_is_reopened_from_its_last_event(spawn_server, script):
    server = spawn_server(script("ledger_server"), env={"MCP_RETRY_INTERVAL_MS": "100"})
    logged = anyio.Event()
    messages: list[str] = []

    def on_log(level, data) -> None:
        messages.append(f"{level}:{data}")
        if len(messages) == 2:
            logged.set()

    async with demo_client.connect(server.url, on_log=on_log) as client:
        assert text(await client.call_tool("drop_listener")) == "dropped"
        with anyio.fail_after(15):
            await logged.wait()
    assert messages == ["info:sent on the stream", "warning:sent while the stream was closed"]
