"""The expense server in memory: its tool surface, and the server-side fallback model."""

from __future__ import annotations

import pytest
from harness import in_memory_client
from sdk_compat import structured, to_wire

import toolkit
from demo_servers.expenses.server import create_server
from demo_servers.expenses.store import open_expense_store

pytestmark = pytest.mark.anyio

TOOLS = {
    "add_expense",
    "add_expense_interactive",
    "analyze_spending",
    "client_capabilities",
    "generate_report",
    "get_balance",
    "list_expenses",
    "set_budget",
}


@pytest.fixture
def store(tmp_path):
    return open_expense_store(f"sqlite:///{tmp_path / 'expenses.db'}")


async def test_every_tool_has_structured_output(store):
    async with in_memory_client(create_server(store)) as session:
        tools = (await session.list_tools()).tools

    assert {tool.name for tool in tools} == TOOLS
    for tool in tools:
        assert to_wire(tool).get("outputSchema") is not None, f"{tool.name} lost its structured output"
        assert tool.description, tool.name


async def test_money_arguments_accept_numbers_and_strings(store):
    async with in_memory_client(create_server(store)) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}

    schema = to_wire(tools["add_expense"])["inputSchema"]
    amount = schema["properties"]["amount"]
    assert {"number", "string"} <= {option.get("type") for option in amount["anyOf"]}
    assert schema["required"] == ["user_alias", "amount", "description", "category"]


async def test_a_server_fallback_model_answers_clients_that_cannot_sample(store):
    # The server's own sampler answers (a BedrockSampler in production, offline here).
    server = create_server(store, fallback_sampler=toolkit.OfflineSampler())
    async with in_memory_client(server) as session:
        await session.call_tool(
            "add_expense",
            {
                "user_alias": "alice",
                "amount": 30,
                "description": "dinner",
                "category": "food",
                "spent_on": "2025-04-02",
            },
        )
        result = await session.call_tool("analyze_spending", {"user_alias": "alice", "month": "2025-04"})

    analysis = structured(result)
    assert analysis["source"] == "server_llm"
    assert analysis["model"] == "offline-extractive"
    assert analysis["label"] == "Written by the server's fallback model offline-extractive (the client cannot sample)."
    assert analysis["text"]
