"""Task groups wrap every exception in an `ExceptionGroup`; callers of a context manager that
uses one internally should still see the one error that happened."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["sole_exception", "unwrapped"]


def sole_exception(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    """The single leaf exception of a (nested) group, or None when there are several."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop()
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        else:
            leaves.append(current)
    return leaves[0] if len(leaves) == 1 else None


@asynccontextmanager
async def unwrapped() -> AsyncIterator[None]:
    """Re-raise a group holding exactly one exception as that exception."""
    try:
        yield
    except BaseExceptionGroup as group:
        leaf = sole_exception(group)
        if leaf is None:
            raise
    else:
        return
    # Raised outside the `except` block so the group does not become the leaf's context.
    raise leaf
