"""`heartbeat` and `run_blocking` over in-memory sessions: beats flow, stop, and never hide errors."""

from __future__ import annotations

import itertools
import threading
from contextlib import suppress
from typing import Any

import anyio
import pytest
from harness import in_memory_client
from sdk_compat import McpError, SDKServer, is_error, quietly, send_notification, structured, text_of, wire_callbacks

import toolkit
from toolkit import ConfigurationError, Context, heartbeat, run_blocking
from toolkit.errors import InvalidArgument
from toolkit.progress import Heartbeat

pytestmark = pytest.mark.anyio

BEAT = 0.01
WAIT_LIMIT = 10.0


class Recorder:
    """Everything the client receives, by kind, in wire form."""

    def __init__(self) -> None:
        self.progress: list[tuple[float, float | None, str | None]] = []
        self.logs: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []

    async def on_progress(self, value: float, total: float | None, message: str | None) -> None:
        self.progress.append((value, total, message))

    def callbacks(self) -> dict[str, Any]:
        """Client callbacks recording log messages and every other notification."""
        return wire_callbacks(logging=self.logs.append, notification=self.notifications.append)


async def wait_for(condition: Any) -> None:
    for _ in range(int(WAIT_LIMIT / (BEAT / 2))):
        if condition():
            return
        await anyio.sleep(BEAT / 2)
    raise AssertionError("the condition did not come true in time")


async def test_beats_are_increasing_progress_with_a_message():
    server = SDKServer("beats")

    @server.tool()
    async def work(ctx: Context) -> int:
        async with heartbeat(ctx, every=BEAT, message="Training") as beat:
            await wait_for(lambda: beat.beats >= 3)
        return beat.beats

    seen = Recorder()
    async with in_memory_client(server) as client:
        result = await client.call_tool("work", {}, progress_callback=seen.on_progress)
    values = [value for value, _, _ in seen.progress]
    assert len(values) == structured(result)["result"] >= 3
    assert all(a < b for a, b in itertools.pairwise(values))
    assert all(total is None and message.startswith("Training (") for _, total, message in seen.progress)
    assert seen.progress[0][2].endswith("s elapsed)")


async def test_without_a_token_beats_are_log_notifications():
    server = toolkit.stateful_server("beats-log")

    @server.tool()
    async def work(ctx: Context) -> int:
        async with heartbeat(ctx, every=BEAT, message=lambda s: f"alive after {s:.2f}s", log_level="notice") as beat:
            await wait_for(lambda: beat.beats >= 2)
        return beat.beats

    seen = Recorder()
    async with in_memory_client(server, **seen.callbacks()) as client:
        result = await client.call_tool("work", {})
    beats = structured(result)["result"]
    assert [(log["level"], log["logger"]) for log in seen.logs] == [("notice", "progress")] * beats
    assert all(str(log["data"]).startswith("alive after ") for log in seen.logs)
    assert not any(n["method"] == "notifications/progress" for n in seen.notifications)


async def test_via_log_keeps_the_token_free_for_a_progress():
    server = toolkit.stateful_server("beats-beside-progress")

    @server.tool()
    async def work(ctx: Context) -> int:
        async with (
            toolkit.Progress(ctx, total=2, min_interval=0) as progress,
            heartbeat(ctx, every=BEAT, via="log") as beat,
        ):
            await progress.advance()
            await wait_for(lambda: beat.beats >= 2)
            await progress.advance()
        return beat.beats

    seen = Recorder()
    async with in_memory_client(server, **seen.callbacks()) as client:
        result = await client.call_tool("work", {}, progress_callback=seen.on_progress)
    assert seen.progress == [(1, 2, None), (2, 2, None)]
    assert len(seen.logs) == structured(result)["result"] >= 2


async def test_an_error_in_the_block_propagates_unchanged_and_stops_the_beats():
    server = SDKServer("beats-error")
    kept: dict[str, Any] = {}

    class TrainingFailed(Exception):
        pass

    @server.tool()
    async def work(ctx: Context) -> str:
        error = TrainingFailed("diverged")
        try:
            async with heartbeat(ctx, every=BEAT) as beat:
                kept["beat"] = beat
                await wait_for(lambda: beat.beats >= 1)
                raise error
        except TrainingFailed as caught:
            kept["same"] = caught is error
        kept["beats"] = beat.beats
        await anyio.sleep(BEAT * 5)
        return "recovered"

    seen = Recorder()
    async with in_memory_client(server) as client:
        result = await client.call_tool("work", {}, progress_callback=seen.on_progress)
    assert structured(result)["result"] == "recovered"
    assert kept["same"], "the very exception, not an ExceptionGroup"
    assert not kept["beat"].running
    assert kept["beat"].beats == kept["beats"] == len(seen.progress)


class DatasetMissing(toolkit.errors.ToolError, LookupError):
    """A failure the tool's author anticipated, so its message is for the caller on every line."""


async def test_an_error_that_escapes_the_tool_is_reported_as_the_tools_error():
    server = SDKServer("beats-tool-error")

    @server.tool()
    async def work(ctx: Context) -> str:
        async with heartbeat(ctx, every=BEAT):
            raise DatasetMissing("no such dataset: cifar-11")

    async with in_memory_client(server) as client:
        result = await client.call_tool("work", {})
    # Wrapped in an ExceptionGroup, the error would no longer be one the SDK shows.
    assert is_error(result)
    assert "no such dataset: cifar-11" in text_of(result)


