"""`Progress` and `track`: monotonic, throttled, silent after the response, cheap without a token."""

from __future__ import annotations

import itertools
import math
from contextlib import AsyncExitStack, aclosing
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from harness import in_memory_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdk_compat import SDK_LINE, SDKServer, quietly, structured, wire_callbacks

import toolkit
from toolkit import Context, Progress, track
from toolkit.errors import InvalidArgument

pytestmark = pytest.mark.anyio

# ---------------------------------------------------------------------------
# A recording stand-in for the session, with a clock the test moves by hand.


class FakeConnection:
    """The per-session object of mcp 2.x, as the toolkit's SDK boundary reads it."""

    def __init__(self, exit_stack: AsyncExitStack) -> None:
        self.exit_stack = exit_stack
        self.state: dict[str, Any] = {}
        self.protocol_version = "2025-11-25"


@dataclass(eq=False)
class RecordingSession:
    """Records what `send_progress_notification` was asked to send."""

    sent: list[tuple[float, float | None, str | None]] = field(default_factory=list)
    fail_with: BaseException | None = None
    # Where mcp 1.x sessions keep their session-closed callbacks.
    _exit_stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    # mcp 2.x: whether the call can still reach the client, and the session behind the request.
    can_send_request: bool = True
    _connection: FakeConnection = field(init=False)

    def __post_init__(self) -> None:
        self._connection = FakeConnection(self._exit_stack)

    async def send_progress_notification(self, *, progress_token, progress, total, message, related_request_id):
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append((progress, total, message))


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fake_ctx(session: RecordingSession, token: str | int | None = "token") -> Any:
    """The parts of the line's Context the toolkit reads, through its SDK boundary."""
    if SDK_LINE >= 2:
        # mcp 2.x keeps `_meta` as a dict with snake_case keys.
        request = SimpleNamespace(request_id=1, meta={"progress_token": token}, session=session)
        return SimpleNamespace(
            request_context=request,
            session=session,
            request_id="1",
            protocol_version="2025-11-25",
            mcp_server=SimpleNamespace(),
        )
    request = SimpleNamespace(request_id=1, meta=SimpleNamespace(progressToken=token), session=session)
    return SimpleNamespace(request_context=request, session=session, request_id="1", fastmcp=SimpleNamespace())


def values(sent: list[tuple[float, float | None, str | None]]) -> list[float]:
    return [value for value, _, _ in sent]


# ---------------------------------------------------------------------------
# Property: any sequence of updates gives a strictly increasing sequence ending at the last value.

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
operation = st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=1e3, allow_nan=False)),
    st.tuples(st.just("set"), finite),
    st.tuples(st.just("tick"), st.floats(min_value=0, max_value=2)),
)
totals = st.one_of(st.none(), st.floats(min_value=0.5, max_value=1e4))


@given(
    ops=st.lists(operation, max_size=60),
    total=totals,
    min_interval=st.floats(min_value=0, max_value=1),
)
@settings(max_examples=300, deadline=None)
def test_any_updates_send_strictly_increasing_values_ending_at_the_last(ops, total, min_interval):
    session, clock = RecordingSession(), ManualClock()

    async def scenario() -> Progress:
        async with Progress(fake_ctx(session), total, min_interval=min_interval, clock=clock) as progress:
            for kind, number in ops:
                if kind == "tick":
                    clock.now += number
                elif kind == "advance":
                    await progress.advance(number)
                else:
                    await progress.set(number)
        return progress

    progress = anyio.run(scenario)
    sent = values(session.sent)
    assert all(a < b for a, b in itertools.pairwise(sent)), sent
    assert all(total is None or value <= total for value in sent)
    if progress.started:
        assert sent[-1] == progress.value
    else:
        assert sent == []


