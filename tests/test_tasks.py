"""`TaskManager` over every store: running, progress, failure, cancellation, limits, clean-up."""

from __future__ import annotations

import math
from dataclasses import replace

import anyio
import pytest
from pydantic import BaseModel
from task_support import ALL_STORES, WAIT_SECONDS, eventually, store_url, wait_for, wait_for_progress

from toolkit import ConfigurationError, TaskContext, TaskManager, TaskStatus, open_task_store
from toolkit.errors import InvalidArgument, TaskNotFinished, TaskNotFound, TooManyTasks
from toolkit.tasks import TaskRecord

pytestmark = pytest.mark.anyio

ALICE = "user:alice"
BOB = "user:bob"


@pytest.fixture(params=ALL_STORES)
def url(request, tmp_path):
    with store_url(request.param, tmp_path, request) as url:
        yield url


class Gate:
    """Lets a test hold jobs and release them when it is ready."""

    def __init__(self) -> None:
        self.opened = anyio.Event()

    async def job(self, task: TaskContext, label: str) -> str:
        await task.report_progress(0.5, f"waiting on {label}")
        await self.opened.wait()
        return label


async def echo(task: TaskContext, text: str, times: int = 1) -> dict[str, object]:
    return {"text": text * times, "attempt": task.attempt, "task_id": task.task_id}


async def boom(task: TaskContext, reason: str) -> None:
    raise RuntimeError(reason)


def manager_for(url: str, *jobs, **options) -> TaskManager:
    manager = TaskManager(open_task_store(url), **options)
    for job in jobs:
        manager.add_job(job)
    return manager


async def test_a_task_starts_at_once_and_completes_with_its_result(url):
    async with manager_for(url, echo) as manager:
        started = await manager.start("echo", {"text": "ab", "times": 2}, owner=ALICE)
        assert started.status is TaskStatus.PENDING and started.owner == ALICE
        done = await wait_for(manager, started.id, ALICE, TaskStatus.COMPLETED)
    assert done.result == {"text": "abab", "attempt": 1, "task_id": started.id}
    assert done.progress == 1.0 and done.attempts == 1
    assert done.created_at <= done.started_at <= done.finished_at < done.expires_at


async def test_progress_and_message_are_visible_while_running(url):
    gate = Gate()
    async with manager_for(url) as manager:
        manager.add_job(gate.job, name="gated")
        task = await manager.start("gated", {"label": "L"}, owner=ALICE)
        running = await wait_for_progress(manager, task.id, ALICE, 0.5)
        assert running.message == "waiting on L"
        with pytest.raises(TaskNotFinished, match=r"still running \(50% done\)"):
            await manager.result(task.id, owner=ALICE)
        gate.opened.set()
        done = await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)
    assert (await_result := done.result) == "L", await_result


async def test_a_job_that_raises_fails_with_its_error(url):
    async with manager_for(url, boom) as manager:
        task = await manager.start("boom", {"reason": "disk full"}, owner=ALICE)
        failed = await wait_for(manager, task.id, ALICE, TaskStatus.FAILED)
        assert failed.error == "RuntimeError: disk full"
        assert (await manager.result(task.id, owner=ALICE)).result_view()["error"] == "RuntimeError: disk full"


async def test_cancelling_a_running_task_stops_the_job(url):
    stopped = anyio.Event()

    async def forever(task: TaskContext) -> None:
        try:
            await task.report_progress(0.1)
            await anyio.sleep_forever()
        finally:
            stopped.set()

    async with manager_for(url, forever) as manager:
        task = await manager.start("forever", owner=ALICE)
        await wait_for_progress(manager, task.id, ALICE, 0.1)
        cancelled = await manager.cancel(task.id, owner=ALICE)
        assert cancelled.status is TaskStatus.CANCELLED and cancelled.expires_at is not None
        with anyio.fail_after(WAIT_SECONDS):
            await stopped.wait()
        assert (await manager.get(task.id, owner=ALICE)).status is TaskStatus.CANCELLED


