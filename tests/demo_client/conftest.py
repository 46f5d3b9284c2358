"""Fixtures of the reference client's tests."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from harness import ServerProcess

from demo_client import Client, ClientError, RequestFailed, connect

#: Calls a tool that should fail and returns the failure's text.
FailedCall = Callable[..., Awaitable[str]]


#: Why a `needs_toolkit_mrtr` test skips while the expense server does not answer 2026-07-28 with rounds.
TOOLKIT_MRTR_MISSING = "the toolkit's MRTR (issue 16) has not landed"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "toolkit_server: runs a server built with the toolkit (on mcp 2.x it needs the toolkit's port to that line)",
    )
    config.addinivalue_line(
        "markers",
        "needs_toolkit_mrtr: needs the expense server to ask its questions as 2026-07-28 input requests; "
        f"skipped, after one probe of a real expense server, while it does not ({TOOLKIT_MRTR_MISSING})",
    )


@pytest.fixture(scope="session")
def expense_server_speaks_mrtr(tmp_path_factory: pytest.TempPathFactory) -> bool:
    """Whether the expense server answers a 2026-07-28 call with an input request; probed once.

    A server that does not start is an error, not a skip: only the missing rounds are expected.
    """
    folder = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    server = ServerProcess(
        "demo_servers.expenses", ["--store", f"sqlite:///{folder / 'probe.db'}"], log_path=folder / "server.log"
    ).start()
    asked: list[str] = []

    def decline(request: Any) -> dict[str, str]:
        asked.append(request.message)
        return {"action": "decline"}

    async def probe() -> bool:
        try:
            async with connect(server.url, protocol="auto", elicitation=decline) as client:
                if client.protocol_version != "2026-07-28":
                    return False
                await client.call_tool("add_expense_interactive", {"user_alias": "probe"})
        except ClientError:
            return False
        return bool(asked)

    try:
        return anyio.run(probe)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _needs_toolkit_mrtr(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("needs_toolkit_mrtr") is None:
        return
    if not request.getfixturevalue("expense_server_speaks_mrtr"):
        pytest.skip(TOOLKIT_MRTR_MISSING)


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
