"""Progress and heartbeats over real HTTP, against a real server process."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
from sdk_compat import open_http_session, to_wire, wire_callbacks
from wire import headers, initialize, initialize_payload, messages, parse_sse, request

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

POLL_LIMIT = 10.0


@pytest.fixture
def server(spawn_server, test_server_script):
    return spawn_server(test_server_script("progress_server"))


@asynccontextmanager
async def connect(url: str, **callbacks: Any) -> AsyncIterator[Any]:
    async with open_http_session(url, **callbacks) as session:
        yield session


def content(result: Any) -> Any:
    """The structured content of a tool result that is not an error."""
    wire = to_wire(result)
    assert not wire.get("isError"), wire
    return wire["structuredContent"]


def strictly_increasing(values: list[float]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


def tool_call(name: str, arguments: dict[str, Any], id: int, token: str | None = None) -> dict[str, Any]:
    call = request("tools/call", {"name": name, "arguments": arguments}, id=id)
    if token is not None:
        call["params"]["_meta"] = {"progressToken": token}
    return call


def structured(message: dict[str, Any]) -> Any:
    return message["result"]["structuredContent"]["result"]


def progress_of(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["params"] for m in found if m.get("method") == "notifications/progress"]


def replay_after(http: httpx.Client, url: str, session: str, last_event_id: str) -> list[dict[str, Any]]:
    """Every message the server stored on that stream after `last_event_id`.

    The server replays them and then sends a priming event (no data) before it tails the
    stream live, so everything before the priming event is the stored history.
    """
    lines: list[str] = []
    with http.stream("GET", url, headers=headers(session, **{"Last-Event-ID": last_event_id})) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            lines.append(line)
            # Only a blank line completes an event; before it an id may still lack its data.
            if line == "" and any(not event.data for event in parse_sse(lines) if event.id):
                break
    return [event.json() for event in parse_sse(lines) if event.data]


def call_and_keep_ids(http: httpx.Client, url: str, session: str, call: dict[str, Any]) -> list[tuple[str, Any]]:
    response = http.post(url, json=call, headers=headers(session))
    assert response.status_code == 200
    return [(event.id, event.json()) for event in parse_sse(response.text.splitlines()) if event.data]


# ---------------------------------------------------------------------------


async def test_a_2000_step_loop_sends_a_bounded_increasing_sequence_ending_at_the_total(server):
    seen: list[tuple[float, float | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, total))

    min_interval = 0.02
    async with connect(server.url) as session:
        result = await session.call_tool(
            "count_to", {"steps": 2000, "min_interval": min_interval}, progress_callback=on_progress
        )
    elapsed = content(result)["elapsed"]
    values = [value for value, _ in seen]
    assert strictly_increasing(values)
    assert values[-1] == 2000
    assert {total for _, total in seen} == {2000}
    # Sends are at least min_interval apart, plus the first and the final one.
    assert 2 <= len(values) <= elapsed / min_interval + 2
    assert len(values) < 2000


async def test_a_heartbeat_keeps_flowing_while_time_sleep_runs_in_a_thread(server):
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, total, message))

    async with connect(server.url) as session:
        # The worker thread sleeps until the server has sent 4 beats, so the call can only
        # return if the beats flow while the thread blocks.
        arguments = {"beats": 4, "every": 0.05}
        result = await session.call_tool("sleep_until_beats", arguments, progress_callback=on_progress)
    assert content(result)["result"] >= 1, "the worker really slept"
    assert len(seen) >= 4
    assert strictly_increasing([value for value, _, _ in seen])
    assert all(total is None and message.startswith("Sleeping (") for _, total, message in seen)


async def test_without_a_token_the_heartbeat_sends_log_notifications(server):
    logs: list[dict[str, Any]] = []

    async with connect(server.url, **wire_callbacks(logging=logs.append)) as session:
        result = await session.call_tool("sleep_until_beats", {"beats": 2, "every": 0.05})
    content(result)
    assert len(logs) >= 2
    assert all(log["level"] == "info" and str(log["data"]).startswith("Sleeping (") for log in logs)


@pytest.mark.parametrize("scoped", [True, False], ids=["closed-by-block", "left-open"])
def test_no_progress_arrives_after_the_response(server, scoped):
    with httpx.Client(timeout=10) as http:
        session = initialize(http, server.url)
        first = call_and_keep_ids(
            http,
            server.url,
            session,
            tool_call("report_then_return", {"name": "kept", "total": 5, "scoped": scoped}, id=3, token="t"),
        )
        response_id, response = first[-1]
        assert response["id"] == 3 and "result" in response
        assert [p["progress"] for p in progress_of([m for _, m in first])] == [1]

        # A later call uses the kept Progress after the first call has answered.
        late = messages(
            http.post(server.url, json=tool_call("report_late", {"name": "kept"}, id=4), headers=headers(session))
        )
        assert structured(late[-1]) == [False, False]

        # Anything sent for request 3 after its response would be stored on its stream.
        assert progress_of(replay_after(http, server.url, session, response_id)) == []


@pytest.mark.only_mcp1("mcp 2.x drops a request's notifications once it is answered: no late one to catch")
def test_the_replay_check_does_catch_a_late_notification(server):
    """Control: the SDK's own report_progress after the response does reach the stream."""
    with httpx.Client(timeout=10) as http:
        session = initialize(http, server.url)
        first = call_and_keep_ids(
            http, server.url, session, tool_call("raw_report_then_return", {"name": "raw"}, id=3, token="t")
        )
        response_id, _ = first[-1]
        http.post(server.url, json=tool_call("raw_report_late", {"name": "raw"}, id=4), headers=headers(session))
        late = progress_of(replay_after(http, server.url, session, response_id))
    assert [(p["progress"], p["message"]) for p in late] == [(2, "late")]


