"""`generate_report` over real HTTP: the report, and the progress sent while it is built."""

from __future__ import annotations

import pytest
from sdk_compat import is_error, structured, text_of

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

EXPENSES = [
    ("12.00", "groceries", "food", "2025-01-05"),
    ("30.00", "electricity", "bills", "2025-01-20"),
    ("8.50", "cinema", "entertainment", "2025-02-14"),
    ("4.25", "bus", "transport", "2025-03-01"),
]


async def add_expenses(session, alias: str) -> None:
    await session.call_tool("set_budget", {"user_alias": alias, "monthly_limit": 40})
    for amount, description, category, day in EXPENSES:
        result = await session.call_tool(
            "add_expense",
            {"user_alias": alias, "amount": amount, "description": description, "category": category, "spent_on": day},
        )
        assert not is_error(result)


async def test_report_sends_increasing_progress_and_covers_every_month(expenses_server, connect):
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    async with connect(expenses_server.url) as session:
        await add_expenses(session, "alice")
        result = await session.call_tool("generate_report", {"user_alias": "alice"}, progress_callback=on_progress)

    report = structured(result)
    assert not is_error(result)
    assert report["total_spent"] == "54.75"
    assert [m["month"] for m in report["months"]] == ["2025-01", "2025-02", "2025-03"]
    january = report["months"][0]
    assert january["total_spent"] == "42.00"
    assert january["budgets"][0]["over_budget"] is True
    assert "## 2025-01: 42.00 in 2 expense(s)" in report["text"]
    assert "- Budget (all): 42.00 of 40.00, over by 2.00" in report["text"]
    assert "- Transport: 4.25" in report["text"]

    # 3 fixed steps + 3 months, one notification each, strictly increasing, ending at the total.
    assert [u[0] for u in updates] == [1, 2, 3, 4, 5, 6]
    assert {u[1] for u in updates} == {6}
    assert [u[2] for u in updates] == [
        "Loaded 4 expense(s)",
        "Loaded 1 budget(s)",
        "Summarised 2025-01",
        "Summarised 2025-02",
        "Summarised 2025-03",
        "Report written",
    ]


async def test_report_without_a_progress_token_is_the_same(expenses_server, connect):
    async with connect(expenses_server.url) as session:
        await add_expenses(session, "bob")
        with_progress = await session.call_tool("generate_report", {"user_alias": "bob"}, progress_callback=_ignore)
        without = await session.call_tool("generate_report", {"user_alias": "bob"})

    assert structured(without)["text"] == structured(with_progress)["text"]
    assert structured(without)["months"] == structured(with_progress)["months"]


async def test_report_for_a_user_without_expenses(expenses_server, connect):
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total))

    async with connect(expenses_server.url) as session:
        result = await session.call_tool("generate_report", {"user_alias": "carol"}, progress_callback=on_progress)

    assert structured(result)["months"] == []
    assert "No expenses recorded yet." in structured(result)["text"]
    assert updates == [(1, 3), (2, 3), (3, 3)]


async def test_report_refuses_a_bad_alias(expenses_server, connect):
    async with connect(expenses_server.url) as session:
        result = await session.call_tool("generate_report", {"user_alias": "a#b"})
    assert is_error(result)
    assert "user_alias" in text_of(result)


async def _ignore(progress, total, message) -> None:
    return None
