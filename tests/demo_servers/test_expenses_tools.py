"""The expense server's direct tools over real HTTP: add, list, budgets, balance, capabilities."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from sdk_compat import structured, to_wire

from demo_servers.expenses.dynamodb_store import create_expense_table, dynamodb_client

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]


def ok(result: Any) -> dict:
    content = structured(result)
    assert content is not None
    return content


def error_text(result: Any) -> str:
    wire = to_wire(result)
    assert wire.get("isError")
    return " ".join(block.get("text", "") for block in wire["content"])


async def test_add_then_list_keeps_exact_amounts(expenses_server, connect):
    async with connect(expenses_server.url) as session:
        first = ok(
            await session.call_tool(
                "add_expense", {"user_alias": "alice", "amount": 0.1, "description": "gum", "category": "food"}
            )
        )
        ok(
            await session.call_tool(
                "add_expense",
                {
                    "user_alias": "alice",
                    "amount": "0.20",
                    "description": "bus",
                    "category": "transport",
                    "spent_on": "2025-03-04",
                },
            )
        )
        listed = ok(await session.call_tool("list_expenses", {"user_alias": "alice"}))

    assert first["amount"] == "0.10"
    assert listed["count"] == 2
    assert listed["total"] == "0.30"
    assert [e["description"] for e in listed["expenses"]] == ["gum", "bus"]
    assert listed["expenses"][1]["spent_on"] == "2025-03-04"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"amount": -5}, "greater than zero"),
        ({"amount": 0}, "greater than zero"),
        ({"amount": "12.345"}, "more than two decimal places"),
        ({"description": "   "}, "must not be empty"),
        ({"category": "groceries"}, "category"),
        ({"user_alias": "no spaces"}, "user_alias"),
    ],
)
async def test_bad_input_is_refused_and_stores_nothing(expenses_server, connect, arguments, problem):
    valid = {"user_alias": "bob", "amount": 5, "description": "tea", "category": "food"}
    async with connect(expenses_server.url) as session:
        refused = await session.call_tool("add_expense", {**valid, **arguments})
        listed = ok(await session.call_tool("list_expenses", {"user_alias": "bob"}))

    assert problem in error_text(refused)
    assert listed["count"] == 0


async def test_budgets_and_balance(expenses_server, connect):
    async with connect(expenses_server.url) as session:
        ok(await session.call_tool("set_budget", {"user_alias": "carol", "monthly_limit": 100}))
        budget = ok(
            await session.call_tool("set_budget", {"user_alias": "carol", "monthly_limit": "20.00", "category": "food"})
        )
        for amount, category, day in [
            ("15.50", "food", "2025-05-02"),
            ("9.99", "food", "2025-05-20"),
            ("30", "bills", "2025-05-03"),
            ("70", "bills", "2025-06-01"),
        ]:
            ok(
                await session.call_tool(
                    "add_expense",
                    {
                        "user_alias": "carol",
                        "amount": amount,
                        "description": "x",
                        "category": category,
                        "spent_on": day,
                    },
                )
            )
        balance = ok(await session.call_tool("get_balance", {"user_alias": "carol", "month": "2025-05"}))

    assert budget == {"user_alias": "carol", "category": "food", "monthly_limit": "20.00"}
    assert balance["month"] == "2025-05"
    assert balance["total_spent"] == "55.49"
    assert balance["expense_count"] == 3
    assert balance["by_category"]["food"] == "25.49"
    assert balance["by_category"]["entertainment"] == "0.00"
    overall, food = balance["budgets"]
    assert overall == {
        "category": "all",
        "monthly_limit": "100.00",
        "spent": "55.49",
        "remaining": "44.51",
        "over_budget": False,
    }
    assert food == {
        "category": "food",
        "monthly_limit": "20.00",
        "spent": "25.49",
        "remaining": "-5.49",
        "over_budget": True,
    }


async def test_balance_month_must_be_well_formed(expenses_server, connect):
    async with connect(expenses_server.url) as session:
        refused = await session.call_tool("get_balance", {"user_alias": "dave", "month": "May 2025"})
    assert "YYYY-MM" in error_text(refused)


async def test_expenses_survive_a_server_restart(own_expenses_server, connect):
    async with connect(own_expenses_server.url) as session:
        ok(
            await session.call_tool(
                "add_expense", {"user_alias": "erin", "amount": "42.00", "description": "shoes", "category": "other"}
            )
        )
    own_expenses_server.restart(hard=True)
    async with connect(own_expenses_server.url) as session:
        listed = ok(await session.call_tool("list_expenses", {"user_alias": "erin"}))
    assert [(e["description"], e["amount"]) for e in listed["expenses"]] == [("shoes", "42.00")]


async def test_dynamodb_store_over_http(spawn_server, dynamodb_endpoint, connect):
    table = f"e2e-{uuid.uuid4().hex[:12]}"
    create_expense_table(table, dynamodb_client(endpoint_url=dynamodb_endpoint))
    server = spawn_server("demo_servers.expenses", "--store", f"dynamodb://{table}?endpoint_url={dynamodb_endpoint}")

    async with connect(server.url) as session:
        ok(
            await session.call_tool(
                "add_expense", {"user_alias": "frank", "amount": "3.30", "description": "coffee", "category": "food"}
            )
        )
        listed = ok(await session.call_tool("list_expenses", {"user_alias": "frank"}))

    assert listed["total"] == "3.30"
    item = dynamodb_client(endpoint_url=dynamodb_endpoint).scan(TableName=table)["Items"][0]
    assert item["pk"] == {"S": "USER#frank"}
    assert set(item["amount"]) == {"N"}, "stored as a DynamoDB number, not a string"
    assert Decimal(item["amount"]["N"]) == Decimal("3.30")


async def test_missing_dynamodb_table_is_a_clear_tool_error(spawn_server, dynamodb_endpoint, connect):
    server = spawn_server(
        "demo_servers.expenses", "--store", f"dynamodb://absent-table?endpoint_url={dynamodb_endpoint}"
    )
    async with connect(server.url) as session:
        refused = await session.call_tool("list_expenses", {"user_alias": "gina"})
    assert "--create-table" in error_text(refused)


async def test_client_capabilities_reports_what_was_declared(expenses_server, connect):
    async def elicit(context, params):  # declares elicitation; never called by this tool
        raise AssertionError("not expected")

    async with connect(expenses_server.url) as session:
        bare = ok(await session.call_tool("client_capabilities", {}))
    async with connect(expenses_server.url, elicitation_callback=elicit) as session:
        eliciting = ok(await session.call_tool("client_capabilities", {}))

    assert bare["client"]["elicitation_form"] is False
    assert bare["client"]["sampling"] is False
    statuses = {t["tool"]: t["status"] for t in bare["tools"]}
    assert statuses == {
        "add_expense_interactive": "refuses",
        "analyze_spending": "falls back",
        "generate_report": "works",
    }
    assert eliciting["client"]["elicitation_form"] is True
    assert {t["tool"]: t["status"] for t in eliciting["tools"]}["add_expense_interactive"] == "works"
