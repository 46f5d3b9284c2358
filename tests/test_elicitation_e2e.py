"""Elicitation end to end: a real server process, real HTTP, and a scripted user in a real client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import pytest
from harness import TEST_SERVERS, ServerProcess
from mcp import types
from sdk_compat import SDK_LINE, McpError, error_of, open_http_session, text_of, to_wire, wire_callbacks
from wire import headers, initialize, parse_sse, request

from toolkit.elicitation import check_requested_schema

pytestmark = [pytest.mark.e2e]

SCRIPT = str(TEST_SERVERS / "elicitation_server.py")
HTTP_TIMEOUT = httpx.Timeout(30, read=60)
FORM_AND_URL = {"form": {}, "url": {}}
URL_ONLY = {"url": {}}
FORM_ONLY_LEGACY: dict[str, Any] = {}
GOOD_EXPENSE = {"amount": 12.5, "description": "Lunch", "category": "food", "tags": ["work"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the module: each test opens its own session, so tests stay independent."""
    proc = ServerProcess(SCRIPT, log_path=tmp_path_factory.mktemp("elicitation") / "server.log").start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def configured_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The same server with a small server-wide elicitation timeout."""
    log = tmp_path_factory.mktemp("elicitation-timeout") / "server.log"
    proc = ServerProcess(SCRIPT, env={"MCP_ELICITATION_TIMEOUT": "0.3"}, log_path=log).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The same server requiring bearer tokens, so elicitations belong to real users."""
    log = tmp_path_factory.mktemp("elicitation-auth") / "server.log"
    proc = ServerProcess(SCRIPT, ["--auth"], log_path=log).start()
    yield proc
    proc.stop()


# --- the client side -------------------------------------------------------------------------------


