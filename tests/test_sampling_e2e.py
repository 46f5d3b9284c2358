"""Sampling end to end: a real server process, real HTTP, and a test-controlled fake LLM in the client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from mcp.types import CreateMessageRequestParams, CreateMessageResult, ErrorData, TextContent
from sdk_compat import open_http_session, text_of, to_wire
from wire import headers, initialize, parse_sse, request

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

HTTP_TIMEOUT = httpx.Timeout(30, read=60)


class FakeLLM:
    """A client sampling callback that answers from a script and records every request."""

    def __init__(self, *replies: str | ErrorData) -> None:
        self.replies = list(replies)
        #: The requests' params in wire form.
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, context: Any, params: CreateMessageRequestParams) -> CreateMessageResult | ErrorData:
        self.requests.append(to_wire(params))
        reply = self.replies.pop(0)
        if isinstance(reply, ErrorData):
            return reply
        return CreateMessageResult(
            role="assistant", content=TextContent(type="text", text=reply), model="fake-llm", stopReason="endTurn"
        )


@asynccontextmanager
async def connect(url: str, **session_options: Any) -> AsyncIterator[Any]:
    """An initialized SDK client over streamable HTTP (a 2025-11-25 session)."""
    async with open_http_session(url, **session_options) as session:
        yield session


async def call(session: Any, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not to_wire(result).get("isError"), to_wire(result)
    return json.loads(text_of(result))


@pytest.fixture
def sampling_server(spawn_server, test_server_script):
    def start(*flags: str):
        return spawn_server(test_server_script("sampling_server"), *flags)

    return start


async def test_text_comes_back(sampling_server):
    server = sampling_server()
    llm = FakeLLM("Three lines about autumn leaves.")
    async with connect(server.url, sampling_callback=llm) as session:
        answer = await call(session, "ask_text", prompt="Write about autumn.")
    assert answer == {"text": "Three lines about autumn leaves."}
    assert len(llm.requests) == 1


async def test_request_carries_the_options_exactly_and_result_has_model_and_stop_reason(sampling_server):
    server = sampling_server()
    llm = FakeLLM("Spending is up 12%.")
    preferences = {
        "hints": [{"name": "claude-3-5-sonnet"}, {"name": "claude"}],
        "costPriority": 0.25,
        "speedPriority": 0.5,
        "intelligencePriority": 0.9,
    }
    options = {
        "system_prompt": "You are a careful accountant.",
        "max_tokens": 321,
        "temperature": 0.3,
        "stop_sequences": ["END", "###"],
        "model_preferences": preferences,
    }
    prompt = [["user", "Summarise March."], ["assistant", "Which account?"], ["user", "The shared one."]]
    async with connect(server.url, sampling_callback=llm) as session:
        answer = await call(session, "ask", prompt=prompt, options=options)

    # mcp 2.1 stamps an empty `_meta` on every request it sends; the options are the rest.
    sent = {key: value for key, value in llm.requests[0].items() if key != "_meta"}
    assert sent == {
        "messages": [
            {"role": "user", "content": {"type": "text", "text": "Summarise March."}},
            {"role": "assistant", "content": {"type": "text", "text": "Which account?"}},
            {"role": "user", "content": {"type": "text", "text": "The shared one."}},
        ],
        "systemPrompt": "You are a careful accountant.",
        "maxTokens": 321,
        "temperature": 0.3,
        "stopSequences": ["END", "###"],
        "modelPreferences": preferences,
    }
    assert answer == {
        "text": "Spending is up 12%.",
        "model": "fake-llm",
        "stop_reason": "endTurn",
        "via_fallback": False,
        "tool_uses": [],
    }


async def test_client_without_sampling_gets_sampling_unsupported(sampling_server):
    server = sampling_server()
    async with connect(server.url) as session:
        answer = await call(session, "ask_text", prompt="Anyone there?")
    assert answer["error"] == "SamplingUnsupported"
    assert "did not declare the 'sampling' capability" in answer["message"]
    assert "use_fallback_sampler" in answer["message"]


async def test_client_without_sampling_gets_the_fallback_when_configured(sampling_server):
    server = sampling_server("--fallback", "offline")
    prompt = "Rent was 900 EUR. Coffee cost 4.50 EUR at the station. Rent is due on the first."
    async with connect(server.url) as session:
        answer = await call(session, "ask", prompt=prompt, options={"max_tokens": 200})
    assert answer["via_fallback"] is True
    assert answer["model"] == "offline-extractive"
    assert answer["text"].startswith("Summary: Rent was 900 EUR.")
    assert "Key terms: rent, eur" in answer["text"]


async def test_user_rejection_is_reported_as_such(sampling_server):
    server = sampling_server("--fallback", "offline")  # a fallback without on_reject must not answer
    llm = FakeLLM(ErrorData(code=-1, message="User rejected sampling request"))
    async with connect(server.url, sampling_callback=llm) as session:
        answer = await call(session, "ask_text", prompt="Summarise my inbox.")
    assert answer["error"] == "SamplingRejected"
    assert answer["message"].startswith("The user rejected the sampling request")
    assert "User rejected sampling request" in answer["message"]


async def test_user_rejection_falls_back_when_configured(sampling_server):
    server = sampling_server("--fallback", "offline", "--fallback-on-reject")
    llm = FakeLLM(ErrorData(code=-1, message="User rejected sampling request"))
    async with connect(server.url, sampling_callback=llm) as session:
        answer = await call(session, "ask", prompt="The train to Lyon cost 89 EUR.")
    assert len(llm.requests) == 1, "the client was asked first"
    assert answer["via_fallback"] is True
    assert answer["text"].startswith("Summary: The train to Lyon cost 89 EUR.")


async def test_other_client_errors_are_not_mistaken_for_rejection(sampling_server):
    server = sampling_server("--fallback", "offline", "--fallback-on-reject")
    llm = FakeLLM(ErrorData(code=-32603, message="model overloaded"))
    async with connect(server.url, sampling_callback=llm) as session:
        answer = await call(session, "ask_text", prompt="Hello")
    assert answer["error"] == "SamplingRequestFailed"
    assert "error -32603: model overloaded" in answer["message"]


def test_timeout_cancels_the_request_on_the_wire(sampling_server):
    """A raw client that declares sampling but never answers: the server cancels, then fails the tool."""
    server = sampling_server()
    arguments = {"prompt": "Anyone?", "options": {"timeout": 0.5}}
    with httpx.Client(timeout=HTTP_TIMEOUT) as http:
        session = initialize(http, server.url, capabilities={"sampling": {}})
        call_tool = request("tools/call", {"name": "ask_text", "arguments": arguments}, id=7)
        with http.stream("POST", server.url, json=call_tool, headers=headers(session)) as response:
            # The stream ends once the tool call is answered.
            sent = [event.json() for event in parse_sse(list(response.iter_lines())) if event.data]

    methods = [message.get("method", "response") for message in sent]
    assert methods == ["sampling/createMessage", "notifications/cancelled", "response"]
    sampling_id = sent[0]["id"]
    assert sent[1]["params"]["requestId"] == sampling_id
    answer = json.loads(sent[2]["result"]["content"][0]["text"])
    assert answer["error"] == "SamplingTimeout"
    assert "within 0.5 s; it was cancelled" in answer["message"]


def sse_messages(response: httpx.Response) -> Any:
    """JSON-RPC messages of a streamed SSE response, as each event completes."""
    lines: list[str] = []
    for line in response.iter_lines():
        if line:
            lines.append(line)
            continue
        yield from (event.json() for event in parse_sse(lines) if event.data)
        lines = []


def test_late_answer_after_timeout_is_ignored_and_the_session_goes_on(sampling_server):
    """A raw client answers the first request only after the server gave up on it."""
    server = sampling_server()
    with httpx.Client(timeout=HTTP_TIMEOUT) as http:
        session = initialize(http, server.url, capabilities={"sampling": {}})
        slow = {"prompt": "First?", "options": {"timeout": 0.3}}
        first_call = request("tools/call", {"name": "ask_text", "arguments": slow}, id=7)
        with http.stream("POST", server.url, json=first_call, headers=headers(session)) as response:
            first = list(sse_messages(response))
        asked = first[0]
        late = {"jsonrpc": "2.0", "id": asked["id"], "result": reply("too late")}
        assert http.post(server.url, json=late, headers=headers(session)).status_code == 202
        second_call = request("tools/call", {"name": "ask_text", "arguments": {"prompt": "Second?"}}, id=8)
        with http.stream("POST", server.url, json=second_call, headers=headers(session)) as response:
            second = []
            for message in sse_messages(response):
                second.append(message)
                if message.get("method") == "sampling/createMessage":
                    answer = {"jsonrpc": "2.0", "id": message["id"], "result": reply("on time")}
                    assert http.post(server.url, json=answer, headers=headers(session)).status_code == 202

    assert [message.get("method", "response") for message in first] == [
        "sampling/createMessage",
        "notifications/cancelled",
        "response",
    ]
    assert json.loads(first[-1]["result"]["content"][0]["text"])["error"] == "SamplingTimeout"
    assert json.loads(second[-1]["result"]["content"][0]["text"]) == {"text": "on time"}


def reply(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": {"type": "text", "text": text}, "model": "fake-llm"}


async def test_structured_output_retries_after_an_invalid_reply(sampling_server):
    server = sampling_server()
    llm = FakeLLM(
        'Sure! {"amount": "twelve", "currency": "EUR"}',
        '```json\n{"amount": 12.5, "currency": "EUR", "category": "food"}\n```',
    )
    async with connect(server.url, sampling_callback=llm) as session:
        answer = await call(session, "read_expense", text="Lunch at the canteen, 12.50 EUR")
    assert answer == {"expense": {"amount": 12.5, "currency": "EUR", "category": "food"}}

    first, second = llm.requests
    assert '"category"' in first["systemPrompt"] and "JSON Schema" in first["systemPrompt"]
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user"]
    assert second["messages"][1]["content"]["text"] == 'Sure! {"amount": "twelve", "currency": "EUR"}'
    correction = second["messages"][2]["content"]["text"]
    assert "amount: Input should be a valid number" in correction
    assert "category: Field required" in correction
