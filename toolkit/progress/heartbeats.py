"""Heartbeats that keep a long tool call alive, and blocking work that does not stop them.

A heartbeat sends a notification every few seconds while its block runs, so proxies and
clients see a live call even when there is nothing countable to report. The beats run in a
task of the event loop, so blocking work must go to a worker thread (`Heartbeat.run_sync`,
`run_blocking`): a `time.sleep` on the loop would freeze every notification.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar, TypeVarTuple, Unpack

import anyio
import anyio.to_thread

from .._sdk import LoggingLevel
from ..errors import ConfigurationError, InvalidArgument
from .route import Via, checked_level, route_for

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from .._sdk import Context

__all__ = ["DEFAULT_EVERY", "Heartbeat", "heartbeat", "run_blocking"]

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

#: Seconds between beats; well below the idle timeouts of proxies and AgentCore (15 min).
DEFAULT_EVERY = 5.0
DEFAULT_MESSAGE = "Still working"

#: A fixed message, shown with the elapsed seconds, or a function of the elapsed seconds.
BeatMessage = str | Callable[[float], str]


class Heartbeat:
    """Sends a notification every `every` seconds while its `async with` block runs.

    With a progress token, each beat is a progress notification whose value is the elapsed
    seconds (so it always increases) and whose message says the work goes on. Without one,
    each beat is a log notification. The beats stop when the block exits, however it exits;
    an exception from the block propagates unchanged.

    Attributes:
        every: Seconds between beats.
        beats: Notifications sent so far.
    """

    def __init__(
        self,
        ctx: Context,
        every: float = DEFAULT_EVERY,
        *,
        message: BeatMessage = DEFAULT_MESSAGE,
        via: Via | None = None,
        log_level: LoggingLevel = "info",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(every, bool) or not isinstance(every, int | float) or not (math.isfinite(every) and every > 0):
            raise InvalidArgument.for_value("every", every, "use a finite number of seconds above 0")
        self.every = every
        self.beats = 0
        self._message = message
        level = checked_level("log_level", log_level)
        self._route = route_for(ctx, via=via, log_level=level, log_text=_message_only)
        self._clock = clock
        self._started: float | None = None
        self._task_group: TaskGroup | None = None

    @property
    def running(self) -> bool:
        """Whether the block is running and beats are scheduled."""
        return self._task_group is not None

    @property
    def elapsed(self) -> float:
        """Seconds since the block started (0 before it starts)."""
        return 0.0 if self._started is None else self._clock() - self._started

    async def run_sync(
        self,
        func: Callable[[Unpack[Ts]], T],
        *args: *Ts,
        abandon_on_cancel: bool = True,
    ) -> T:
        """Run blocking `func(*args)` in a worker thread while the beats go on.

        When the call is cancelled, the tool stops waiting at once (`abandon_on_cancel`); the
        thread itself cannot be killed and runs `func` to its end, its result discarded. To
        stop early, `func` can call `anyio.from_thread.check_cancelled()` now and then.

        Args:
            func: A blocking function.
            *args: Its positional arguments.
            abandon_on_cancel: False makes a cancelled call wait for the thread to finish.

        Returns:
            What `func` returned.
        """
        return await anyio.to_thread.run_sync(func, *args, abandon_on_cancel=abandon_on_cancel)

    async def __aenter__(self) -> Heartbeat:
        if self._started is not None:
            raise ConfigurationError("A heartbeat runs once; create a new one with toolkit.heartbeat(ctx).")
        self._started = self._clock()
        group = anyio.create_task_group()
        await group.__aenter__()
        group.start_soon(self._beat)
        self._task_group = group
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        group, self._task_group = self._task_group, None
        if self._route is not None:
            self._route.closed = True
        if group is None:
            return
        group.cancel_scope.cancel()
        # The group holds only the beat task. Telling it nothing about the block keeps the
        # block's exception out of an ExceptionGroup, so it propagates unchanged.
        await group.__aexit__(None, None, None)

    async def _beat(self) -> None:
        route = self._route
        while route is not None and not route.closed:
            await anyio.sleep(self.every)
            elapsed = round(self.elapsed, 3)
            if await route.deliver(elapsed, None, self._text(elapsed)):
                self.beats += 1

    def _text(self, elapsed: float) -> str:
        if callable(self._message):
            return self._message(elapsed)
        return f"{self._message} ({elapsed:.1f} s elapsed)"


def heartbeat(
    ctx: Context,
    every: float = DEFAULT_EVERY,
    *,
    message: BeatMessage = DEFAULT_MESSAGE,
    via: Via | None = None,
    log_level: LoggingLevel = "info",
) -> Heartbeat:
    """A heartbeat for the current tool call; use it with `async with`.

        async with heartbeat(ctx, every=5.0, message="Training") as beat:
            model = await beat.run_sync(train, data)

    Args:
        ctx: The tool's context.
        every: Seconds between beats.
        message: A fixed message (the elapsed seconds are appended) or a function of the
            elapsed seconds.
        via: "progress" or "log" to force one kind of notification; by default progress
            when the request carried a progress token and log notifications otherwise.
            Use "log" when a `Progress` already reports on the same call: one token
            carries one increasing value, so beats there would be dropped.
        log_level: Level of log beats; the client's `logging/setLevel` filters them.

    Returns:
        The `Heartbeat`, not yet started.

    Raises:
        InvalidArgument: `every` or `log_level` is out of range.
    """
    return Heartbeat(ctx, every, message=message, via=via, log_level=log_level)


async def run_blocking(
    ctx: Context,
    func: Callable[[Unpack[Ts]], T],
    *args: *Ts,
    every: float = DEFAULT_EVERY,
    message: BeatMessage = DEFAULT_MESSAGE,
    via: Via | None = None,
    abandon_on_cancel: bool = True,
) -> T:
    """Run blocking `func(*args)` in a worker thread under a heartbeat.

        score = await run_blocking(ctx, train_model, "resnet", 10, every=5.0)

    When the client cancels the call, the tool returns at once and the heartbeat stops; the
    thread runs `func` to its end unless `func` checks `anyio.from_thread.check_cancelled()`.

    Args:
        ctx: The tool's context.
        func: A blocking function.
        *args: Its positional arguments.
        every: Seconds between beats.
        message: As for `heartbeat`.
        via: As for `heartbeat`.
        abandon_on_cancel: False makes a cancelled call wait for the thread to finish.

    Returns:
        What `func` returned.
    """
    async with Heartbeat(ctx, every, message=message, via=via) as beat:
        return await beat.run_sync(func, *args, abandon_on_cancel=abandon_on_cancel)


def _message_only(value: float, total: float | None, message: str | None) -> str:
    return message or f"{value:g} s elapsed"