async def test_a_cancelled_block_stops_its_beats():
    server = SDKServer("beats-cancel")
    kept: dict[str, Any] = {}

    @server.tool()
    async def work(ctx: Context) -> str:
        with anyio.CancelScope() as scope:
            async with heartbeat(ctx, every=BEAT) as beat:
                kept["beat"] = beat
                await wait_for(lambda: beat.beats >= 2)
                scope.cancel()
                await anyio.sleep_forever()
        stopped_at = beat.beats
        await anyio.sleep(BEAT * 5)
        kept["unchanged"] = beat.beats == stopped_at
        return "stopped"

    seen = Recorder()
    async with in_memory_client(server) as client:
        await client.call_tool("work", {}, progress_callback=seen.on_progress)
    assert kept["unchanged"]
    assert not kept["beat"].running
    assert len(seen.progress) == kept["beat"].beats


async def test_run_blocking_keeps_beating_while_the_thread_blocks():
    server = SDKServer("beats-thread")
    unblock = threading.Event()

    @server.tool()
    async def work(ctx: Context) -> bool:
        # The worker blocks until the client has received two beats; on a frozen loop it never would.
        return await run_blocking(ctx, unblock.wait, WAIT_LIMIT, every=BEAT, message="Waiting")

    seen = Recorder()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        await seen.on_progress(value, total, message)
        if len(seen.progress) >= 2:
            unblock.set()

    async with in_memory_client(server) as client:
        result = await client.call_tool("work", {}, progress_callback=on_progress)
    assert structured(result)["result"] is True
    assert len(seen.progress) >= 2


async def test_client_cancellation_stops_the_beats_and_abandons_the_thread():
    server = SDKServer("beats-client-cancel")
    release = threading.Event()
    state: dict[str, Any] = {}

    @server.tool()
    async def work(ctx: Context) -> str:
        request_id = ctx.request_id
        state["request_id"] = int(request_id) if request_id.isdigit() else request_id
        try:
            async with heartbeat(ctx, every=BEAT) as beat:
                state["beat"] = beat
                await beat.run_sync(release.wait, WAIT_LIMIT)
        finally:
            state["tool_ended"] = True
        return "finished"

    seen = Recorder()

    async def call(client: Any) -> None:
        # mcp 1.x answers a cancelled request with an error; mcp 2.x never answers it.
        with suppress(McpError):
            await client.call_tool("work", {}, progress_callback=seen.on_progress)

    try:
        async with in_memory_client(server) as client:
            async with anyio.create_task_group() as group:
                group.start_soon(call, client)
                await wait_for(lambda: len(seen.progress) >= 2)
                cancel = {"method": "notifications/cancelled", "params": {"requestId": state["request_id"]}}
                await send_notification(client, cancel)
                await wait_for(lambda: state.get("tool_ended"))
                group.cancel_scope.cancel()
            assert not state["beat"].running
            assert not release.is_set(), "the tool ended while its thread still blocked"
            beats = state["beat"].beats
            await anyio.sleep(BEAT * 5)
            assert state["beat"].beats == beats
    finally:
        release.set()


async def test_a_heartbeat_that_outlives_its_call_sends_nothing_after_the_response():
    server = SDKServer("beats-late")
    kept: dict[str, Heartbeat] = {}

    async with anyio.create_task_group() as background:

        async def beat_forever(ctx: Context, started: anyio.Event) -> None:
            async with heartbeat(ctx, every=BEAT) as beat:
                kept["beat"] = beat
                started.set()
                await anyio.sleep_forever()

        @server.tool()
        async def work(ctx: Context) -> str:
            # Misuse on purpose: the heartbeat runs in a task that outlives the call.
            started = anyio.Event()
            background.start_soon(beat_forever, ctx, started)
            await started.wait()
            await wait_for(lambda: kept["beat"].beats >= 1)
            return "answered"

        seen = Recorder()
        async with in_memory_client(server, **seen.callbacks()) as client:
            await client.call_tool("work", {}, progress_callback=seen.on_progress)
            at_response = len(seen.progress)
            beats = kept["beat"].beats
            await anyio.sleep(BEAT * 10)
            await quietly(client.send_ping)
            assert len(seen.progress) == at_response
            assert kept["beat"].beats == beats
        background.cancel_scope.cancel()


async def test_a_heartbeat_runs_once():
    server = SDKServer("beats-once")

    @server.tool()
    async def work(ctx: Context) -> str:
        beat = heartbeat(ctx, every=BEAT)
        async with beat:
            pass
        with pytest.raises(ConfigurationError, match="runs once"):
            async with beat:
                pass
        return "ok"

    async with in_memory_client(server) as client:
        result = await client.call_tool("work", {})
    assert not is_error(result), text_of(result)


@pytest.mark.parametrize("every", [0, -1, float("nan"), float("inf"), "5"])
def test_a_bad_interval_is_refused(every):
    with pytest.raises(InvalidArgument, match="every="):
        heartbeat(Context(), every=every)


def test_a_bad_log_level_is_refused():
    with pytest.raises(InvalidArgument, match="log_level='chatty'"):
        heartbeat(Context(), log_level="chatty")


async def test_outside_a_request_the_block_just_runs():
    async with heartbeat(Context(), every=BEAT) as beat:
        await anyio.sleep(BEAT * 3)
        assert beat.running
    assert beat.beats == 0
    assert not beat.running
