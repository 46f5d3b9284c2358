"""MCP sessions spoken over raw httpx, so one process can hold a thousand elicitations open.

An SDK `ClientSession` costs a task group and memory streams per session; here a session is
a session id and a request counter, and an open elicitation is the tool call's SSE response,
left unread until it is answered. Every client of the memory benchmark speaks the same way
to both servers, so the client side costs the same for toolkit and the bare SDK server.

```python
session = await RawSession.open(http, url)
held = await session.hold_elicitation("ask_raw")   # the server is now waiting for an answer
text = await held.answer({"amount": 1, ...})       # the tool's result text
```
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource

from .sdk_line import HANDSHAKE_REVISION

__all__ = ["HeldElicitation", "RawSession", "RawSessionError"]

ACCEPT = "application/json, text/event-stream"
CAPABILITIES = {"elicitation": {"form": {}}}
CLIENT_INFO = {"name": "bench-raw-client", "version": "0"}


class RawSessionError(RuntimeError):
    """The server answered something a well-behaved MCP server would not."""


@dataclass(eq=False)
class RawSession:
    """One initialized MCP session on `url`."""

    http: httpx.AsyncClient
    url: str
    session_id: str
    next_id: int = field(default=1)

    @classmethod
    async def open(cls, http: httpx.AsyncClient, url: str) -> RawSession:
        """Initialize a new session (`initialize`, then `notifications/initialized`)."""
        params = {"protocolVersion": HANDSHAKE_REVISION, "capabilities": CAPABILITIES, "clientInfo": CLIENT_INFO}
        body = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params}
        async with http.stream("POST", url, json=body, headers={"Accept": ACCEPT}) as response:
            response.raise_for_status()
            session_id = response.headers.get("mcp-session-id")
            if session_id is None:
                raise RawSessionError("initialize was answered without an Mcp-Session-Id")
            async with aclosing(_messages(response)) as messages:
                await _result_of(messages, 0)
        session = cls(http, url, session_id)
        await session.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return session

    @property
    def headers(self) -> dict[str, str]:
        """The headers every request after `initialize` carries."""
        return {"Accept": ACCEPT, "Mcp-Session-Id": self.session_id, "Mcp-Protocol-Version": HANDSHAKE_REVISION}

    async def post(self, message: dict[str, Any]) -> None:
        """POST a notification or a response, which the server accepts with 202."""
        response = await self.http.post(self.url, json=message, headers=self.headers)
        if response.status_code != 202:
            raise RawSessionError(f"the server answered {response.status_code} to {message.get('method', 'a result')}")

    async def hold_elicitation(self, tool: str) -> HeldElicitation:
        """Call `tool` and read its stream until the server's `elicitation/create` arrives."""
        call_id = self.next_id
        self.next_id += 1
        body = {"jsonrpc": "2.0", "id": call_id, "method": "tools/call", "params": {"name": tool, "arguments": {}}}
        request = self.http.build_request("POST", self.url, json=body, headers=self.headers)
        response = await self.http.send(request, stream=True)
        messages = _messages(response)
        try:
            response.raise_for_status()
            async for message in messages:
                if message.get("method") == "elicitation/create":
                    return HeldElicitation(self, response, messages, call_id, message["id"])
                if message.get("id") == call_id:
                    raise RawSessionError(f"{tool} answered before it elicited: {message}")
            raise RawSessionError(f"the stream of {tool} ended before it elicited")
        except BaseException:
            await messages.aclose()
            await response.aclose()
            raise


@dataclass(eq=False)
class HeldElicitation:
    """A tool call waiting for the answer to its elicitation, its SSE stream still open."""

    session: RawSession
    response: httpx.Response
    messages: AsyncGenerator[dict[str, Any], None]
    call_id: int
    elicitation_id: int | str

    async def answer(self, content: dict[str, Any]) -> str:
        """Accept the form with `content` and return the text of the tool's result."""
        result = {"action": "accept", "content": content}
        try:
            await self.session.post({"jsonrpc": "2.0", "id": self.elicitation_id, "result": result})
            outcome = await _result_of(self.messages, self.call_id)
        finally:
            await self.close()
        if outcome.get("isError"):
            raise RawSessionError(f"the tool failed: {outcome}")
        return str(outcome["content"][0]["text"])

    async def close(self) -> None:
        """Drop the stream (without answering, unless `answer` already did)."""
        await self.messages.aclose()
        await self.response.aclose()


async def _messages(response: httpx.Response) -> AsyncGenerator[dict[str, Any], None]:
    """The JSON-RPC messages of an SSE response; priming events (no data) are skipped."""
    async for event in EventSource(response).aiter_sse():
        if event.data:
            yield json.loads(event.data)


async def _result_of(messages: AsyncIterator[dict[str, Any]], request_id: int) -> dict[str, Any]:
    async for message in messages:
        if message.get("id") == request_id and "method" not in message:
            if "error" in message:
                raise RawSessionError(f"request {request_id} failed: {message['error']}")
            return dict(message["result"])
    raise RawSessionError(f"the stream ended before the answer to request {request_id}")
