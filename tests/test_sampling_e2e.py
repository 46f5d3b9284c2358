"""Sampling end to end: a real server process, real HTTP, and a test-controlled fake LLM in the client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CreateMessageRequestParams, CreateMessageResult, ErrorData, TextContent
from wire import headers, initialize, parse_sse, request

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

HTTP_TIMEOUT = httpx.Timeout(30, read=60)


class FakeLLM:
    """A client sampling callback that answers from a script and records every request."""

    def __init__(self, *replies: str | ErrorData) -> None:
        self.replies = list(replies)
        self.requests: list[CreateMessageRequestParams] = []

    async def __call__(self, context: Any, params: CreateMessageRequestParams) -> CreateMessageResult | ErrorData:
        self.requests.append(params)
        reply = self.replies.pop(0)
        if isinstance(reply, ErrorData):
            return reply
        return CreateMessageResult(
            role="assistant", content=TextContent(type="text", text=reply), model="fake-llm", stopReason="endTurn"
        )


@asynccontextmanager
async def connect(
    url: str, transport: httpx.AsyncBaseTransport | None = None, **session_options: Any
) -> AsyncIterator[ClientSession]:
    """An initialized SDK client session over streamable HTTP."""
    async with (
        httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT) as client,
        streamable_http_client(url, http_client=client) as (read, write, _),
        ClientSession(read, write, **session_options) as session,
    ):
        await session.initialize()
        yield session


async def call(session: ClientSession, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.isError, result.content
    return json.loads(result.content[0].text)


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

    sent = llm.requests[0].model_dump(mode="json", by_alias=True, exclude_none=True)
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
    assert answer["error"] == "CapabilityError"
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
    assert answer["error"] == "SamplingFailed"
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


class _Tap(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, marker: bytes, seen: anyio.Event) -> None:
        self.inner, self.marker, self.seen = inner, marker, seen

    async def __aiter__(self) -> AsyncIterator[bytes]:
        tail = b""
        async for chunk in self.inner:
            if self.marker in tail + chunk:
                self.seen.set()
            tail = chunk[-len(self.marker) :]
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class WireTap(httpx.AsyncBaseTransport):
    """Real HTTP, with an event set when `marker` passes by in a response body."""

    def __init__(self, marker: bytes) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.marker = marker
        self.seen = anyio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Tap(response.stream, self.marker, self.seen)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_late_answer_after_timeout_is_ignored_and_the_session_goes_on(sampling_server):
    server = sampling_server()
    tap = WireTap(b'"notifications/cancelled"')

    class SlowUser(FakeLLM):
        async def __call__(self, context: Any, params: CreateMessageRequestParams) -> Any:
            if not self.requests:
                # The SDK client runs this callback inline, so it answers only after the
                # server's cancellation has been read off the wire.
                with anyio.fail_after(20):
                    await tap.seen.wait()
            return await super().__call__(context, params)

    llm = SlowUser("too late", "on time")
    async with connect(server.url, tap, sampling_callback=llm) as session:
        first = await call(session, "ask_text", prompt="First?", options={"timeout": 0.3})
        second = await call(session, "ask_text", prompt="Second?")
    assert first["error"] == "SamplingTimeout"
    assert tap.seen.is_set()
    assert second == {"text": "on time"}


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
    assert '"category"' in first.systemPrompt and "JSON Schema" in first.systemPrompt
    assert [m.role for m in second.messages] == ["user", "assistant", "user"]
    assert second.messages[1].content.text == 'Sure! {"amount": "twelve", "currency": "EUR"}'
    correction = second.messages[2].content.text
    assert "amount: Input should be a valid number" in correction
    assert "category: Field required" in correction
