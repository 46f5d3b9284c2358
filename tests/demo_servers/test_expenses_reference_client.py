"""The expense demo through the reference client, as the README's demo runs it: offline, end to end."""

from __future__ import annotations

import pytest

from demo_client import Capabilities, RejectSampling, ScriptedAnswers, connect

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

ANSWERS = [
    {"action": "accept", "content": {"amount": 23.4}},
    {"action": "accept", "content": {"description": "Train to Leeds"}},
    {"action": "accept", "content": {"category": "transport"}},
    {"action": "accept", "content": {"confirmed": True}},
]


async def test_the_whole_demo_offline(expenses_server, alias):
    answers = ScriptedAnswers(ANSWERS)
    progress = []
    async with connect(expenses_server.url, elicitation=answers) as client:
        added = await client.call_tool("add_expense_interactive", {"user_alias": alias})
        analysis = await client.call_tool("analyze_spending", {"user_alias": alias})
        report = await client.call_tool(
            "generate_report", {"user_alias": alias}, on_progress=lambda p, total, message: progress.append(p)
        )

    assert added.structured_content["status"] == "stored"
    assert added.structured_content["expense"]["amount"] == "23.40"
    assert len(answers.asked) == 4
    assert answers.asked[3] == f'Store 23.40 for "Train to Leeds" under Transport for {alias}?'
    # The reference client samples with its offline summariser by default.
    assert analysis.structured_content["source"] == "client_llm"
    assert analysis.structured_content["model"] == "offline-extractive"
    assert analysis.structured_content["text"]
    assert report.structured_content["total_spent"] == "23.40"
    assert progress == [1, 2, 3, 4]


async def test_the_demo_with_a_client_that_declares_nothing(expenses_server, alias):
    async with connect(expenses_server.url, capabilities=Capabilities.parse("none")) as client:
        refused = await client.call_tool("add_expense_interactive", {"user_alias": alias})
        added = await client.call_tool(
            "add_expense", {"user_alias": alias, "amount": "9.99", "description": "Book", "category": "other"}
        )
        analysis = await client.call_tool("analyze_spending", {"user_alias": alias})

    assert refused.is_error and "Nothing was stored" in refused.text
    assert not added.is_error
    assert analysis.structured_content["source"] == "computed"
    assert analysis.structured_content["label"].startswith("Computed summary")


async def test_a_user_who_rejects_sampling_gets_the_computed_summary(expenses_server, alias):
    async with connect(expenses_server.url, sampling=RejectSampling()) as client:
        analysis = await client.call_tool("analyze_spending", {"user_alias": alias})
    assert analysis.structured_content["source"] == "computed"
    assert "declined the LLM request" in analysis.structured_content["label"]
