"""The examples of docs/elicitation.md run as written: executed in order, then called in memory."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import anyio
import pytest
from doc_blocks import python_blocks
from harness import in_memory_client
from mcp import types
from sdk_compat import SESSIONLESS_REVISION, call_round, text_of, to_wire

import toolkit

DOC = Path(__file__).resolve().parent.parent / "docs" / "elicitation.md"


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    """The namespace left by running every ```python block of the page in order."""
    namespace: dict[str, Any] = {"__name__": "elicitation_docs"}
    for block in python_blocks(DOC):
        if block.not_run is None:
            # dont_inherit: the page runs like its own module, without this file's __future__ import.
            exec(compile(block.compilable(), str(DOC), "exec", dont_inherit=True), namespace)
    return namespace


def replies(*answers: types.ElicitResult) -> Any:
    queue = list(answers)

    async def answer(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        return queue.pop(0)

    return answer


def accept(**content: Any) -> types.ElicitResult:
    return types.ElicitResult(action="accept", content=content)


async def call_text(example: dict[str, Any], tool: str, callback: Any, **arguments: Any) -> str:
    async with in_memory_client(example["server"], elicitation_callback=callback) as session:
        result = await session.call_tool(tool, arguments)
    assert not to_wire(result).get("isError"), to_wire(result)
    return text_of(result)


def test_the_documented_schema_is_what_the_form_renders(example):
    documented = re.search(r"```json\n(.*?)```", DOC.read_text(), re.S)
    assert documented is not None
    assert toolkit.elicitation.requested_schema(example["Expense"]) == json.loads(documented.group(1))


@pytest.mark.anyio
async def test_single_form_example(example):
    answer = replies(accept(amount=4.5, description="Coffee", category="food"))
    assert await call_text(example, "add_expense", answer) == "Stored 4.5 EUR for Coffee (food)."
    declined = replies(types.ElicitResult(action="decline"))
    assert await call_text(example, "add_expense", declined) == "Nothing stored."


@pytest.mark.anyio
async def test_one_question_examples(example):
    assert await call_text(example, "clear_month", replies(accept(value=True)), month="March") == "Deleted March."
    assert await call_text(example, "set_budget", replies(accept(value=900))) == "Budget set to 900 EUR."


@pytest.mark.anyio
async def test_flow_example(example):
    answers = replies(
        accept(amount=20), accept(description="Cinema"), accept(category="entertainment"), accept(value=True)
    )
    assert await call_text(example, "add_expense_interactive", answers) == "Stored 20 EUR for Cinema."
    declined = types.ElicitResult(action="decline")
    unconfirmed = replies(accept(amount=20), accept(description="Cinema"), accept(category="entertainment"), declined)
    assert await call_text(example, "add_expense_interactive", unconfirmed) == "Not confirmed; nothing stored."
    stopped = replies(accept(amount=20), types.ElicitResult(action="cancel"))
    expected = "Nothing stored: you chose cancel at the description step."
    assert await call_text(example, "add_expense_interactive", stopped) == expected


@pytest.mark.anyio
async def test_url_mode_example(example):
    opened = anyio.Event()
    asked: list[dict[str, Any]] = []

    async def consent(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert isinstance(params, types.ElicitRequestURLParams)
        asked.append(to_wire(params))
        opened.set()
        return types.ElicitResult(action="accept")

    async def finish_page() -> None:
        await opened.wait()
        await example["bank_links"].complete(asked[0]["elicitationId"], user=None)

    async with anyio.create_task_group() as tg:
        tg.start_soon(finish_page)
        with anyio.fail_after(10):
            assert await call_text(example, "link_bank", consent) == "Bank linked."
    assert asked[0]["url"] == f"https://expenses.example.com/bank/connect?elicitation={asked[0]['elicitationId']}"


@pytest.mark.anyio
async def test_replay_example_on_a_2025_session(example):
    lookups, payments = example["LOOKUPS"], example["PAYMENTS"]
    before_lookups, before_payments = len(lookups), len(payments)

    paid = await call_text(example, "pay_invoice", replies(accept(value=True)), invoice="INV-7")

    assert paid == "Paid 120.00 EUR for INV-7."
    assert len(lookups) == before_lookups + 1
    assert len(payments) == before_payments + 1


@pytest.mark.anyio
@pytest.mark.requires_revision(SESSIONLESS_REVISION)
async def test_replay_example_on_2026_looks_up_once_and_pays_once_when_the_last_round_repeats(example):
    lookups, payments = example["LOOKUPS"], example["PAYMENTS"]
    before_lookups, before_payments = len(lookups), len(payments)
    declare = {"elicitation_callback": replies()}
    async with in_memory_client(example["server"], revision=SESSIONLESS_REVISION, **declare) as client:
        first = await call_round(client, "pay_invoice", {"invoice": "INV-7"})
        (key,) = first["inputRequests"]
        assert first["inputRequests"][key]["params"]["message"] == "Pay 120.00 EUR for INV-7?"
        last = [
            await call_round(
                client,
                "pay_invoice",
                {"invoice": "INV-7"},
                responses={key: {"action": "accept", "content": {"value": True}}},
                state=first["requestState"],
            )
            for _ in range(2)
        ]

    assert [result["content"][0]["text"] for result in last] == ["Paid 120.00 EUR for INV-7."] * 2
    assert len(lookups) == before_lookups + 1, "looked up on the first round only"
    assert len(payments) == before_payments + 1, "the repeated last round paid nothing twice"