@given(ops=st.lists(st.tuples(st.sampled_from(["advance", "set"]), st.integers(-5, 40)), max_size=25))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_property_holds_through_a_real_client_session(ops):
    server = SDKServer("property")

    @server.tool()
    async def run(ctx: Context) -> float:
        async with Progress(ctx, total=500, min_interval=0) as progress:
            for kind, number in ops:
                if kind == "advance":
                    await progress.advance(abs(number))
                else:
                    await progress.set(number)
        return progress.value if progress.started else -1.0

    async def scenario() -> tuple[list[float], float]:
        seen: list[float] = []

        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            seen.append(value)

        async with in_memory_client(server) as client:
            result = await client.call_tool("run", {}, progress_callback=on_progress)
        return seen, float(structured(result)["result"])

    seen, final = anyio.run(scenario)
    assert all(a < b for a, b in itertools.pairwise(seen)), seen
    assert seen[-1:] == ([final] if final >= 0 else [])


# ---------------------------------------------------------------------------
# Throttling with a hand-moved clock.


async def test_a_burst_is_coalesced_and_the_held_back_value_goes_out_on_close():
    session, clock = RecordingSession(), ManualClock()
    async with Progress(fake_ctx(session), min_interval=1.0, clock=clock) as progress:
        results = [await progress.advance(message=f"step {n}") for n in range(1, 6)]
        assert results == [True, False, False, False, False]
        assert session.sent == [(1, None, "step 1")]
    assert session.sent == [(1, None, "step 1"), (5, None, "step 5")]


async def test_the_next_update_after_the_interval_carries_the_latest_value():
    session, clock = RecordingSession(), ManualClock()
    progress = Progress(fake_ctx(session), total=100, min_interval=1.0, clock=clock)
    await progress.set(10)
    await progress.set(20)
    clock.now = 1.0
    assert await progress.set(30, "thirty")
    assert session.sent == [(10, 100, None), (30, 100, "thirty")]


async def test_reaching_the_total_is_sent_at_once_despite_throttling():
    session, clock = RecordingSession(), ManualClock()
    progress = Progress(fake_ctx(session), total=3, min_interval=60, clock=clock)
    await progress.advance()
    await progress.advance()
    assert await progress.advance(message="done")
    assert session.sent == [(1, 3, None), (3, 3, "done")]


async def test_values_are_capped_at_the_total_and_lower_values_are_dropped():
    session = RecordingSession()
    progress = Progress(fake_ctx(session), total=10, min_interval=0)
    assert await progress.set(25)
    assert not await progress.set(10)
    assert not await progress.set(4)
    assert not await progress.advance()
    assert values(session.sent) == [10]
    assert progress.value == 10


async def test_a_closed_progress_sends_nothing_more():
    session = RecordingSession()
    progress = Progress(fake_ctx(session), min_interval=0)
    await progress.advance()
    await progress.aclose()
    assert not await progress.advance()
    assert not progress.active
    assert progress.value == 2, "the count goes on; only the sending stops"
    assert values(session.sent) == [1]


async def test_a_client_that_went_away_stops_the_reporting_without_failing_the_work():
    session = RecordingSession(fail_with=anyio.BrokenResourceError())
    progress = Progress(fake_ctx(session), min_interval=0)
    assert not await progress.advance()
    assert not progress.active
    session.fail_with = None
    assert not await progress.advance()
    assert session.sent == []


async def test_cancellation_closes_without_a_last_update():
    session, clock = RecordingSession(), ManualClock()
    with anyio.CancelScope() as scope:
        async with Progress(fake_ctx(session), min_interval=10, clock=clock) as progress:
            await progress.advance()
            await progress.advance()
            scope.cancel()
            await anyio.sleep(1)
    assert values(session.sent) == [1]
    assert not progress.active


# ---------------------------------------------------------------------------
# Bad input: a clear error, and nothing lost.


@pytest.mark.parametrize("total", [0, -1, math.nan, math.inf, "10", True])
def test_a_bad_total_is_refused(total):
    with pytest.raises(InvalidArgument, match="total=") as caught:
        Progress(fake_ctx(RecordingSession()), total)
    assert isinstance(caught.value, ValueError)
    assert caught.value.argument == "total"


@pytest.mark.parametrize("interval", [-0.1, math.nan, math.inf, None])
def test_a_bad_min_interval_is_refused(interval):
    with pytest.raises(InvalidArgument, match="min_interval="):
        Progress(fake_ctx(RecordingSession()), min_interval=interval)


