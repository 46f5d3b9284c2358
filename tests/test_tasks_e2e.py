"""The task tools over real HTTP against real server processes, including SIGKILL and restarts."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from task_support import DURABLE_STORES, WAIT_SECONDS, store_url
from wire import headers, initialize_payload, messages, request

pytestmark = pytest.mark.e2e

ACTOR_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id"
MEMORY_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Memory-Ids"
UNKNOWN_ID = "8d0c3a9e6f514f7e9a592b1c6f9f3e10"
POLL_SECONDS = 0.05


class Caller:
    """One MCP session on a server, sending `extra` headers with every tool call."""

    def __init__(self, http: httpx.Client, url: str, **extra: str) -> None:
        self.http, self.url, self.extra = http, url, extra
        response = http.post(url, json=initialize_payload(), headers=headers(**extra))
        response.raise_for_status()
        self.session = response.headers["mcp-session-id"]
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        http.post(url, json=initialized, headers=headers(self.session, **extra)).raise_for_status()
        self.next_id = 1

    def call(self, tool: str, **arguments: Any) -> tuple[bool, Any]:
        """Call a tool; return (is_error, structured result or error text)."""
        self.next_id += 1
        payload = request("tools/call", {"name": tool, "arguments": arguments}, id=self.next_id)
        response = self.http.post(self.url, json=payload, headers=headers(self.session, **self.extra))
        response.raise_for_status()
        result = messages(response)[-1]["result"]
        if result.get("isError"):
            return True, result["content"][0]["text"]
        return False, result["structuredContent"]

    def ok(self, tool: str, **arguments: Any) -> dict[str, Any]:
        is_error, value = self.call(tool, **arguments)
        assert not is_error, value
        return value

    def error(self, tool: str, **arguments: Any) -> str:
        is_error, value = self.call(tool, **arguments)
        assert is_error, value
        return value

    def wait_for(self, task_id: str, accept: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Poll check_task_status until `accept` likes the answer; fail after WAIT_SECONDS."""
        status: dict[str, Any] = {}
        for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
            status = self.ok("check_task_status", task_id=task_id)
            if accept(status):
                return status
            time.sleep(POLL_SECONDS)
        pytest.fail(f"task {task_id} never reached the expected state; last status: {status}")


def holding(status: dict[str, Any]) -> bool:
    return status["status"] == "running" and status["progress"] == 0.5


@pytest.fixture
def http():
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture(params=DURABLE_STORES)
def durable_url(request, tmp_path):
    with store_url(request.param, tmp_path, request) as url:
        yield url


@pytest.fixture
def sqlite_url(request, tmp_path):
    with store_url("sqlite", tmp_path, request) as url:
        yield url


@pytest.fixture
def start_tasks_server(spawn_server, test_server_script):
    def start(url: str, *options: str):
        return spawn_server(test_server_script("tasks_server"), "--task-store", url, *options)

    return start


def test_a_task_killed_with_sigkill_reads_interrupted_after_restart(start_tasks_server, durable_url, http):
    server = start_tasks_server(durable_url, "--lease", "1", "--actor-header", ACTOR_HEADER)
    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    task_id = alice.ok("start_hold", label="training")["task_id"]
    alice.wait_for(task_id, holding)

    server.restart(hard=True)

    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    interrupted = alice.wait_for(task_id, lambda s: s["status"] == "interrupted")
    assert interrupted["progress"] == 0.5
    assert "stopped (it crashed, was killed or restarted)" in interrupted["error"]
    assert "Start the task again" in interrupted["error"]
    results = alice.ok("get_task_results", task_id=task_id)
    assert results["status"] == "interrupted" and "result" not in results


def test_completed_results_survive_graceful_and_hard_restarts(start_tasks_server, durable_url, http):
    server = start_tasks_server(durable_url, "--actor-header", ACTOR_HEADER)
    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    task_id = alice.ok("start_echo", text="model.pickle ", repeat=2)["task_id"]
    alice.wait_for(task_id, lambda s: s["status"] == "completed")

    for hard in (False, True):
        server.restart(hard=hard)
        alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
        results = alice.ok("get_task_results", task_id=task_id)
        assert results["result"] == {"text": "model.pickle model.pickle ", "attempt": 1}
        assert [t["task_id"] for t in alice.ok("list_tasks")["tasks"]] == [task_id]


def test_a_graceful_shutdown_records_why_the_task_stopped(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url, "--actor-header", ACTOR_HEADER)
    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    task_id = alice.ok("start_hold", label="training")["task_id"]
    alice.wait_for(task_id, holding)

    server.restart()

    # Written during shutdown, so it is there on the first read: no lease has to lapse.
    status = Caller(http, server.url, **{ACTOR_HEADER: "alice"}).ok("check_task_status", task_id=task_id)
    assert status["status"] == "interrupted"
    assert status["error"].startswith("The server shut down while this task was running")


