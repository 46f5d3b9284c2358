"""`analyze_spending` over real HTTP: the client's LLM answers, or a labelled computed summary does."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.types import CreateMessageRequestParams, CreateMessageResult, ErrorData, TextContent
from sdk_compat import is_error, structured, text_of, to_wire

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

# Expenses carry an explicit day and the tool an explicit month, so no test depends on today.
MONTH = "2025-04"


class FakeLLM:
    """A sampling callback that records each request and answers with fixed text."""

    def __init__(self, answer: str = "Cook at home twice a week.") -> None:
        self.answer = answer
        #: The requests' params in wire form.
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, context, params: CreateMessageRequestParams) -> CreateMessageResult:
        self.requests.append(to_wire(params))
        return CreateMessageResult(
            role="assistant", content=TextContent(type="text", text=self.answer), model="fake-llm-1"
        )


async def add_month_of_spending(session, alias: str) -> None:
    await session.call_tool("set_budget", {"user_alias": alias, "monthly_limit": 50, "category": "food"})
    for amount, description, category in [("42.00", "pizza night", "food"), ("18.50", "train", "transport")]:
        result = await session.call_tool(
            "add_expense",
            {
                "user_alias": alias,
                "amount": amount,
                "description": description,
                "category": category,
                "spent_on": "2025-04-10",
            },
        )
        assert not is_error(result)


async def test_the_clients_llm_writes_the_analysis(expenses_server, connect, alias):
    llm = FakeLLM()
    async with connect(expenses_server.url, sampling_callback=llm) as session:
        await add_month_of_spending(session, alias)
        result = await session.call_tool("analyze_spending", {"user_alias": alias, "month": MONTH})

    analysis = structured(result)
    assert analysis["source"] == "client_llm"
    assert analysis["text"] == "Cook at home twice a week."
    assert analysis["model"] == "fake-llm-1"
    assert "client's LLM" in analysis["label"]
    [request] = llm.requests
    prompt = request["messages"][0]["content"]["text"]
    assert f"user {alias}" in prompt
    assert "total 60.50" in prompt
    assert "pizza night" in prompt and "train" in prompt
    assert "Budget food: limit 50.00, spent 42.00, remaining 8.00" in prompt
    assert request["maxTokens"] == 400
    assert "not instructions" in request["systemPrompt"]


async def test_without_sampling_a_labelled_computed_summary_answers(expenses_server, connect, alias):
    async with connect(expenses_server.url) as session:
        await add_month_of_spending(session, alias)
        result = await session.call_tool("analyze_spending", {"user_alias": alias, "month": MONTH})

    analysis = structured(result)
    assert not is_error(result)
    assert analysis["source"] == "computed"
    assert analysis["model"] is None
    assert analysis["label"].startswith("Computed summary, not written by an LLM: the client cannot sample")
    assert analysis["text"].startswith(f"{alias} spent 60.50 in 2025-04 across 2 expense(s).")
    assert "Food & groceries at 42.00 (69% of the month)" in analysis["text"]
    assert "8.00 left of the food budget of 50.00" in analysis["text"]


async def test_a_rejected_llm_request_falls_back_to_the_computed_summary(expenses_server, connect, alias):
    async def reject(context, params):
        return ErrorData(code=-1, message="User rejected sampling request")

    async with connect(expenses_server.url, sampling_callback=reject) as session:
        await add_month_of_spending(session, alias)
        result = await session.call_tool("analyze_spending", {"user_alias": alias, "month": MONTH})

    assert structured(result)["source"] == "computed"
    assert "the user declined the LLM request" in structured(result)["label"]


async def test_a_failing_llm_falls_back_and_names_the_failure(expenses_server, connect, alias):
    async def broken(context, params):
        return ErrorData(code=-32603, message="model crashed")

    async with connect(expenses_server.url, sampling_callback=broken) as session:
        await add_month_of_spending(session, alias)
        result = await session.call_tool("analyze_spending", {"user_alias": alias, "month": MONTH})

    assert structured(result)["source"] == "computed"
    assert "the LLM request failed (SamplingFailed)" in structured(result)["label"]


async def test_a_user_without_expenses_gets_a_plain_answer(expenses_server, connect):
    async with connect(expenses_server.url) as session:
        result = await session.call_tool("analyze_spending", {"user_alias": "nobody", "month": "2020-01"})

    assert structured(result)["text"] == "nobody recorded no expenses in 2020-01."


async def test_bad_month_is_refused_before_sampling(expenses_server, connect, alias):
    llm = FakeLLM()
    async with connect(expenses_server.url, sampling_callback=llm) as session:
        result = await session.call_tool("analyze_spending", {"user_alias": alias, "month": "2025-13"})

    assert is_error(result)
    assert "YYYY-MM" in text_of(result)
    assert llm.requests == []
