"""Raw streamable-HTTP helpers for tests that check the wire itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

PROTOCOL_VERSION = "2025-11-25"
ACCEPT = "application/json, text/event-stream"


@dataclass
class SSEEvent:
    id: str | None
    data: str
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


def parse_sse(lines: list[str]) -> list[SSEEvent]:
    """Turn SSE lines into events; blank lines end an event."""
    events: list[SSEEvent] = []
    event_id: str | None = None
    data: list[str] = []
    retry: int | None = None
    for line in [*lines, ""]:
        if line == "":
            if data or event_id is not None:
                events.append(SSEEvent(event_id, "\n".join(data), retry))
            event_id, data, retry = None, [], None
        elif line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line.startswith("retry:"):
            retry = int(line[6:].strip())
    return events


def headers(session_id: str | None = None, **extra: str) -> dict[str, str]:
    base = {"Accept": ACCEPT, "Content-Type": "application/json", "MCP-Protocol-Version": PROTOCOL_VERSION}
    if session_id:
        base["Mcp-Session-Id"] = session_id
    return {**base, **extra}


def request(method: str, params: dict[str, Any] | None = None, id: int = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id, "method": method, "params": params or {}}


def initialize_payload(capabilities: dict[str, Any] | None = None) -> dict[str, Any]:
    return request(
        "initialize",
        {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": capabilities or {},
            "clientInfo": {"name": "wire-test", "version": "0"},
        },
        id=0,
    )


def messages(response: httpx.Response) -> list[Any]:
    """JSON-RPC messages of a complete (non-streamed) SSE or JSON response."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return [response.json()]
    return [event.json() for event in parse_sse(response.text.splitlines()) if event.data]


def initialize(client: httpx.Client, url: str, capabilities: dict[str, Any] | None = None) -> str:
    """Run the handshake and return the session id."""
    response = client.post(url, json=initialize_payload(capabilities), headers=headers())
    response.raise_for_status()
    session_id = response.headers["mcp-session-id"]
    client.post(
        url,
        json={"jsonrpc": "2.0", "method": "notifications/initialized"},
        headers=headers(session_id),
    ).raise_for_status()
    return session_id
