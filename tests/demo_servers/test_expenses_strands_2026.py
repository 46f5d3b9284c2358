"""A Strands agent completes `add_expense_interactive` on protocol revision 2026-07-28, offline.

strands' `MCPClient` on mcp 2.1 probes the server with `server/discover` and, since the
expense server answers it, speaks 2026-07-28: no `initialize`, no session. The tool's four
questions reach the client as input-required results; the SDK's session answers each through
strands' elicitation callback and calls again with the answer and the sealed request state.
The agent's model is an offline stand-in that calls the tool, then reports its result.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sdk_compat import MCP_VERSION, SESSIONLESS_REVISION, STRANDS_MISSING, SUPPORTED_REVISIONS, wire_callbacks

# Before the imports that need them: mcp 1.x has no 2026-07-28 (nor its HTTP client), and the
# newest mcp 2.x line runs without strands.
if SESSIONLESS_REVISION not in SUPPORTED_REVISIONS:
    pytest.skip(
        f"protocol revision {SESSIONLESS_REVISION} needs mcp 2.x (mcp {MCP_VERSION} is installed)",
        allow_module_level=True,
    )
pytest.importorskip("strands", reason=STRANDS_MISSING)

import httpx2
from mcp.client.streamable_http import streamable_http_client
from strands import Agent
from strands.models.model import Model
from strands.tools.mcp import MCPClient
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolSpec

pytestmark = [pytest.mark.e2e, pytest.mark.requires_strands, pytest.mark.requires_revision(SESSIONLESS_REVISION)]

TOOL = "add_expense_interactive"
ANSWERS = [{"amount": 12.5}, {"description": "Lunch with Sam"}, {"category": "food"}, {"confirmed": True}]


class CallThenReport(Model):
    """An offline model: call one tool with fixed arguments, then answer with the tool's result."""

    def __init__(self, tool: str, arguments: dict[str, Any]) -> None:
        self.tool, self.arguments = tool, arguments
        self.config: dict[str, Any] = {"model_id": "call-then-report"}

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        return self.config

    async def structured_output(self, output_model: Any, prompt: Messages, system_prompt: str | None = None, **kwargs):
        raise NotImplementedError("the agent here only calls a tool")
        yield  # pragma: no cover - makes this an async generator

    async def stream(
        self, messages: Messages, tool_specs: list[ToolSpec] | None = None, system_prompt: str | None = None, **kwargs
    ) -> AsyncGenerator[StreamEvent, None]:
        results = [block["toolResult"] for block in messages[-1]["content"] if "toolResult" in block]
        yield {"messageStart": {"role": "assistant"}}
        if results:
            text = " ".join(part.get("text", "") for part in results[0].get("content", []))
            yield {"contentBlockStart": {"start": {}}}
            yield {"contentBlockDelta": {"delta": {"text": f"The tool answered: {text}"}}}
            yield {"contentBlockStop": {}}
            yield {"messageStop": {"stopReason": "end_turn"}}
            return
        yield {"contentBlockStart": {"start": {"toolUse": {"toolUseId": "call-1", "name": self.tool}}}}
        yield {"contentBlockDelta": {"delta": {"toolUse": {"input": json.dumps(self.arguments)}}}}
        yield {"contentBlockStop": {}}
        yield {"messageStop": {"stopReason": "tool_use"}}


class Wire:
    """Every POST the client sends: its JSON-RPC method, revision header, session id and round fields."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    async def record(self, request: httpx2.Request) -> None:
        if request.method != "POST":
            return
        message = json.loads(request.content)
        params = message.get("params") or {}
        self.posts.append(
            {
                "method": message.get("method"),
                "revision": request.headers.get("mcp-protocol-version"),
                "session": request.headers.get("mcp-session-id"),
                "answers": sorted(params.get("inputResponses") or {}),
                "state": "requestState" in params,
            }
        )

    @asynccontextmanager
    async def transport(self, url: str) -> AsyncIterator[Any]:
        """The SDK's streamable HTTP transport, over an HTTP client that records each request."""
        async with (
            httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=60), event_hooks={"request": [self.record]}) as http,
            streamable_http_client(url, http_client=http) as streams,
        ):
            yield streams


class User:
    """Answers each question with the next scripted content, recording the question."""

    def __init__(self, answers: list[dict[str, Any]]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        self.asked.append(params["message"])
        return {"action": "accept", "content": self.answers.pop(0)} if self.answers else {"action": "cancel"}


def test_the_agent_completes_the_flow_through_its_elicitation_callback(expenses_server, alias):
    wire, user = Wire(), User(ANSWERS)
    callback = wire_callbacks(elicitation=user)["elicitation_callback"]
    client = MCPClient(lambda: wire.transport(expenses_server.url), elicitation_callback=callback)

    with client:
        agent = Agent(model=CallThenReport(TOOL, {"user_alias": alias}), tools=client.list_tools_sync())
        reply = str(agent(f"Please run {TOOL}"))
        listed = client.call_tool_sync("list-1", "list_expenses", {"user_alias": alias})

    assert 'Stored 12.50 for \\"Lunch with Sam\\" under Food & groceries.' in reply
    assert user.asked == [
        f"New expense for {alias}: how much did you spend?",
        "What were the 12.50 for?",
        'Which category is "Lunch with Sam"?',
        f'Store 12.50 for "Lunch with Sam" under Food & groceries for {alias}?',
    ]
    stored = listed["structuredContent"]["expenses"]
    assert [(e["amount"], e["description"], e["category"]) for e in stored] == [("12.50", "Lunch with Sam", "food")]
    # strands negotiated 2026-07-28: a discover probe, then no handshake and no session.
    assert wire.posts[0]["method"] == "server/discover"
    assert "initialize" not in [post["method"] for post in wire.posts]
    assert {post["revision"] for post in wire.posts[1:]} == {SESSIONLESS_REVISION}
    assert all(post["session"] is None for post in wire.posts)
    # One round per question, each retry answering one question and echoing the state.
    calls = [post for post in wire.posts if post["method"] == "tools/call"][:-1]
    assert [(len(call["answers"]), call["state"]) for call in calls] == [
        (0, False),
        (1, True),
        (1, True),
        (1, True),
        (1, True),
    ]