@dataclass
class ScriptedUser:
    """An elicitation callback that answers from a script and records every request."""

    replies: list[types.ElicitResult | types.ErrorData] = field(default_factory=list)
    #: The requests' params in wire form.
    asked: list[dict[str, Any]] = field(default_factory=list)
    agreed_to_open: anyio.Event = field(default_factory=anyio.Event)

    async def __call__(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult | types.ErrorData:
        self.asked.append(to_wire(params))
        reply = self.replies.pop(0)
        if self.asked[-1].get("mode") == "url" and getattr(reply, "action", None) == "accept":
            self.agreed_to_open.set()
        return reply

    async def url_to_open(self) -> str:
        with anyio.fail_after(10):
            await self.agreed_to_open.wait()
        asked = self.asked[-1]
        assert asked["mode"] == "url"
        return asked["url"]


def accept(content: dict[str, Any] | None = None) -> types.ElicitResult:
    return types.ElicitResult(action="accept", content=content)


@dataclass
class Inbox:
    """Keeps every server notification, in wire form."""

    notifications: list[dict[str, Any]] = field(default_factory=list)
    arrived: anyio.Event = field(default_factory=anyio.Event)

    def __call__(self, notification: dict[str, Any]) -> None:
        self.notifications.append(notification)
        self.arrived.set()
        self.arrived = anyio.Event()

    def of(self, method: str) -> list[dict[str, Any]]:
        return [note for note in self.notifications if note["method"] == method]


@asynccontextmanager
async def connect(
    url: str,
    user: ScriptedUser,
    declared: dict[str, Any] | None = FORM_AND_URL,
    token: str | None = None,
    inbox: Inbox | None = None,
) -> AsyncIterator[Any]:
    """A client with a callback that records anything the server sends, declaring exactly `declared`."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    callbacks = wire_callbacks(notification=inbox) if inbox is not None else {}
    declare = {"elicitation": declared}
    async with open_http_session(url, headers=auth, declare=declare, elicitation_callback=user, **callbacks) as session:
        yield session


async def call(session: Any, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not to_wire(result).get("isError"), to_wire(result)
    return json.loads(text_of(result))


async def call_error(session: Any, tool: str, **arguments: Any) -> str:
    result = await session.call_tool(tool, arguments)
    assert to_wire(result).get("isError"), to_wire(result)
    return text_of(result)


# --- form mode --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_accepted_answer_comes_back_typed(server):
    user = ScriptedUser([accept({**GOOD_EXPENSE, "spent_on": "2025-03-01"})])
    async with connect(server.url, user) as session:
        answer = await call(session, "record_expense")
    assert answer == {
        "action": "accept",
        "data": {
            "amount": "12.5",
            "description": "Lunch",
            "category": "food",
            "tags": ["work"],
            "spent_on": "2025-03-01",
        },
    }
    (asked,) = user.asked
    assert asked.get("mode", "form") == "form"
    check_requested_schema(asked["requestedSchema"])
    assert asked["requestedSchema"]["required"] == ["amount", "description", "category"]
    assert asked["requestedSchema"]["properties"]["category"]["oneOf"][0] == {"const": "food", "title": "Food & drink"}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (types.ElicitResult(action="decline"), {"action": "decline"}),
        (types.ElicitResult(action="cancel"), {"action": "cancel", "reason": "the user cancelled", "timed_out": False}),
    ],
)
async def test_decline_and_cancel_are_outcomes(server, reply, expected):
    user = ScriptedUser([reply])
    async with connect(server.url, user) as session:
        assert await call(session, "record_expense") == expected
    assert len(user.asked) == 1


@pytest.mark.anyio
async def test_invalid_answer_is_asked_again_then_accepted(server):
    bad = {"amount": -5, "description": "Taxi", "category": "travel", "note": "x", "spent_on": 20250301}
    user = ScriptedUser([accept(bad), accept({"amount": 30, "description": "Taxi", "category": "transport"})])
    async with connect(server.url, user) as session:
        answer = await call(session, "record_expense")
    assert answer["action"] == "accept" and answer["data"]["category"] == "transport"
    _, second = user.asked
    assert second.get("mode", "form") == "form"
    for line in (
        "- amount: should be greater than 0 (you sent -5)",
        "- category: must be one of 'food', 'transport', 'bills', 'entertainment', 'other', not 'travel'",
        "- note: is not a field of this form",
        "- spent_on: must be text, not a number",
        "(attempt 2 of 3)",
    ):
        assert line in second["message"]
    assert second["message"].endswith("Tell me about the expense.")
    # What the user got right is offered again, so nothing they typed is lost.
    assert second["requestedSchema"]["properties"]["description"]["default"] == "Taxi"
    assert "default" not in second["requestedSchema"]["properties"]["amount"]


@pytest.mark.anyio
async def test_a_multi_select_answer_with_a_repeated_option_is_asked_again(server):
    repeated = {**GOOD_EXPENSE, "tags": ["work", "trip", "work"]}
    user = ScriptedUser([accept(repeated), accept(GOOD_EXPENSE)])
    async with connect(server.url, user) as session:
        answer = await call(session, "record_expense")
    assert answer["data"]["tags"] == ["work"]
    _, again = user.asked
    assert "- tags: 'work' chosen more than once; choose each option at most once" in again["message"]
    # The spec's multi-select has no uniqueItems, so the schema does not claim it.
    assert "uniqueItems" not in again["requestedSchema"]["properties"]["tags"]
    assert again["requestedSchema"]["properties"]["description"]["default"] == "Lunch"


@pytest.mark.anyio
async def test_accept_without_content_is_asked_again(server):
    user = ScriptedUser([accept(None), accept(GOOD_EXPENSE)])
    async with connect(server.url, user) as session:
        answer = await call(session, "record_expense")
    assert answer["action"] == "accept"
    assert "the answer was accepted but carried no content" in user.asked[1]["message"]


@pytest.mark.anyio
async def test_attempts_exhausted_ends_the_tool_call_with_the_problems(server):
    user = ScriptedUser([accept({"amount": "ten"}), accept({"amount": 0, "description": "x", "category": "food"})])
    async with connect(server.url, user) as session:
        error = await call_error(session, "record_expense", max_attempts=2)
    assert len(user.asked) == 2
    assert "still invalid after 2 attempt(s): amount: should be greater than 0 (you sent 0)" in error
    assert "Raise max_attempts" in error


# --- capabilities -----------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("declared", "tool", "capability"),
    [
        (None, "record_expense", "elicitation.form"),
        (URL_ONLY, "record_expense", "elicitation.form"),
        (None, "link_account", "elicitation.url"),
        (FORM_ONLY_LEGACY, "link_account", "elicitation.url"),
    ],
)
async def test_nothing_is_sent_in_a_mode_the_client_did_not_declare(server, declared, tool, capability):
    user = ScriptedUser()
    async with connect(server.url, user, declared=declared) as session:
        error = await call_error(session, tool)
    assert f"did not declare the '{capability}' capability" in error
    assert user.asked == []


# --- multi-step flow --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_flow_passes_each_answer_to_the_next_step(server):
    user = ScriptedUser(
        [
            accept({"amount": 42}),
            accept({"description": "Concert"}),
            accept({"category": "entertainment"}),
            accept({"confirmed": True}),
        ]
    )
    async with connect(server.url, user) as session:
        answer = await call(session, "add_expense_interactive")
    assert answer == {"stored": True, "steps": ["amount", "description", "category", "confirm"], "amount": "42"}
    assert [asked["message"] for asked in user.asked] == [
        "How much did you spend?",
        "What did you spend 42 EUR on?",
        "Which category is 'Concert'?",
        "Store 42 EUR for 'Concert' under entertainment?",
    ]


@pytest.mark.anyio
async def test_flow_stops_at_the_first_decline_and_names_the_step(server):
    user = ScriptedUser(
        [accept({"amount": 9.99}), accept({"description": "Bus"}), types.ElicitResult(action="decline")]
    )
    async with connect(server.url, user) as session:
        answer = await call(session, "add_expense_interactive")
    assert answer == {"stopped_at": "category", "action": "decline"}
    assert len(user.asked) == 3


# --- URL mode ---------------------------------------------------------------------------------------


async def open_in_browser(url: str, token: str | None = None) -> httpx.Response:
    """Play the browser: load the page, which finishes its out-of-band step."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(headers=auth, timeout=HTTP_TIMEOUT) as browser:
        return await browser.post(url)


async def open_when_agreed(user: ScriptedUser, token: str | None = None) -> httpx.Response:
    return await open_in_browser(await user.url_to_open(), token)


@pytest.mark.anyio
async def test_url_mode_completes_with_a_notification(server):
    user = ScriptedUser([accept()])
    inbox = Inbox()
    async with connect(server.url, user, declared=URL_ONLY, inbox=inbox) as session, anyio.create_task_group() as tg:
        tg.start_soon(open_when_agreed, user)
        answer = await call(session, "link_account")
    (asked,) = user.asked
    assert asked["mode"] == "url"
    assert answer == {"action": "accept", "elicitation_id": asked["elicitationId"], "finished": True}
    assert asked["url"].endswith(f"/oob/finish?elicitation={asked['elicitationId']}")
    (complete,) = inbox.of("notifications/elicitation/complete")
    assert complete["params"]["elicitationId"] == asked["elicitationId"]


@pytest.mark.anyio
async def test_url_mode_decline(server):
    user = ScriptedUser([types.ElicitResult(action="decline")])
    async with connect(server.url, user, declared=URL_ONLY) as session:
        assert await call(session, "link_account") == {"action": "decline"}


async def wait_for_standalone_stream(session: Any, inbox: Inbox) -> None:
    """Probe until a notification sent outside any request arrives on the GET stream."""
    for _ in range(50):
        await session.call_tool("probe_standalone", {})
        with anyio.move_on_after(0.2):
            while not inbox.of("notifications/resources/list_changed"):
                await inbox.arrived.wait()
            return
    raise AssertionError("the standalone SSE stream never delivered a notification")


@pytest.mark.anyio
async def test_url_elicitation_required_error_then_retry(server):
    user = ScriptedUser()
    inbox = Inbox()
    async with connect(server.url, user, declared=URL_ONLY, inbox=inbox) as session:
        await wait_for_standalone_stream(session, inbox)
        with pytest.raises(McpError) as caught:
            await session.call_tool("connect_service", {})
        error = error_of(caught.value)
        assert error["code"] == -32042
        (required,) = error["data"]["elicitations"]
        assert required["message"] == "Authorize access to the service."
        assert (await open_in_browser(required["url"])).status_code == 200
        with anyio.fail_after(10):
            while not inbox.of("notifications/elicitation/complete"):
                await inbox.arrived.wait()
        complete = inbox.of("notifications/elicitation/complete")[0]
        assert complete["params"]["elicitationId"] == required["elicitationId"]
        retried = await session.call_tool("connect_service", {})
    assert text_of(retried) == "connected as None"
    assert user.asked == []


@pytest.mark.anyio
async def test_url_elicitation_belongs_to_the_user_who_started_it(auth_server):
    user = ScriptedUser([accept()])
    async with (
        connect(auth_server.url, user, declared=URL_ONLY, token="alice-token") as session,
        anyio.create_task_group() as tg,
    ):

        async def browsers() -> None:
            # Bob got hold of Alice's link: the page must refuse him and leave hers open.
            url = await user.url_to_open()
            assert (await open_in_browser(url, token="bob-token")).status_code == 404
            assert (await open_in_browser(url, token="alice-token")).status_code == 200

        tg.start_soon(browsers)
        answer = await call(session, "link_account")
    assert answer["finished"] is True


# --- the raw wire: timeouts and malformed answers ----------------------------------------------------


def sse_messages(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """JSON-RPC messages of a streamed SSE response, as each event completes."""
    lines: list[str] = []
    for line in response.iter_lines():
        if line:
            lines.append(line)
            continue
        for event in parse_sse(lines):
            if event.data:
                yield event.json()
        lines = []


def call_payload(tool: str, **arguments: Any) -> dict[str, Any]:
    return request("tools/call", {"name": tool, "arguments": arguments}, id=7)


def call_unanswered(url: str, tool: str, **arguments: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Call `tool` and never answer: the elicitation request, its cancellation, the call's result.

    The read timeout bounds the wait, so a server that never gives up fails the test.
    """
    with httpx.Client(timeout=httpx.Timeout(10)) as client:
        session_id = initialize(client, url, {"elicitation": {"form": {}}})
        with client.stream("POST", url, json=call_payload(tool, **arguments), headers=headers(session_id)) as response:
            stream = sse_messages(response)
            return next(stream), next(stream), next(stream)


def assert_timed_out(asked: dict[str, Any], cancelled: dict[str, Any], result: dict[str, Any], seconds: float) -> None:
    reason = f"no answer within {seconds} s"
    # mcp 2.x cancels on the wire itself, in its own words.
    on_the_wire = reason if SDK_LINE == 1 else f"timed out after {seconds}s"
    assert asked["method"] == "elicitation/create"
    assert cancelled == {
        "jsonrpc": "2.0",
        "method": "notifications/cancelled",
        "params": {"requestId": asked["id"], "reason": on_the_wire},
    }
    assert result["id"] == 7
    outcome = json.loads(result["result"]["content"][0]["text"])
    assert outcome == {"action": "cancel", "reason": reason, "timed_out": True}


def test_unanswered_elicitation_is_cancelled_on_the_wire(server):
    assert_timed_out(*call_unanswered(server.url, "record_expense", wait_seconds=0.5), 0.5)


def test_the_server_wide_timeout_bounds_an_elicitation_that_sets_none(configured_server):
    assert_timed_out(*call_unanswered(configured_server.url, "record_expense"), 0.3)


def test_a_timeout_given_in_the_call_wins_over_the_server_wide_one(configured_server):
    unanswered = call_unanswered(configured_server.url, "record_expense", wait_seconds=0.6)
    assert_timed_out(*unanswered, 0.6)


def test_a_malformed_answer_is_an_error_not_a_crash(server):
    with httpx.Client(timeout=httpx.Timeout(10)) as client:
        session_id = initialize(client, server.url, {"elicitation": {"form": {}}})
        with client.stream(
            "POST", server.url, json=call_payload("record_expense"), headers=headers(session_id)
        ) as response:
            stream = sse_messages(response)
            asked = next(stream)
            reply = {"jsonrpc": "2.0", "id": asked["id"], "result": {"action": "maybe"}}
            assert client.post(server.url, json=reply, headers=headers(session_id)).status_code == 202
            result = next(stream)
    assert result["result"]["isError"] is True
    assert "action 'maybe' is not one of accept, decline or cancel" in result["result"]["content"][0]["text"]


async def aiter_messages(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """JSON-RPC messages of a streamed SSE response, read asynchronously."""
    lines: list[str] = []
    async for line in response.aiter_lines():
        if line:
            lines.append(line)
            continue
        for event in parse_sse(lines):
            if event.data:
                yield event.json()
        lines = []


@pytest.mark.anyio
async def test_cancelling_the_tool_call_cancels_its_pending_elicitation(server):
    with httpx.Client(timeout=httpx.Timeout(10)) as sync_client:
        session_id = initialize(sync_client, server.url, {"elicitation": {"form": {}}})
    send, receive = anyio.create_memory_object_stream[dict[str, Any]](100)

    async def read_standalone_stream(client: httpx.AsyncClient) -> None:
        async with client.stream("GET", server.url, headers=headers(session_id)) as response:
            async for message in aiter_messages(response):
                await send.send(message)

    async def next_standalone(method: str, within: float) -> dict[str, Any] | None:
        with anyio.move_on_after(within):
            while (message := await receive.receive())["method"] != method:
                pass
            return message
        return None

    async with send, receive, httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client, anyio.create_task_group() as tg:
        tg.start_soon(read_standalone_stream, client)
        for attempt in range(50):
            probe = request("tools/call", {"name": "probe_standalone", "arguments": {}}, id=100 + attempt)
            await client.post(server.url, json=probe, headers=headers(session_id))
            if await next_standalone("notifications/resources/list_changed", 0.2):
                break
        else:
            raise AssertionError("the standalone SSE stream never opened")
        payload = call_payload("record_expense")
        async with client.stream("POST", server.url, json=payload, headers=headers(session_id)) as response:
            messages = aiter_messages(response)
            asked = await anext(messages)
            cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7}}
            await client.post(server.url, json=cancel, headers=headers(session_id))
            rest = [message async for message in messages]
        if SDK_LINE == 1:
            # The call's stream is closing meanwhile, so the toolkit uses the session's stream.
            cancelled = await next_standalone("notifications/cancelled", 10)
            reason = "the tool call was cancelled"
        else:
            # mcp 2.x cancels what the call awaited itself, in its own words, on the call's stream.
            cancelled = next((m for m in rest if m.get("method") == "notifications/cancelled"), None)
            reason = "caller cancelled"
        tg.cancel_scope.cancel()
    assert asked["method"] == "elicitation/create"
    assert rest[-1]["error"]["message"] == "Request cancelled"
    assert cancelled is not None
    assert cancelled["params"] == {"requestId": asked["id"], "reason": reason}
