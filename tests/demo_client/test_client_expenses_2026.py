"""The reference client against the expense demo server in both protocol revisions.

On 2025-11-25 the server asks its questions as requests on the call's stream; on 2026-07-28 it
asks them as input requests of a multi round-trip call, answered by replay. Every handler is
used: scripted answers, the terminal form fed with keys, the offline sampler, the rejecting
sampler. A restart of the server mid-session is recovered on 2025-11-25 (one new session, no
expense stored twice), and on 2026-07-28 a restart between two rounds of one flow completes
because both processes seal the state with the same keys (`MCP_REQUEST_STATE_KEYS`).
"""

from __future__ import annotations

import io

import anyio
import pytest
from rich.console import Console

import demo_client
from demo_client import RejectSampling, RequestFailed, ScriptedAnswers, TerminalForm

pytestmark = [pytest.mark.anyio, pytest.mark.e2e, pytest.mark.toolkit_server]

LEGACY = "2025-11-25"
MODERN = "2026-07-28"
BOTH = [
    LEGACY,
    pytest.param(MODERN, marks=pytest.mark.requires_revision(MODERN), id=MODERN),
]
ALIAS = "sam"
ANSWERS = [
    {"action": "accept", "content": {"amount": 23.4}},
    {"action": "accept", "content": {"description": "Train to Leeds"}},
    {"action": "accept", "content": {"category": "transport"}},
    {"action": "accept", "content": {"confirmed": True}},
]
#: Two keys of 32+ characters shared by every process of one server; the first seals.
STATE_KEYS = "expenses-state-key-" + "a" * 24 + ",expenses-state-key-" + "b" * 24


@pytest.fixture
def expenses(spawn_server, tmp_path):
    """Start the expense server on a throwaway SQLite store: `expenses(**env)`."""

    def start(**env: str):
        return spawn_server("demo_servers.expenses", "--store", f"sqlite:///{tmp_path / 'expenses.db'}", env=env)

    return start


def stored(result) -> dict:
    assert not result.is_error, result.content
    return result.structured_content


async def expense_count(client: demo_client.Client) -> int:
    listed = stored(await client.call_tool("list_expenses", {"user_alias": ALIAS}))
    return len(listed["expenses"])


@pytest.mark.parametrize("protocol", BOTH)
async def test_scripted_answers(expenses, protocol):
    answers = ScriptedAnswers(ANSWERS)
    async with demo_client.connect(expenses().url, elicitation=answers, protocol=protocol) as client:
        assert client.protocol_version == protocol
        added = stored(await client.call_tool("add_expense_interactive", {"user_alias": ALIAS}))
        assert await expense_count(client) == 1
    assert added["status"] == "stored"
    assert added["expense"]["amount"] == "23.40"
    assert answers.asked[3] == f'Store 23.40 for "Train to Leeds" under Transport for {ALIAS}?'


@pytest.mark.parametrize("protocol", BOTH)
async def test_the_terminal_form(expenses, protocol):
    # Each form: answer, its one field, send. The category is chosen by its option number.
    keys = io.StringIO("a\n12.5\ns\na\nLunch\ns\na\n1\ns\na\nyes\ns\n")
    screen = io.StringIO()
    form = TerminalForm(Console(file=screen, width=120, color_system=None), stream=keys)
    async with demo_client.connect(expenses().url, elicitation=form, protocol=protocol) as client:
        added = stored(await client.call_tool("add_expense_interactive", {"user_alias": ALIAS}))
    assert added["status"] == "stored"
    assert added["expense"]["amount"] == "12.50"
    assert "Lunch" in screen.getvalue()


@pytest.mark.parametrize("protocol", BOTH)
async def test_the_offline_sampler(expenses, protocol):
    async with demo_client.connect(expenses().url, elicitation=ScriptedAnswers(ANSWERS), protocol=protocol) as client:
        await client.call_tool("add_expense_interactive", {"user_alias": ALIAS})
        analysis = stored(await client.call_tool("analyze_spending", {"user_alias": ALIAS}))
    assert analysis["source"] == "client_llm"
    assert analysis["model"] == "offline-extractive"


async def test_the_rejecting_sampler_on_2025_gets_the_servers_computed_fallback(expenses):
    async with demo_client.connect(expenses().url, sampling=RejectSampling(), protocol=LEGACY) as client:
        analysis = stored(await client.call_tool("analyze_spending", {"user_alias": ALIAS}))
    assert analysis["source"] == "computed"
    assert "declined the LLM request" in analysis["label"]


@pytest.mark.requires_revision(MODERN)
async def test_the_rejecting_sampler_on_2026_ends_the_call_with_its_own_error(expenses):
    # An input response carries a result, never an error: a refusal cannot reach the server, so
    # the client ends the call itself with the handler's -1 and the server has nothing to fall back on.
    async with demo_client.connect(expenses().url, sampling=RejectSampling(), protocol=MODERN) as client:
        with pytest.raises(RequestFailed) as failed:
            await client.call_tool("analyze_spending", {"user_alias": ALIAS})
    assert failed.value.code == -1
    assert "rejected the sampling request" in failed.value.detail


async def test_a_restart_mid_session_on_2025_recovers_once_and_stores_nothing_twice(expenses):
    server = expenses()
    async with demo_client.connect(server.url, elicitation=ScriptedAnswers(ANSWERS * 2), protocol=LEGACY) as client:
        assert stored(await client.call_tool("add_expense_interactive", {"user_alias": ALIAS}))["status"] == "stored"
        await anyio.to_thread.run_sync(server.restart)
        assert stored(await client.call_tool("add_expense_interactive", {"user_alias": ALIAS}))["status"] == "stored"
        assert client.reinitializations == 1
        assert await expense_count(client) == 2


@pytest.mark.requires_revision(MODERN)
async def test_a_restart_between_two_rounds_on_2026_completes_with_shared_keys(expenses):
    server = expenses(MCP_REQUEST_STATE_KEYS=STATE_KEYS)
    answers = iter(ANSWERS)

    async def answer(request):
        if request.message.startswith("Which category"):
            # The state of the rounds so far was sealed by the process that is stopping now.
            await anyio.to_thread.run_sync(server.restart)
        return next(answers)

    async with demo_client.connect(server.url, elicitation=answer, protocol=MODERN) as client:
        added = stored(await client.call_tool("add_expense_interactive", {"user_alias": ALIAS}))
        assert added["status"] == "stored"
        assert await expense_count(client) == 1