def test_a_resumable_task_reruns_after_sigkill(start_tasks_server, durable_url, http):
    server = start_tasks_server(durable_url, "--lease", "1", "--actor-header", ACTOR_HEADER)
    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    task_id = alice.ok("start_rerun_once", label="etl")["task_id"]
    alice.wait_for(task_id, holding)

    server.restart(hard=True)

    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    alice.wait_for(task_id, lambda s: s["status"] == "completed")
    assert alice.ok("get_task_results", task_id=task_id)["result"] == {"label": "etl", "attempt": 2}


@pytest.mark.parametrize("hard", [False, True], ids=["graceful", "sigkill"])
def test_an_anonymous_task_is_found_from_a_new_session_after_a_restart(start_tasks_server, sqlite_url, http, hard):
    server = start_tasks_server(sqlite_url, "--actor-header", ACTOR_HEADER)
    first = Caller(http, server.url)
    task_id = first.ok("start_echo", text="come back later")["task_id"]
    first.wait_for(task_id, lambda s: s["status"] == "completed")

    server.restart(hard=hard)

    # What a CLI does on its next run: a new process, a new session, only the id kept.
    again = Caller(http, server.url)
    assert again.session != first.session
    assert again.ok("check_task_status", task_id=task_id)["status"] == "completed"
    assert again.ok("get_task_results", task_id=task_id)["result"]["text"] == "come back later"


def test_an_anonymous_task_is_reachable_by_its_id_but_never_listed(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url, "--actor-header", ACTOR_HEADER)
    first, second = Caller(http, server.url), Caller(http, server.url)
    mine = first.ok("start_hold", label="mine")["task_id"]
    theirs = second.ok("start_echo", text="theirs")["task_id"]
    first.wait_for(mine, holding)

    for caller in (first, second, Caller(http, server.url, **{ACTOR_HEADER: "alice"})):
        listing = caller.ok("list_tasks")
        assert listing["tasks"] == [], "anonymous tasks belong to no one who could list them"
    assert "found by the task_id" in first.ok("list_tasks")["note"]
    assert "note" not in Caller(http, server.url, **{ACTOR_HEADER: "alice"}).ok("list_tasks")
    # The id is the capability: another session holding it may read and cancel.
    assert second.ok("check_task_status", task_id=mine)["status"] == "running"
    assert second.ok("cancel_task", task_id=mine)["status"] == "cancelled"
    assert first.ok("get_task_results", task_id=theirs)["status"] in ("pending", "running", "completed")


def not_found(caller: Caller, task_id: str) -> str:
    """The error for `task_id`, with the id masked, to compare it with the one for a missing task."""
    return caller.error("get_task_results", task_id=task_id).replace(task_id, "<id>")


def test_a_second_actor_is_refused_exactly_as_for_a_missing_task(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url, "--actor-header", ACTOR_HEADER)
    alice = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    bob = Caller(http, server.url, **{ACTOR_HEADER: "bob"})
    anonymous = Caller(http, server.url)
    task_id = alice.ok("start_echo", text="alice's")["task_id"]
    alice.wait_for(task_id, lambda s: s["status"] == "completed")

    missing = not_found(bob, UNKNOWN_ID)
    assert missing.endswith("No task with id '<id>' exists for you. Check the id returned when the task was started.")
    for stranger in (bob, anonymous):
        assert not_found(stranger, task_id) == missing
        for tool in ("check_task_status", "cancel_task"):
            assert stranger.error(tool, task_id=task_id) == stranger.error(tool, task_id=UNKNOWN_ID).replace(
                UNKNOWN_ID, task_id
            )
    assert bob.ok("list_tasks") == {"tasks": []}
    # Same actor, another session: the actor owns it, not the session.
    again = Caller(http, server.url, **{ACTOR_HEADER: "alice"})
    assert again.ok("get_task_results", task_id=task_id)["result"]
    assert [t["task_id"] for t in again.ok("list_tasks")["tasks"]] == [task_id]


def test_unknown_malformed_and_unfinished_task_ids_get_clear_errors(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url)
    caller = Caller(http, server.url)
    assert "No task with id '8d0c3a9e" in caller.error("check_task_status", task_id=UNKNOWN_ID)
    for bad in ("42", "../../etc/passwd", UNKNOWN_ID.upper(), "8d0c3a9e-6f51-4f7e-9a59-2b1c6f9f3e10", "x" * 5000):
        message = caller.error("get_task_results", task_id=bad)
        assert "is not a valid task id" in message and len(message) < 300
    task_id = caller.ok("start_hold", label="slow")["task_id"]
    caller.wait_for(task_id, holding)
    assert "is still running (50% done)" in caller.error("get_task_results", task_id=task_id)


def test_a_failed_task_reports_its_error(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url)
    caller = Caller(http, server.url)
    task_id = caller.ok("start_fail", reason="out of memory")["task_id"]
    failed = caller.wait_for(task_id, lambda s: s["status"] == "failed")
    assert failed["error"] == "RuntimeError: out of memory"


