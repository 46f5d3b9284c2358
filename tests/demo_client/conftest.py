"""Fixtures of the reference client's tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from demo_client import Client, RequestFailed

#: Calls a tool that should fail and returns the failure's text.
FailedCall = Callable[..., Awaitable[str]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "toolkit_server: runs a server built with the toolkit (on mcp 2.x it needs the toolkit's port to that line)",
    )


@pytest.fixture
def failed_call() -> FailedCall:
    """`await failed_call(client, tool, arguments)`: the text of the tool's failure.

    A tool that fails while the server talks back is reported differently by the SDK lines:
    FastMCP (mcp 1.x) turns the error into an error result, MCPServer (mcp 2.x) passes a
    JSON-RPC error through. Either way the text is what the client made the server see.
    """

    async def call(client: Client, tool: str, arguments: dict[str, Any] | None = None) -> str:
        try:
            result = await client.call_tool(tool, arguments)
        except RequestFailed as exc:
            return exc.detail
        assert result.is_error, result
        return result.text

    return call
