"""The SDK's bare `ClientSession` over streamable HTTP, answering every form with `EXPENSE_ANSWER`.

This is the baseline client: no reconnection, no capability bookkeeping, nothing the
reference client adds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.context import RequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from .servers import EXPENSE_ANSWER

__all__ = ["answer_expense", "sdk_session"]


async def answer_expense(context: RequestContext[ClientSession, Any], params: ElicitRequestParams) -> ElicitResult:
    """An elicitation callback that accepts every form with `EXPENSE_ANSWER`."""
    return ElicitResult(action="accept", content=EXPENSE_ANSWER)


@asynccontextmanager
async def sdk_session(url: str) -> AsyncIterator[ClientSession]:
    """An initialized SDK session on `url` that answers forms; DELETEd on exit."""
    async with (
        streamable_http_client(url) as (read, write, _),
        ClientSession(read, write, elicitation_callback=answer_expense) as session,
    ):
        await session.initialize()
        yield session