async def test_a_pending_task_cancelled_before_it_runs_never_runs(url):
    gate = Gate()
    ran: list[str] = []

    async def record_run(task: TaskContext) -> None:
        ran.append(task.task_id)

    async with manager_for(url, record_run, max_running=1) as manager:
        manager.add_job(gate.job, name="gated")
        blocker = await manager.start("gated", {"label": "first"}, owner=ALICE)
        await wait_for_progress(manager, blocker.id, ALICE, 0.5)
        queued = await manager.start("record_run", owner=ALICE)
        assert (await manager.get(queued.id, owner=ALICE)).status is TaskStatus.PENDING
        await manager.cancel(queued.id, owner=ALICE)
        gate.opened.set()
        await wait_for(manager, blocker.id, ALICE, TaskStatus.COMPLETED)
    assert ran == []


async def test_cancelling_a_finished_task_leaves_it_as_it_is(url):
    async with manager_for(url, echo) as manager:
        task = await manager.start("echo", {"text": "x"}, owner=ALICE)
        done = await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)
        assert await manager.cancel(task.id, owner=ALICE) == done


async def test_another_owner_can_neither_read_nor_cancel_nor_list_the_task(url):
    gate = Gate()
    async with manager_for(url) as manager:
        manager.add_job(gate.job, name="gated")
        task = await manager.start("gated", {"label": "secret"}, owner=ALICE)
        for read in (manager.get, manager.result, manager.cancel):
            with pytest.raises(TaskNotFound, match=task.id):
                await read(task.id, owner=BOB)
        assert await manager.list_tasks(owner=BOB) == []
        assert (await manager.get(task.id, owner=ALICE)).status is not TaskStatus.CANCELLED
        gate.opened.set()
        await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        "not-an-id",
        "8d0c3a9e-6f51-4f7e-9a59-2b1c6f9f3e10",  # a UUID4: not the form new ids take
        "0" * 31,
        "0" * 33,
        "0" * 31 + "g",
        "0" * 32 + "\n",
        "{" + "a" * 30 + "}",
        42,
        None,
    ],
)
async def test_malformed_task_ids_are_refused_before_the_store_is_asked(bad_id):
    async with manager_for("memory://") as manager:
        with pytest.raises(InvalidArgument, match="not a valid task id"):
            await manager.get(bad_id, owner=ALICE)


async def test_an_unknown_task_id_is_not_found(url):
    async with manager_for(url) as manager:
        with pytest.raises(TaskNotFound, match="Check the id returned"):
            await manager.get("8d0c3a9e6f514f7e9a592b1c6f9f3e10", owner=ALICE)


async def test_an_uppercase_id_is_malformed_because_ids_are_canonical():
    async with manager_for("memory://", echo) as manager:
        task = await manager.start("echo", {"text": "x"}, owner=ALICE)
        with pytest.raises(InvalidArgument):
            await manager.get(task.id.upper(), owner=ALICE)


async def test_two_hundred_tasks_run_concurrently(url):
    count = 200
    arrived = 0
    all_arrived = anyio.Event()

    async def meet(task: TaskContext, number: int) -> int:
        # Each job waits until every other job has started too: this only finishes if all
        # 200 run at the same time.
        nonlocal arrived
        arrived += 1
        if arrived == count:
            all_arrived.set()
        await all_arrived.wait()
        return number

    async with manager_for(url, meet, max_running=count, lease=60) as manager:
        started = [await manager.start("meet", {"number": n}, owner=ALICE) for n in range(count)]
        with anyio.fail_after(WAIT_SECONDS * 2):
            await all_arrived.wait()
        results = [(await wait_for(manager, t.id, ALICE, TaskStatus.COMPLETED)).result for t in started]
    assert results == list(range(count))


async def test_no_more_than_max_running_jobs_run_at_once():
    running = peak = 0

    async def busy(task: TaskContext) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.01)
        running -= 1

    async with manager_for("memory://", busy, max_running=3) as manager:
        tasks = [await manager.start("busy", owner=ALICE) for _ in range(12)]
        for task in tasks:
            await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)
    assert peak == 3


async def test_starting_beyond_max_tasks_is_refused_and_stores_nothing():
    gate = Gate()
    async with manager_for("memory://", max_tasks=2) as manager:
        manager.add_job(gate.job, name="gated")
        for label in ("a", "b"):
            await manager.start("gated", {"label": label}, owner=ALICE)
        with pytest.raises(TooManyTasks, match="2 tasks are already pending or running"):
            await manager.start("gated", {"label": "c"}, owner=ALICE)
        assert len(await manager.list_tasks(owner=ALICE)) == 2
        gate.opened.set()