def test_an_unknown_log_level_is_refused():
    with pytest.raises(InvalidArgument, match=r"log_fallback='loud'.*use one of debug"):
        Progress(fake_ctx(RecordingSession()), log_fallback="loud")


BAD_UPDATES = [("advance", -1), ("advance", math.nan), ("set", math.inf), ("set", "3")]


@pytest.mark.parametrize(("method", "number"), BAD_UPDATES)
async def test_a_bad_update_is_refused_and_loses_nothing(method, number):
    session = RecordingSession()
    progress = Progress(fake_ctx(session), total=10, min_interval=0)
    await progress.advance(2)
    with pytest.raises(InvalidArgument):
        await getattr(progress, method)(number)
    assert progress.value == 2
    assert await progress.advance()
    assert values(session.sent) == [2, 3]


# ---------------------------------------------------------------------------
# Through a real client session.


def notifications_recorder() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every server notification the client receives, in wire form, and the callbacks recording them."""
    seen: list[dict[str, Any]] = []
    return seen, wire_callbacks(notification=seen.append)


async def test_without_a_token_nothing_is_sent_but_the_count_goes_on():
    server = SDKServer("quiet")

    @server.tool()
    async def work(ctx: Context) -> list[Any]:
        progress = Progress(ctx, total=5)
        sent = [await progress.advance() for _ in range(5)]
        return [progress.active, progress.value, sent]

    seen, recording = notifications_recorder()
    async with in_memory_client(server, **recording) as client:
        result = await client.call_tool("work", {})
    assert structured(result)["result"] == [False, 5, [False] * 5]
    assert seen == []


async def test_without_a_token_it_falls_back_to_log_notifications_when_asked():
    server = toolkit.stateful_server("fallback")

    @server.tool()
    async def work(ctx: Context) -> str:
        async with Progress(ctx, total=2, min_interval=0, log_fallback="info") as progress:
            await progress.advance(message="first")
            await progress.advance()
        return "done"

    logs: list[dict[str, Any]] = []

    async with in_memory_client(server, **wire_callbacks(logging=logs.append)) as client:
        await client.call_tool("work", {})
        assert [(entry["level"], entry["logger"], entry["data"]) for entry in logs] == [
            ("info", "progress", "first (1/2)"),
            ("info", "progress", "2/2"),
        ]
        await quietly(client.set_logging_level, "warning")
        await client.call_tool("work", {})
    assert len(logs) == 2, "the client's logging/setLevel filters the fallback"


async def test_the_log_fallback_is_not_used_when_there_is_a_token():
    server = toolkit.stateful_server("token-wins")

    @server.tool()
    async def work(ctx: Context) -> str:
        async with Progress(ctx, min_interval=0, log_fallback="info") as progress:
            await progress.advance()
        return "done"

    logs: list[Any] = []
    seen: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append(value)

    async with in_memory_client(server, **wire_callbacks(logging=logs.append)) as client:
        await client.call_tool("work", {}, progress_callback=on_progress)
    assert (seen, logs) == ([1], [])


async def test_updates_after_the_response_are_not_sent():
    server = SDKServer("late")
    kept: dict[str, Progress] = {}

    @server.tool()
    async def work(scoped: bool, ctx: Context) -> str:
        progress = Progress(ctx, total=10, min_interval=0)
        if scoped:
            async with progress:
                await progress.advance()
        else:
            await progress.advance()
        kept["progress"] = progress
        return "answered"

    seen: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append(value)

    async with in_memory_client(server) as client:
        for scoped in (True, False):
            seen.clear()
            await client.call_tool("work", {"scoped": scoped}, progress_callback=on_progress)
            late = kept["progress"]
            assert [await late.advance(), await late.set(10)] == [False, False]
            await quietly(client.send_ping)  # anything sent late would arrive before the ping's answer
            assert seen == [1]
            assert not late.active


async def test_two_reporters_on_one_call_share_one_increasing_sequence():
    server = SDKServer("shared")

    @server.tool()
    async def work(ctx: Context) -> str:
        first = Progress(ctx, total=10, min_interval=0)
        second = Progress(ctx, total=10, min_interval=0)
        await first.set(5)
        await second.set(3)
        await second.set(7)
        await first.set(6)
        await first.set(8)
        return "done"

    seen: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append(value)

    async with in_memory_client(server) as client:
        await client.call_tool("work", {}, progress_callback=on_progress)
    assert seen == [5, 7, 8]


def test_outside_a_request_progress_is_inert():
    progress = Progress(Context())
    assert not progress.active
    assert anyio.run(progress.advance) is False
    assert progress.value == 1


# ---------------------------------------------------------------------------
# track()


async def collect(server: Any, tool: str, arguments: dict[str, Any] | None = None) -> tuple[list[Any], Any]:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, total, message))

    async with in_memory_client(server) as client:
        result = await client.call_tool(tool, arguments or {}, progress_callback=on_progress)
    return seen, structured(result)["result"]


async def test_track_reports_items_of_a_list_with_its_length_as_total():
    server = SDKServer("track")

    @server.tool()
    async def work(ctx: Context) -> list[str]:
        return [item async for item in track(ctx, ["a", "b", "c"], message=lambda item: f"did {item}", min_interval=0)]

    seen, items = await collect(server, "work")
    assert items == ["a", "b", "c"]
    assert seen == [(1, 3, "did a"), (2, 3, "did b"), (3, 3, "did c")]


async def test_track_reports_an_async_iterable_without_a_known_total():
    server = SDKServer("track-async")

    async def numbers():
        for number in range(4):
            yield number

    @server.tool()
    async def work(ctx: Context) -> list[int]:
        return [item async for item in track(ctx, numbers(), message="working", min_interval=0)]

    seen, items = await collect(server, "work")
    assert items == [0, 1, 2, 3]
    assert seen == [(n, None, "working") for n in (1, 2, 3, 4)]


async def test_track_counts_an_item_as_done_only_when_the_next_one_is_asked_for():
    session = RecordingSession()
    sent_before_each_item = []
    async for _ in track(fake_ctx(session), range(3), min_interval=0):
        sent_before_each_item.append(values(session.sent))
    assert sent_before_each_item == [[], [1], [1, 2]]
    assert values(session.sent) == [1, 2, 3]


async def test_leaving_a_tracked_loop_early_sends_the_last_value_on_close():
    server = SDKServer("track-break")

    @server.tool()
    async def work(ctx: Context) -> int:
        async with aclosing(track(ctx, range(100), min_interval=60)) as items:
            async for item in items:
                if item == 41:
                    break
        return item

    seen, last = await collect(server, "work")
    assert last == 41
    assert seen == [(1, 100, None), (41, 100, None)]


async def test_track_with_an_explicit_total_and_bad_total():
    server = SDKServer("track-total")

    @server.tool()
    async def work(ctx: Context) -> int:
        return len([item async for item in track(ctx, iter(range(5)), total=5, min_interval=0)])

    seen, count = await collect(server, "work")
    assert count == 5
    assert seen[-1] == (5, 5, None)
    with pytest.raises(InvalidArgument, match="total=-5"):
        track(Context(), range(3), total=-5)


async def test_track_without_a_token_yields_every_item():
    server = SDKServer("track-quiet")

    @server.tool()
    async def work(ctx: Context) -> int:
        return sum([item async for item in track(ctx, range(1000))])

    seen, recording = notifications_recorder()
    async with in_memory_client(server, **recording) as client:
        result = await client.call_tool("work", {})
    assert structured(result)["result"] == sum(range(1000))
    assert seen == []


async def test_zero_is_a_valid_first_value():
    sent: list[float] = []

    server = toolkit.stateful_server("zero-first", event_store=False)

    @server.tool()
    async def steps(ctx: Context) -> str:
        async with toolkit.Progress(ctx, total=100, min_interval=0) as progress:
            for value in (0, 0, 50, 100):
                await progress.set(value)
        return "ok"

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        sent.append(progress)

    async with in_memory_client(server) as client:
        await client.call_tool("steps", {}, progress_callback=on_progress)
    assert sent == [0, 50, 100]
