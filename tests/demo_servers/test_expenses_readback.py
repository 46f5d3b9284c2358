"""What the expense tools accept, they can read back; what they cannot store, they refuse by name.

The server runs in memory on a real SQLite file, because only there can a client hand the tools
text that JSON over HTTP cannot carry (a lone surrogate), as an embedding application can.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pytest
from harness import in_memory_client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mcp.types import ElicitRequestParams, ElicitResult
from sdk_compat import is_error, structured, to_wire

from demo_servers.expenses.records import CATEGORIES
from demo_servers.expenses.server import create_server
from demo_servers.expenses.sqlite_store import SqliteExpenseStore

FIELDS = ("user_alias", "amount", "description", "category", "spent_on")
#: Every code point, lone surrogates included (Hypothesis leaves them out unless asked).
ANY_CHARACTER = st.characters(exclude_categories=())
VALID_ALIASES = st.from_regex(r"[A-Za-z0-9._@+-]{1,64}", fullmatch=True)
TWO_PLACES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2).map(str)
# Years below 1000 get their own branch: an even draw over 1-9999 rarely reaches them.
DAYS = st.none() | st.dates(max_value=date(999, 12, 31)) | st.dates()
ROUNDTRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@asynccontextmanager
async def expense_session(**callbacks: Any) -> AsyncIterator[Any]:
    """A client of a fresh expense server on its own SQLite file."""
    with tempfile.TemporaryDirectory() as folder:
        server = create_server(SqliteExpenseStore(Path(folder) / "expenses.db"))
        async with in_memory_client(server, **callbacks) as session:
            yield session


def error_text(result: Any) -> str:
    wire = to_wire(result)
    assert wire.get("isError"), wire.get("structuredContent")
    text = " ".join(block.get("text", "") for block in wire["content"])
    text.encode("utf-8")  # an error must itself be sendable as JSON
    return text


def ok(result: Any) -> dict[str, Any]:
    content = structured(result)
    assert content is not None
    return content


def month_of(day: str) -> str:
    return day[:7]


async def add_then_read_back(arguments: dict[str, Any]) -> None:
    async with expense_session() as session:
        added = await session.call_tool("add_expense", arguments)
        if is_error(added):
            text = error_text(added)
            assert any(name in text for name in FIELDS), text
            assert "Nothing was stored" in text or "validation error" in text, text
            return
        stored = ok(added)
        alias = arguments["user_alias"]
        listed = ok(await session.call_tool("list_expenses", {"user_alias": alias}))
        assert listed["expenses"] == [stored]
        month = month_of(stored["spent_on"])
        balance = ok(await session.call_tool("get_balance", {"user_alias": alias, "month": month}))
        assert (balance["expense_count"], balance["total_spent"]) == (1, stored["amount"])
        report = ok(await session.call_tool("generate_report", {"user_alias": alias}))
        assert [summary["month"] for summary in report["months"]] == [month]
        assert f"## {month}: {stored['amount']} in 1 expense(s)" in report["text"]


@ROUNDTRIP
@given(
    alias=VALID_ALIASES,
    amount=TWO_PLACES,
    description=st.text(ANY_CHARACTER, min_size=1, max_size=200),
    category=st.sampled_from(CATEGORIES),
    day=DAYS,
)
@example(alias="old", amount="1.00", description="a very old receipt", category="other", day=date(999, 1, 1))
@example(alias="older", amount="1.00", description="the oldest", category="other", day=date(1, 1, 1))
def test_whatever_add_expense_accepts_can_be_read_back(alias, amount, description, category, day):
    arguments = {"user_alias": alias, "amount": amount, "description": description, "category": category}
    if day is not None:
        arguments["spent_on"] = day.isoformat()
    anyio.run(add_then_read_back, arguments)


@ROUNDTRIP
@given(
    alias=VALID_ALIASES | st.text(ANY_CHARACTER, max_size=70),
    amount=TWO_PLACES | st.text(ANY_CHARACTER, max_size=12) | st.integers() | st.floats(allow_nan=False),
    description=st.text(ANY_CHARACTER, max_size=210),
    category=st.sampled_from(CATEGORIES) | st.text(ANY_CHARACTER, max_size=12),
    day=DAYS.map(lambda day: day and day.isoformat()) | st.text(ANY_CHARACTER, max_size=12),
)
def test_any_input_is_read_back_or_refused_naming_a_field(alias, amount, description, category, day):
    arguments = {"user_alias": alias, "amount": amount, "description": description, "category": category}
    if day is not None:
        arguments["spent_on"] = day
    anyio.run(add_then_read_back, arguments)


# --- text that cannot be stored --------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("description", ["\ud800", "Lunch \udfff with Sam", "\udc80"])
async def test_a_lone_surrogate_is_refused_naming_the_field(description):
    arguments = {"user_alias": "sam", "amount": "5.00", "description": description, "category": "food"}
    async with expense_session() as session:
        refused = await session.call_tool("add_expense", arguments)
        listed = ok(await session.call_tool("list_expenses", {"user_alias": "sam"}))

    text = error_text(refused)
    assert "Invalid description:" in text and "not valid text (a lone surrogate" in text
    assert "codec" not in text
    assert text.endswith("Nothing was stored.")
    assert listed["count"] == 0


class FormUser:
    """Answers each form from a script and keeps every question."""

    def __init__(self, *contents: dict[str, Any]) -> None:
        self.contents = list(contents)
        #: The questions' params in wire form.
        self.questions: list[dict[str, Any]] = []

    async def __call__(self, context: Any, params: ElicitRequestParams) -> ElicitResult:
        self.questions.append(to_wire(params))
        return ElicitResult(action="accept", content=self.contents.pop(0))


@pytest.mark.anyio
async def test_the_interactive_form_asks_again_for_text_that_cannot_be_stored():
    user = FormUser(
        {"amount": 9.5},
        {"description": "Taxi \ud800"},
        {"description": "Taxi"},
        {"category": "transport"},
        {"confirmed": True},
    )
    async with expense_session(elicitation_callback=user) as session:
        result = ok(await session.call_tool("add_expense_interactive", {"user_alias": "sam"}))
        listed = ok(await session.call_tool("list_expenses", {"user_alias": "sam"}))

    assert result["status"] == "stored"
    assert [expense["description"] for expense in listed["expenses"]] == ["Taxi"]
    again = user.questions[2]
    assert "- description: contains a character that is not valid text (a lone surrogate)" in again["message"]
    again["message"].encode("utf-8")
    assert "default" not in again["requestedSchema"]["properties"]["description"]


# --- errors of tools that only read ----------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("get_balance", {"user_alias": "sam", "month": "2025-13"}, "Invalid month: '2025-13' is not a month"),
        ("analyze_spending", {"user_alias": "sam", "month": "March"}, "Invalid month: 'March' is not a month"),
        # Fullwidth digits: a regex `\d` takes them for a year.
        ("get_balance", {"user_alias": "sam", "month": "\uff12\uff10\uff12\uff15-03"}, "Invalid month:"),
        ("list_expenses", {"user_alias": "no spaces"}, "Invalid user_alias:"),
        ("get_balance", {"user_alias": "no spaces"}, "Invalid user_alias:"),
        ("generate_report", {"user_alias": "a#b"}, "Invalid user_alias:"),
    ],
)
async def test_a_tool_that_only_reads_does_not_say_nothing_was_stored(tool, arguments, says):
    async with expense_session() as session:
        text = error_text(await session.call_tool(tool, arguments))
    assert says in text
    assert "stored" not in text.lower()


@pytest.mark.anyio
async def test_a_tool_that_writes_still_says_nothing_was_stored():
    arguments = {"user_alias": "no spaces", "amount": "1.00", "description": "x", "category": "food"}
    async with expense_session() as session:
        text = error_text(await session.call_tool("add_expense", arguments))
    assert "Invalid user_alias:" in text and text.endswith("Nothing was stored.")


def test_the_report_of_an_early_year_is_ordered_with_later_ones():
    async def scenario() -> list[str]:
        async with expense_session() as session:
            for day in ("2025-03-01", "0999-01-01", "0042-12-31"):
                arguments = {"user_alias": "ana", "amount": "1.00", "description": day, "category": "other"}
                ok(await session.call_tool("add_expense", {**arguments, "spent_on": day}))
            report = ok(await session.call_tool("generate_report", {"user_alias": "ana"}))
        return [summary["month"] for summary in report["months"]]

    assert anyio.run(scenario) == ["0042-12", "0999-01", "2025-03"]