async def test_bad_arguments_are_refused_and_nothing_is_stored():
    async with manager_for("memory://", echo) as manager:
        for arguments, problem in [
            ({}, "text: Field required"),
            ({"text": "x", "times": "many"}, "times"),
            ({"text": "x", "colour": "red"}, "colour: Extra inputs"),
        ]:
            with pytest.raises(InvalidArgument, match=problem):
                await manager.start("echo", arguments, owner=ALICE)
        assert await manager.list_tasks(owner=ALICE) == []


class Spec(BaseModel):
    name: str
    layers: list[int]


async def test_arguments_are_stored_as_json_and_rebuilt_as_their_types():
    seen: list[object] = []

    async def build(task: TaskContext, spec: Spec, rate: float = 0.1) -> str:
        seen.append(spec)
        return f"{spec.name}:{sum(spec.layers)}:{rate}"

    async with manager_for("memory://", build) as manager:
        task = await manager.start("build", {"spec": {"name": "net", "layers": [2, 3]}}, owner=ALICE)
        assert task.arguments == {"spec": {"name": "net", "layers": [2, 3]}, "rate": 0.1}
        done = await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)
    assert done.result == "net:5:0.1"
    assert seen == [Spec(name="net", layers=[2, 3])]


async def test_a_result_that_is_not_json_fails_the_task_with_advice():
    async def opaque(task: TaskContext) -> object:
        return object()

    async def not_a_number(task: TaskContext) -> float:
        return math.nan

    async with manager_for("memory://", opaque, not_a_number) as manager:
        for kind in ("opaque", "not_a_number"):
            task = await manager.start(kind, owner=ALICE)
            failed = await wait_for(manager, task.id, ALICE, TaskStatus.FAILED)
            assert "cannot be stored as JSON" in failed.error


async def test_an_oversized_result_fails_the_task_with_advice():
    async def huge(task: TaskContext) -> str:
        return "x" * 2000

    async with manager_for("memory://", huge, max_result_bytes=1000) as manager:
        task = await manager.start("huge", owner=ALICE)
        failed = await wait_for(manager, task.id, ALICE, TaskStatus.FAILED)
    assert "2002 bytes" in failed.error and "return a reference" in failed.error


@pytest.mark.parametrize("progress", [-0.1, 1.5, math.nan, "half"])
async def test_out_of_range_progress_fails_the_task(progress):
    async def wrong(task: TaskContext) -> None:
        await task.report_progress(progress)

    async with manager_for("memory://", wrong) as manager:
        task = await manager.start("wrong", owner=ALICE)
        failed = await wait_for(manager, task.id, ALICE, TaskStatus.FAILED)
    assert failed.error.startswith(InvalidArgument.__name__)


async def test_finished_tasks_expire_after_their_time_to_live(url):
    now = [1_800_000_000.0]
    async with manager_for(url, echo, ttl=60, clock=lambda: now[0]) as manager:
        task = await manager.start("echo", {"text": "x"}, owner=ALICE)
        done = await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)
        assert done.expires_at == done.finished_at + 60
        now[0] += 61
        with pytest.raises(TaskNotFound):
            await manager.get(task.id, owner=ALICE)
        assert await manager.list_tasks(owner=ALICE) == []


async def test_list_tasks_shows_the_owners_tasks_newest_first(url):
    now = [1_800_000_000.0]
    async with manager_for(url, echo, boom, clock=lambda: now[0]) as manager:
        ids = []
        for text in ("a", "b", "c"):
            now[0] += 1
            ids.append((await manager.start("echo", {"text": text}, owner=ALICE)).id)
        now[0] += 1
        failed = await manager.start("boom", {"reason": "r"}, owner=ALICE)
        await manager.start("echo", {"text": "other"}, owner=BOB)
        for task_id in ids:
            await wait_for(manager, task_id, ALICE, TaskStatus.COMPLETED)
        await wait_for(manager, failed.id, ALICE, TaskStatus.FAILED)
        # The DynamoDB owner index is eventually consistent.
        listed = await eventually(lambda: manager.list_tasks(owner=ALICE), lambda tasks: len(tasks) == 4)
        assert [r.id for r in listed] == [failed.id, *reversed(ids)]
        only_failed = await manager.list_tasks(owner=ALICE, status=TaskStatus.FAILED)
        assert [r.id for r in only_failed] == [failed.id]
        assert [r.id for r in await manager.list_tasks(owner=ALICE, limit=2)] == [failed.id, ids[2]]