def count_tasks(url: str) -> int:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]


@pytest.mark.parametrize(
    ("header", "value", "problem"),
    [
        (ACTOR_HEADER, "alice smith", "actorId 'alice smith' may only contain"),
        (ACTOR_HEADER, "a" * 256, "actorId must be 1-255 characters long"),
        (ACTOR_HEADER, "s-1@@@mem-0123456789@@@", "actorId must be 1-255"),
        (MEMORY_HEADER, "only@@@two", "expected three ids"),
        (MEMORY_HEADER, "sess@@@not a memory@@@alice", "memoryId 'not a memory' may only contain"),
        (MEMORY_HEADER, "s;drop@@@mem-0123456789@@@alice", "sessionId 's;drop' may only contain"),
    ],
)
def test_invalid_id_headers_are_refused_and_start_nothing(start_tasks_server, sqlite_url, http, header, value, problem):
    server = start_tasks_server(sqlite_url, "--actor-header", ACTOR_HEADER)
    caller = Caller(http, server.url, **{header: value})
    message = caller.error("start_echo", text="x")
    assert f"Header '{header}' is invalid" in message and problem in message
    assert count_tasks(sqlite_url) == 0


def test_memory_ids_from_the_seed_header_are_kept_with_the_task(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url, "--actor-header", MEMORY_HEADER)
    packed = "session-42@@@memory_abc-0123456789@@@user:alice"
    caller = Caller(http, server.url, **{MEMORY_HEADER: packed})
    task_id = caller.ok("start_echo", text="x")["task_id"]
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
        owner, metadata = connection.execute("SELECT owner, metadata FROM tasks WHERE id = ?", [task_id]).fetchone()
    assert owner == "actor:user:alice"
    assert metadata == '{"memory_id": "memory_abc-0123456789", "actor_id": "user:alice", "session_id": "session-42"}'


def test_start_tools_expose_the_jobs_parameters(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(sqlite_url)
    caller = Caller(http, server.url)
    response = http.post(server.url, json=request("tools/list", id=9), headers=headers(caller.session))
    tools = {tool["name"]: tool for tool in messages(response)[-1]["result"]["tools"]}
    assert {"start_echo", "check_task_status", "get_task_results", "cancel_task", "list_tasks"} <= set(tools)
    schema = tools["start_echo"]["inputSchema"]
    assert schema["required"] == ["text"]
    assert schema["properties"]["repeat"] == {"default": 1, "title": "Repeat", "type": "integer"}
    assert "Return the text, repeated." in tools["start_echo"]["description"]
    assert "valid integer" in caller.error("start_echo", text="x", repeat="many")
    assert count_tasks(sqlite_url) == 0


def test_an_authenticated_user_owns_tasks_across_sessions_and_restarts(start_tasks_server, sqlite_url, http):
    server = start_tasks_server(
        sqlite_url, "--tokens", "alice-token=alice,bob-token=bob", "--actor-header", ACTOR_HEADER
    )
    # The authenticated user wins over an actor header the client sends.
    alice = Caller(http, server.url, Authorization="Bearer alice-token", **{ACTOR_HEADER: "bob"})
    task_id = alice.ok("start_echo", text="signed")["task_id"]
    alice.wait_for(task_id, lambda s: s["status"] == "completed")
    bob = Caller(http, server.url, Authorization="Bearer bob-token")
    assert not_found(bob, task_id) == not_found(bob, UNKNOWN_ID)

    server.restart(hard=True)

    alice = Caller(http, server.url, Authorization="Bearer alice-token")
    assert alice.ok("get_task_results", task_id=task_id)["result"]["text"] == "signed"
    anonymous = http.post(server.url, json=initialize_payload(), headers=headers())
    assert anonymous.status_code == 401


def test_concurrent_clients_get_exactly_max_tasks_accepted(start_tasks_server, sqlite_url):
    limit, clients, starts_each = 5, 8, 5
    server = start_tasks_server(sqlite_url, "--max-tasks", str(limit))
    ready = threading.Barrier(clients)
    outcomes: list[tuple[bool, Any]] = []

    def client(number: int) -> None:
        with httpx.Client(timeout=10) as http:
            caller = Caller(http, server.url)
            ready.wait(timeout=WAIT_SECONDS)
            for start in range(starts_each):
                outcomes.append(caller.call("start_hold", label=f"{number}-{start}"))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads)

    accepted = {value["task_id"] for is_error, value in outcomes if not is_error}
    refusals = [value for is_error, value in outcomes if is_error]
    assert len(outcomes) == clients * starts_each
    assert len(accepted) == limit
    assert all(f"{limit} tasks are already pending or running" in message for message in refusals)
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM tasks")}
    assert stored == accepted, "a refused start leaves no record"
