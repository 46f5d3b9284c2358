"""The SDK's bare client over streamable HTTP, answering every form with `EXPENSE_ANSWER`.

This is the baseline client: no reconnection, no capability bookkeeping, nothing the
reference client adds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.types import ElicitRequestParams, ElicitResult

from . import sdk_line
from .servers import EXPENSE_ANSWER

__all__ = ["answer_expense", "sdk_session"]


async def answer_expense(context: Any, params: ElicitRequestParams) -> ElicitResult:
    """An elicitation callback that accepts every form with `EXPENSE_ANSWER`."""
    return ElicitResult(action="accept", content=EXPENSE_ANSWER)


@asynccontextmanager
async def sdk_session(url: str) -> AsyncIterator[Any]:
    """An initialized SDK client on `url` that answers forms; DELETEd on exit."""
    async with sdk_line.sdk_session(url, elicitation_callback=answer_expense) as session:
        yield session
