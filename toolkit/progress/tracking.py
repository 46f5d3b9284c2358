"""`Progress` and `track`: progress notifications that are always valid on the wire.

`ctx.report_progress` in the SDK sends whatever it is given: values that go down or repeat,
a notification per loop step, and notifications after the call has answered. `Progress`
sends a value only when it exceeds the last one on the same token, throttles bursts to one
notification per `min_interval`, always sends the final value when its block ends, and
sends nothing once the response has gone out. Without a progress token it only keeps count,
or sends log notifications when asked to.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sized
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import anyio

from .._sdk import LoggingLevel
from ..errors import InvalidArgument
from .route import checked_level, route_for

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["DEFAULT_MIN_INTERVAL", "Progress", "track"]

T = TypeVar("T")

#: Seconds between two progress notifications unless the final value is due.
DEFAULT_MIN_INTERVAL = 0.1


class Progress:
    """Monotonic, throttled progress for one tool call.

    Use it as an async context manager so that the final value goes out when the work ends
    and nothing goes out after the tool returns:

        async with Progress(ctx, total=epochs) as progress:
            for epoch in range(epochs):
                await train_one(epoch)
                await progress.advance(message=f"epoch {epoch + 1}/{epochs}")

    Args:
        ctx: The tool's context.
        total: The value that means "done", or None when it is unknown. Values above it
            are reported as `total`.
        min_interval: Seconds between notifications; updates in between are coalesced
            into the next one. Reaching `total` is sent at once.
        log_fallback: Log level for `notifications/message` updates when the request
            carried no progress token; None sends nothing then.
        clock: Monotonic clock in seconds, for throttling.

    Raises:
        InvalidArgument: `total`, `min_interval` or `log_fallback` is out of range.
    """

    def __init__(
        self,
        ctx: Context,
        total: float | None = None,
        *,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        log_fallback: LoggingLevel | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if total is not None and not (_is_number(total) and math.isfinite(total) and total > 0):
            raise InvalidArgument.for_value("total", total, "use a finite number above 0, or None when unknown")
        if not (_is_number(min_interval) and math.isfinite(min_interval) and min_interval >= 0):
            raise InvalidArgument.for_value("min_interval", min_interval, "use a finite number of seconds, 0 or more")
        self.total = total
        self.min_interval = min_interval
        self._route = route_for(ctx, log_level=checked_level("log_fallback", log_fallback))
        self._clock = clock
        self._value: float = 0
        # 0 is a valid first value, so "nothing recorded yet" is tracked apart from the value.
        self._recorded = False
        self._message: str | None = None
        self._pending = False
        self._last_sent_at: float | None = None

    @property
    def value(self) -> float:
        """The highest value reached so far (0 before any progress)."""
        return self._value

    @property
    def started(self) -> bool:
        """Whether any value has been recorded (0 counts: it is a valid first value)."""
        return self._recorded

    @property
    def active(self) -> bool:
        """Whether an update can still reach the client."""
        return self._route is not None and not self._route.closed

    async def advance(self, amount: float = 1, message: str | None = None) -> bool:
        """Add `amount` to the value and report it, subject to throttling.

        Returns:
            True if a notification was sent now; False if nothing was sent (no token, the
            update was held back by throttling, or the call is over).

        Raises:
            InvalidArgument: `amount` is negative, infinite or not a number.
        """
        if not (_is_number(amount) and math.isfinite(amount) and amount >= 0):
            raise InvalidArgument.for_value("amount", amount, "use a finite number, 0 or more")
        if self._record(self._value + amount, message):
            return await self._flush()
        return False

    async def set(self, value: float, message: str | None = None) -> bool:
        """Move the value to `value` and report it; a value that is not higher is dropped.

        Returns:
            True if a notification was sent now.

        Raises:
            InvalidArgument: `value` is infinite or not a number.
        """
        if not (_is_number(value) and math.isfinite(value)):
            raise InvalidArgument.for_value("value", value, "use a finite number")
        if self._record(value, message):
            return await self._flush()
        return False

    async def aclose(self) -> None:
        """Send the value throttling held back, if any, then stop reporting."""
        if self._pending and self.active:
            await self._flush()
        self._close()

    async def __aenter__(self) -> Progress:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and issubclass(exc_type, anyio.get_cancelled_exc_class()):
            # A cancelled call has been answered already; a last update would come too late.
            self._close()
            return
        await self.aclose()

    def _record(self, value: float, message: str | None) -> bool:
        """Take an update in; True when it should be sent now, False when dropped or held back."""
        total = self.total
        if total is not None and value > total:
            value = total
        if value < self._value or (value == self._value and self._recorded):
            return False
        self._value, self._message, self._recorded = value, message, True
        route = self._route
        if route is None or route.closed:
            return False
        last = self._last_sent_at
        due = last is None or value == total or self._clock() - last >= self.min_interval
        self._pending = not due
        return due

    async def _flush(self) -> bool:
        assert self._route is not None
        self._pending = False
        # An attempt the channel refuses counts too, so a reporter behind another one on the
        # same token does not retry on every update.
        self._last_sent_at = self._clock()
        return await self._route.deliver(self._value, self.total, self._message)

    def _close(self) -> None:
        self._pending = False
        if self._route is not None:
            self._route.closed = True


def track(
    ctx: Context,
    items: Iterable[T] | AsyncIterable[T],
    total: float | None = None,
    *,
    message: str | Callable[[T], str] | None = None,
    min_interval: float = DEFAULT_MIN_INTERVAL,
    log_fallback: LoggingLevel | None = None,
) -> AsyncIterator[T]:
    """Yield the items of a sync or async iterable, reporting one unit of progress per item.

    An item counts as done when the loop asks for the next one, so the value tracks
    finished work. The final value is sent when the iterable ends, or when the loop is left
    early and the iterator closed (wrap it in `contextlib.aclosing` to close it at once).

        async for row in track(ctx, rows, message=lambda row: f"row {row.id}"):
            await store(row)

    Args:
        ctx: The tool's context.
        items: What to iterate over.
        total: Number of items; taken from `len(items)` when it has one.
        message: A fixed message, or a function of the finished item.
        min_interval: As for `Progress`.
        log_fallback: As for `Progress`.

    Returns:
        An async iterator over the items.

    Raises:
        InvalidArgument: `total`, `min_interval` or `log_fallback` is out of range.
    """
    if total is None and isinstance(items, Sized):
        total = len(items) or None
    progress = Progress(ctx, total, min_interval=min_interval, log_fallback=log_fallback)
    if not progress.active:
        return _quiet(items)
    describe = message if callable(message) else _constant(message)
    return _reporting(items, progress, describe)


async def _quiet(items: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    # Nothing can be reported: one async generator step per item is the whole cost.
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


async def _reporting(
    items: Iterable[T] | AsyncIterable[T],
    progress: Progress,
    describe: Callable[[T], str | None],
) -> AsyncIterator[T]:
    async with progress:
        if isinstance(items, AsyncIterable):
            async for item in items:
                yield item
                await progress.advance(1, describe(item))
        else:
            for item in items:
                yield item
                await progress.advance(1, describe(item))


def _constant(message: str | None) -> Callable[[object], str | None]:
    return lambda _item: message


def _is_number(value: object) -> bool:
    # The exact-type test first: it is the hot path of every update.
    return type(value) in _PLAIN_NUMBERS or (isinstance(value, int | float) and not isinstance(value, bool))


_PLAIN_NUMBERS = frozenset({int, float})
