"""`add_expense_interactive` over real HTTP: every elicitation path, answered by a scripted user."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mcp.types import ElicitRequestParams, ElicitResult
from sdk_compat import SDK_LINE, is_error, structured, text_of, to_wire
from wire import headers, initialize, parse_sse, request

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

STEPS = ["amount", "description", "category", "confirmation"]
GOOD_ANSWERS: list[dict[str, Any]] = [
    {"amount": 12.5},
    {"description": "Lunch with Sam"},
    {"category": "food"},
    {"confirmed": True},
]


class ScriptedUser:
    """An elicitation callback that gives the scripted answers in order and records each question."""

    def __init__(self, *answers: ElicitResult) -> None:
        self.answers = list(answers)
        #: The questions' params in wire form.
        self.questions: list[dict[str, Any]] = []

    async def __call__(self, context, params: ElicitRequestParams) -> ElicitResult:
        self.questions.append(to_wire(params))
        assert self.answers, f"asked more than scripted: {self.questions[-1]['message']!r}"
        return self.answers.pop(0)

    def fields(self) -> list[list[str]]:
        return [list(q["requestedSchema"]["properties"]) for q in self.questions]


def accept(content: dict[str, Any]) -> ElicitResult:
    return ElicitResult(action="accept", content=content)


async def run(server, connect, user: ScriptedUser, alias: str) -> tuple[Any, list[dict]]:
    """Call the tool, then list what was stored for `alias`."""
    async with connect(server.url, elicitation_callback=user) as session:
        result = await session.call_tool("add_expense_interactive", {"user_alias": alias})
        listed = await session.call_tool("list_expenses", {"user_alias": alias})
    return result, structured(listed)["expenses"]


async def test_accepting_every_step_stores_the_expense(expenses_server, connect, alias):
    user = ScriptedUser(*map(accept, GOOD_ANSWERS))

    result, stored = await run(expenses_server, connect, user, alias)

    outcome = structured(result)
    assert outcome["status"] == "stored"
    assert outcome["message"] == 'Stored 12.50 for "Lunch with Sam" under Food & groceries.'
    assert outcome["expense"]["amount"] == "12.50"
    assert [(e["amount"], e["description"], e["category"]) for e in stored] == [("12.50", "Lunch with Sam", "food")]
    assert user.fields() == [["amount"], ["description"], ["category"], ["confirmed"]]
    assert user.questions[1]["message"] == "What were the 12.50 for?"
    assert user.questions[3]["message"] == f'Store 12.50 for "Lunch with Sam" under Food & groceries for {alias}?'


async def test_the_forms_are_flat_typed_and_titled(expenses_server, connect, alias):
    user = ScriptedUser(*map(accept, GOOD_ANSWERS))

    await run(expenses_server, connect, user, alias)

    amount, description, category, confirmation = (q["requestedSchema"]["properties"] for q in user.questions)
    assert amount["amount"]["type"] == "number"
    assert description["description"] == {
        "type": "string",
        "title": "Description",
        "description": "What the money was spent on",
        "minLength": 1,
        "maxLength": 200,
    }
    assert category["category"]["oneOf"] == [
        {"const": "food", "title": "Food & groceries"},
        {"const": "transport", "title": "Transport"},
        {"const": "bills", "title": "Bills & utilities"},
        {"const": "entertainment", "title": "Entertainment"},
        {"const": "other", "title": "Other"},
    ]
    assert confirmation["confirmed"]["type"] == "boolean"


@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_declining_or_cancelling_any_step_stores_nothing(expenses_server, connect, action):
    # One server for all four steps keeps the test fast; each step uses its own user.
    for stop_at, step in enumerate(STEPS):
        alias = f"user-{action}-{step}"
        user = ScriptedUser(*map(accept, GOOD_ANSWERS[:stop_at]), ElicitResult(action=action))

        result, stored = await run(expenses_server, connect, user, alias)

        outcome = structured(result)
        assert outcome["status"] == {"decline": "declined", "cancel": "cancelled"}[action], step
        assert outcome["step"] == step
        assert outcome["expense"] is None
        assert f"at the {step} step; nothing was stored" in outcome["message"]
        assert len(user.questions) == stop_at + 1, f"a question came after the {step} step was stopped"
        assert stored == [], step


class DefaultsUser(ScriptedUser):
    """Gives the scripted answers, then accepts every further form exactly as shown: its defaults."""

    async def __call__(self, context, params: ElicitRequestParams) -> ElicitResult:
        if self.answers:
            return await super().__call__(context, params)
        self.questions.append(to_wire(params))
        properties = self.questions[-1]["requestedSchema"]["properties"]
        return accept({key: prop["default"] for key, prop in properties.items() if "default" in prop})


async def test_accepting_the_confirmation_as_shown_stores_exactly_one_expense(expenses_server, connect, alias):
    user = DefaultsUser(*map(accept, GOOD_ANSWERS[:3]))

    result, stored = await run(expenses_server, connect, user, alias)

    assert structured(result)["status"] == "stored", to_wire(result)
    assert [(e["amount"], e["description"]) for e in stored] == [("12.50", "Lunch with Sam")]
    assert len(user.questions) == len(STEPS)


async def test_accepting_the_confirmation_without_content_fields_stores_it(expenses_server, connect, alias):
    # Some clients send only the fields the user touched.
    user = ScriptedUser(*map(accept, GOOD_ANSWERS[:3]), accept({}))

    result, stored = await run(expenses_server, connect, user, alias)

    assert structured(result)["status"] == "stored"
    assert len(stored) == 1


async def test_an_unticked_confirmation_stores_nothing(expenses_server, connect, alias):
    user = ScriptedUser(*map(accept, GOOD_ANSWERS[:3]), accept({"confirmed": False}))

    result, stored = await run(expenses_server, connect, user, alias)

    assert structured(result)["status"] == "not_confirmed"
    assert "nothing was stored" in structured(result)["message"]
    assert stored == []


INVALID_ANSWERS = [
    (0, {"amount": -5}, "amount"),
    (0, {"amount": 0}, "amount"),
    (0, {"amount": 12.345}, "decimal places"),
    (0, {"amount": "twelve"}, "amount"),
    (0, {"amount": 2_000_000}, "amount"),
    (1, {"description": "   "}, "only spaces"),
    (1, {"description": "x" * 201}, "description"),
    (2, {"category": "groceries"}, "category"),
    (3, {"confirmed": "yes please"}, "confirmed"),
]


async def test_an_invalid_answer_is_asked_again(expenses_server, connect):
    for case, (step, bad, problem) in enumerate(INVALID_ANSWERS):
        answers = [*GOOD_ANSWERS[:step], bad, *GOOD_ANSWERS[step:]]
        user = ScriptedUser(*map(accept, answers))

        result, stored = await run(expenses_server, connect, user, f"user-{case}")

        assert structured(result)["status"] == "stored", bad
        assert len(stored) == 1, bad
        assert len(user.questions) == len(STEPS) + 1, bad
        first, again = user.questions[step], user.questions[step + 1]
        assert list(first["requestedSchema"]["properties"]) == list(again["requestedSchema"]["properties"])
        assert again["message"].startswith("Your last answer could not be used"), bad
        assert problem in again["message"], (bad, again["message"])
        assert again["message"].endswith(first["message"]), "the original question is repeated"


async def test_amounts_stay_exact(expenses_server, connect, alias):
    user = ScriptedUser(accept({"amount": 0.1}), *map(accept, GOOD_ANSWERS[1:]))

    result, stored = await run(expenses_server, connect, user, alias)

    assert structured(result)["expense"]["amount"] == "0.10"
    assert stored[0]["amount"] == "0.10"


async def test_answers_that_stay_invalid_end_with_a_clear_error(expenses_server, connect, alias):
    user = ScriptedUser(accept({"amount": -1}), accept({"amount": -2}), accept({"amount": -3}))

    result, stored = await run(expenses_server, connect, user, alias)

    assert is_error(result)
    text = text_of(result)
    assert "stayed invalid after 3 tries" in text
    assert "Nothing was stored" in text
    assert stored == []


async def test_a_client_without_elicitation_gets_a_clear_error(expenses_server, connect, alias):
    async with connect(expenses_server.url) as session:
        result = await session.call_tool("add_expense_interactive", {"user_alias": alias})
        listed = await session.call_tool("list_expenses", {"user_alias": alias})

    assert is_error(result)
    text = text_of(result)
    assert "did not declare" in text and "add_expense(" in text and "Nothing was stored" in text
    assert structured(listed)["count"] == 0


async def test_a_bad_alias_is_refused_before_any_question(expenses_server, connect):
    user = ScriptedUser()

    async with connect(expenses_server.url, elicitation_callback=user) as session:
        result = await session.call_tool("add_expense_interactive", {"user_alias": "not valid"})

    assert is_error(result)
    assert "user_alias" in text_of(result)
    assert user.questions == []


# --- a client that never answers --------------------------------------------------------------------


def sse_messages(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """JSON-RPC messages of a streamed SSE response, as each event completes."""
    lines: list[str] = []
    for line in response.iter_lines():
        if line:
            lines.append(line)
            continue
        yield from (event.json() for event in parse_sse(lines) if event.data)
        lines = []


def test_an_unanswered_question_ends_at_the_configured_timeout(spawn_server, sqlite_url, alias):
    server = spawn_server("demo_servers.expenses", "--store", sqlite_url, env={"MCP_ELICITATION_TIMEOUT": "0.5"})
    call = request("tools/call", {"name": "add_expense_interactive", "arguments": {"user_alias": alias}}, id=7)
    # The read timeout bounds the wait: a server that never gives up fails here.
    with httpx.Client(timeout=httpx.Timeout(10)) as client:
        session_id = initialize(client, server.url, {"elicitation": {"form": {}}})
        with client.stream("POST", server.url, json=call, headers=headers(session_id)) as response:
            stream = sse_messages(response)
            asked, cancelled, result = next(stream), next(stream), next(stream)
        listing = request("tools/call", {"name": "list_expenses", "arguments": {"user_alias": alias}}, id=8)
        with client.stream("POST", server.url, json=listing, headers=headers(session_id)) as response:
            listed = next(sse_messages(response))

    assert asked["method"] == "elicitation/create"
    assert cancelled["method"] == "notifications/cancelled"
    # mcp 2.x sends its own wording of the reason.
    reason = "no answer within 0.5 s" if SDK_LINE == 1 else "timed out after 0.5s"
    assert cancelled["params"] == {"requestId": asked["id"], "reason": reason}
    outcome = result["result"]["structuredContent"]
    assert (result["id"], outcome["status"], outcome["step"]) == (7, "cancelled", "amount")
    assert outcome["message"] == "No answer came at the amount step (no answer within 0.5 s); nothing was stored."
    assert json.loads(listed["result"]["content"][0]["text"])["count"] == 0