# ---------------------------------------------------------------------------
# Cancellation from a real client over the wire.


async def open_session(http: httpx.AsyncClient, url: str) -> str:
    response = await http.post(url, json=initialize_payload(), headers=headers())
    response.raise_for_status()
    session = response.headers["mcp-session-id"]
    initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    (await http.post(url, json=initialized, headers=headers(session))).raise_for_status()
    return session


async def call_cancelling_after_two_beats(
    http: httpx.AsyncClient, url: str, session: str, name: str, cooperative: bool
) -> list[tuple[str, Any]]:
    """Start `block_in_thread`, send notifications/cancelled after two beats, return the stream."""
    call = tool_call("block_in_thread", {"name": name, "every": 0.05, "cooperative": cooperative}, id=7, token="b")
    cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7, "reason": "stop"}}
    lines: list[str] = []
    cancelled = False
    async with http.stream("POST", url, json=call, headers=headers(session)) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            lines.append(line)
            if not cancelled and len(progress_of([e.json() for e in parse_sse(lines) if e.data])) >= 2:
                sent = await http.post(url, json=cancel, headers=headers(session))
                assert sent.status_code == 202
                cancelled = True
    # The stream ends with the call's response; reaching here means the server closed it.
    return [(event.id, event.json()) for event in parse_sse(lines) if event.data]


async def wait_for_run(http: httpx.AsyncClient, url: str, session: str, name: str, **expected: Any) -> dict[str, Any]:
    state: dict[str, Any] = {}
    with anyio.fail_after(POLL_LIMIT):
        for poll in range(10_000):
            call = tool_call("run_state", {"name": name}, id=100 + poll)
            state = structured_dict(messages(await http.post(url, json=call, headers=headers(session)))[-1])
            if all(state[key] == value for key, value in expected.items()):
                return state
            await anyio.sleep(0.02)
    raise AssertionError(f"{name} never reached {expected}; last state {state}")


def structured_dict(message: dict[str, Any]) -> dict[str, Any]:
    return message["result"]["structuredContent"]


@pytest.mark.parametrize("cooperative", [True, False], ids=["thread-checks-cancel", "thread-keeps-blocking"])
async def test_a_cancelled_call_stops_its_heartbeat(server, cooperative):
    async with httpx.AsyncClient(timeout=10) as http:
        session = await open_session(http, server.url)
        stream = await call_cancelling_after_two_beats(http, server.url, session, "job", cooperative)
        response_id, response = stream[-1]
        assert response["id"] == 7 and "error" in response
        assert len(progress_of([m for _, m in stream])) >= 2

        # The tool ends although the thread may still block, and its heartbeat is stopped.
        state = await wait_for_run(http, server.url, session, "job", outcome="cancelled")
        assert state["running"] is False
        if cooperative:
            await wait_for_run(http, server.url, session, "job", thread="stopped")
        else:
            assert state["thread"] == "running", "the tool did not wait for the blocked thread"

        # No beat was sent for the call after its response, and none is sent any more.
        with httpx.Client(timeout=10) as sync_http:
            assert progress_of(replay_after(sync_http, server.url, session, response_id)) == []
        later = await wait_for_run(http, server.url, session, "job", outcome="cancelled")
        assert later["beats"] == state["beats"]

        released = tool_call("release_threads", {}, id=99)
        await http.post(server.url, json=released, headers=headers(session))
        await wait_for_run(http, server.url, session, "job", thread="stopped")
