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

    assert added.structuredContent["status"] == "stored"
    assert added.structuredContent["expense"]["amount"] == "23.40"
    assert len(answers.asked) == 4
    assert answers.asked[3] == f'Store 23.40 for "Train to Leeds" under Transport for {alias}?'
    # The reference client samples with its offline summariser by default.
    assert analysis.structuredContent["source"] == "client_llm"
    assert analysis.structuredContent["model"] == "offline-extractive"
    assert analysis.structuredContent["text"]
    assert report.structuredContent["total_spent"] == "23.40"
    assert progress == [1, 2, 3, 4]


async def test_the_demo_with_a_client_that_declares_nothing(expenses_server, alias):
    async with connect(expenses_server.url, capabilities=Capabilities.parse("none")) as client:
        refused = await client.call_tool("add_expense_interactive", {"user_alias": alias})
        added = await client.call_tool(
            "add_expense", {"user_alias": alias, "amount": "9.99", "description": "Book", "category": "other"}
        )
        analysis = await client.call_tool("analyze_spending", {"user_alias": alias})

    assert refused.isError and "Nothing was stored" in refused.content[0].text
    assert not added.isError
    assert analysis.structuredContent["source"] == "computed"
    assert analysis.structuredContent["label"].startswith("Computed summary")


async def test_a_user_who_rejects_sampling_gets_the_computed_summary(expenses_server, alias):
    async with connect(expenses_server.url, sampling=RejectSampling()) as client:
        analysis = await client.call_tool("analyze_spending", {"user_alias": alias})
    assert analysis.structuredContent["source"] == "computed"
    assert "declined the LLM request" in analysis.structuredContent["label"]