async def test_sinks_receive_completed_records_only():
    received: list[TaskRecord] = []

    async def sink(record: TaskRecord) -> None:
        received.append(record)

    async with manager_for("memory://", echo, boom, sinks=[sink]) as manager:
        ok = await manager.start("echo", {"text": "x"}, owner=ALICE)
        bad = await manager.start("boom", {"reason": "r"}, owner=ALICE)
        done = await wait_for(manager, ok.id, ALICE, TaskStatus.COMPLETED)
        await wait_for(manager, bad.id, ALICE, TaskStatus.FAILED)
    assert received == [done]


async def test_a_failing_or_slow_sink_is_recorded_and_the_task_still_completes():
    class BrokenSink:
        name = "broken"

        async def __call__(self, record: TaskRecord) -> None:
            raise OSError("memory service down")

    async def slow_sink(record: TaskRecord) -> None:
        await anyio.sleep_forever()

    later: list[str] = []

    async def later_sink(record: TaskRecord) -> None:
        later.append(record.id)

    sinks = [BrokenSink(), slow_sink, later_sink]
    async with manager_for("memory://", echo, sinks=sinks, sink_timeout=0.05) as manager:
        task = await manager.start("echo", {"text": "x"}, owner=ALICE)
        record = await eventually(lambda: manager.get(task.id, owner=ALICE), lambda r: r.sink_error is not None)
    assert record.status is TaskStatus.COMPLETED and record.result["text"] == "x"
    assert record.sink_error == "broken: OSError: memory service down; slow_sink: no answer within 0.05 s"
    assert later == [task.id]
    assert record.status_view()["sink_error"] == record.sink_error


async def test_start_before_entering_the_manager_says_how_to_run_it():
    manager = manager_for("memory://", echo)
    with pytest.raises(ConfigurationError, match="async with manager"):
        await manager.start("echo", {"text": "x"}, owner=ALICE)


async def test_entering_a_manager_twice_is_refused():
    async with manager_for("memory://") as manager:
        with pytest.raises(ConfigurationError, match="already running"):
            await manager.__aenter__()


async def test_unknown_job_names_are_refused():
    async with manager_for("memory://") as manager:
        with pytest.raises(ConfigurationError, match="add_job"):
            await manager.start("nope", owner=ALICE)


def test_jobs_must_be_async_named_and_storable():
    manager = manager_for("memory://", echo)

    def sync_job(task: TaskContext) -> None:
        return None

    async def star_args(task: TaskContext, *values: int) -> None:
        return None

    async def no_context() -> None:
        return None

    async def local_type(task: TaskContext, spec: LocalOnly) -> None:  # noqa: F821
        return None

    for func, problem in [
        (local_type, "cannot be resolved"),
        (sync_job, "async function"),
        (star_args, "ordinary named parameter"),
        (no_context, "first parameter"),
        (echo, "already registered"),
    ]:
        with pytest.raises(ConfigurationError, match=problem):
            manager.add_job(func)


@pytest.mark.parametrize("option", ["max_running", "max_tasks", "ttl", "lease", "max_attempts"])
def test_limits_must_be_positive(option):
    with pytest.raises(ConfigurationError, match=option):
        TaskManager(open_task_store("memory://"), **{option: 0})


async def test_status_view_never_shows_the_result_and_result_view_does():
    async with manager_for("memory://", echo) as manager:
        task = await manager.start("echo", {"text": "x"}, owner=ALICE)
        done = await wait_for(manager, task.id, ALICE, TaskStatus.COMPLETED)
    assert "result" not in done.status_view() and done.status_view()["result_ready"] is True
    assert done.result_view()["result"]["text"] == "x"
    assert replace(done, status=TaskStatus.FAILED).result_view().get("result") is None
