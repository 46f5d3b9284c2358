"""The event store of a real server process lets go of a session's events when the session ends.

The store's own byte count is read through a tool of the test server, from a second session;
resident memory is the benchmark's business (`bench/session_release.py`), not a test's.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from wire import headers, initialize, initialize_payload, messages, request

pytestmark = pytest.mark.e2e

NAME_CHARS = 200_000
CALLS = 10
EXPIRY_DEADLINE = 30.0


@pytest.fixture
def http():
    with httpx.Client(timeout=30) as client:
        yield client


def heavy_session(http: httpx.Client, url: str) -> str:
    """A session whose client name is long, after CALLS answers that repeat it."""
    payload = initialize_payload()
    payload["params"]["clientInfo"]["name"] = "n" * NAME_CHARS
    response = http.post(url, json=payload, headers=headers())
    response.raise_for_status()
    session = response.headers["mcp-session-id"]
    http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers(session))
    for call_id in range(1, CALLS + 1):
        call = request("tools/call", {"name": "describe_client", "arguments": {}}, id=call_id)
        answer = messages(http.post(url, json=call, headers=headers(session)))[-1]
        assert answer["result"]["content"][0]["text"].startswith("You are nnn")
    return session


def stored(http: httpx.Client, url: str, observer: str, session: str) -> dict[str, int]:
    call = request("tools/call", {"name": "stored_bytes", "arguments": {"session_id": session}}, id=1)
    answer = messages(http.post(url, json=call, headers=headers(observer)))[-1]
    return json.loads(answer["result"]["content"][0]["text"])


def test_delete_drops_the_sessions_events_from_the_store(spawn_server, test_server_script, http):
    server = spawn_server(test_server_script("event_store_server"))
    observer = initialize(http, server.url)
    heavy = heavy_session(http, server.url)
    assert stored(http, server.url, observer, heavy)["session"] > CALLS * NAME_CHARS

    assert http.delete(server.url, headers=headers(heavy)).status_code == 200

    after = stored(http, server.url, observer, heavy)
    assert after["session"] == 0
    assert after["total"] == after["caller"], "only the observer's own events are left"


def test_idle_expiry_drops_the_sessions_events_from_the_store(spawn_server, test_server_script, http):
    server = spawn_server(test_server_script("event_store_server"), env={"MCP_SESSION_IDLE_TIMEOUT": "1"})
    observer = initialize(http, server.url)
    heavy = heavy_session(http, server.url)
    assert stored(http, server.url, observer, heavy)["session"] > CALLS * NAME_CHARS

    # The observer's polls keep its own session alive while the heavy one idles out.
    deadline = time.monotonic() + EXPIRY_DEADLINE
    after = stored(http, server.url, observer, heavy)
    while after["session"] and time.monotonic() < deadline:
        time.sleep(0.05)
        after = stored(http, server.url, observer, heavy)
    assert after["session"] == 0
    assert http.post(server.url, json=request("ping", id=9), headers=headers(heavy)).status_code == 404
    assert after["total"] == after["caller"]


def test_a_preset_server_reports_the_version_it_was_given(spawn_server, test_server_script, http):
    server = spawn_server(test_server_script("event_store_server"))
    response = http.post(server.url, json=initialize_payload(), headers=headers())
    assert messages(response)[0]["result"]["serverInfo"] == {"name": "event-store-test", "version": "3.1.4"}
