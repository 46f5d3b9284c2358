"""Tasks across manager lifetimes on a shared store: shutdown, dead runners, leases, reruns."""

from __future__ import annotations

import time
from dataclasses import replace

import anyio
import pytest
from task_support import DURABLE_STORES, WAIT_SECONDS, store_url, wait_for, wait_for_progress

from toolkit import TaskContext, TaskManager, TaskStatus, open_task_store
from toolkit.tasks import TaskRecord
from toolkit.tasks.record import new_task_id

pytestmark = pytest.mark.anyio

ALICE = "actor:alice"


@pytest.fixture(params=DURABLE_STORES)
def url(request, tmp_path):
    with store_url(request.param, tmp_path, request) as url:
        yield url


async def hold(task: TaskContext, label: str) -> str:
    await task.report_progress(0.5, "holding")
    await anyio.sleep_forever()
    return label


async def resume(task: TaskContext, label: str) -> dict[str, object]:
    if task.attempt == 1:
        await task.report_progress(0.5, "first attempt")
        await anyio.sleep_forever()
    return {"label": label, "attempt": task.attempt}


async def echo(task: TaskContext, text: str) -> str:
    return text


def manager_for(url: str, **options: object) -> TaskManager:
    manager = TaskManager(open_task_store(url), **options)
    manager.add_job(hold)
    manager.add_job(resume, resumable=True)
    manager.add_job(echo)
    return manager


def orphan(**changes: object) -> TaskRecord:
    """A task left active by a runner that is gone."""
    now = time.time()
    record = TaskRecord(
        id=new_task_id(),
        owner=ALICE,
        kind="echo",
        status=TaskStatus.RUNNING,
        created_at=now - 200,
        updated_at=now - 200,
        arguments={"text": "orphaned"},
        attempts=1,
        runner="gone",
        heartbeat_at=now - 100,
    )
    return replace(record, **changes)


async def insert(url: str, record: TaskRecord) -> None:
    store = open_task_store(url)
    await store.open()
    await store.insert(record)
    await store.aclose()


async def test_completed_results_survive_a_restart(url):
    async with manager_for(url) as first:
        task = await first.start("echo", {"text": "kept"}, owner=ALICE)
        await wait_for(first, task.id, ALICE, TaskStatus.COMPLETED)
    async with manager_for(url) as second:
        assert (await second.result(task.id, owner=ALICE)).result == "kept"


async def test_shutdown_marks_a_running_task_interrupted(url):
    async with manager_for(url) as first:
        task = await first.start("hold", {"label": "x"}, owner=ALICE)
        await wait_for_progress(first, task.id, ALICE, 0.5)
    async with manager_for(url) as second:
        record = await second.get(task.id, owner=ALICE)
    assert record.status is TaskStatus.INTERRUPTED
    assert "shut down while this task was running" in record.error
    assert record.progress == 0.5 and record.finished_at is not None


async def test_a_resumable_task_reruns_after_a_shutdown(url):
    async with manager_for(url) as first:
        task = await first.start("resume", {"label": "r"}, owner=ALICE)
        await wait_for_progress(first, task.id, ALICE, 0.5)
    async with manager_for(url) as second:
        done = await wait_for(second, task.id, ALICE, TaskStatus.COMPLETED)
    assert done.result == {"label": "r", "attempt": 2} and done.attempts == 2


async def test_a_task_still_waiting_for_a_slot_at_shutdown_runs_after_restart(url):
    async with manager_for(url, max_running=1) as first:
        blocker = await first.start("hold", {"label": "b"}, owner=ALICE)
        await wait_for_progress(first, blocker.id, ALICE, 0.5)
        queued = await first.start("echo", {"text": "queued"}, owner=ALICE)
    async with manager_for(url) as second:
        assert (await wait_for(second, queued.id, ALICE, TaskStatus.COMPLETED)).result == "queued"
        assert (await second.get(blocker.id, owner=ALICE)).status is TaskStatus.INTERRUPTED


async def test_a_task_whose_runner_died_is_interrupted_on_start_up(url):
    dead = orphan()
    await insert(url, dead)
    async with manager_for(url) as manager:
        record = await manager.get(dead.id, owner=ALICE)
    assert record.status is TaskStatus.INTERRUPTED
    assert "stopped (it crashed, was killed or restarted)" in record.error


async def test_a_task_whose_lease_lapses_later_is_interrupted_by_the_running_manager(url):
    now = time.time()
    fading = orphan(heartbeat_at=now)
    await insert(url, fading)
    async with manager_for(url, lease=0.3) as manager:
        record = await wait_for(manager, fading.id, ALICE, TaskStatus.INTERRUPTED)
    assert record.error.startswith("The server process running this task stopped")


async def test_a_stable_runner_id_settles_its_own_leftovers_at_once(url):
    mine = orphan(runner="main", heartbeat_at=time.time())
    theirs = orphan(runner="other", heartbeat_at=time.time())
    for record in (mine, theirs):
        await insert(url, record)
    async with manager_for(url, runner_id="main") as manager:
        assert (await manager.get(mine.id, owner=ALICE)).status is TaskStatus.INTERRUPTED
        assert (await manager.get(theirs.id, owner=ALICE)).status is TaskStatus.RUNNING


async def test_a_task_that_never_started_is_run_by_the_next_runner(url):
    never = orphan(status=TaskStatus.PENDING, attempts=0)
    await insert(url, never)
    async with manager_for(url) as manager:
        done = await wait_for(manager, never.id, ALICE, TaskStatus.COMPLETED)
    assert done.result == "orphaned" and done.attempts == 1


async def test_a_resumable_task_stops_rerunning_after_max_attempts(url):
    worn = orphan(kind="resume", arguments={"label": "w"}, resumable=True, attempts=3)
    await insert(url, worn)
    async with manager_for(url, max_attempts=3) as manager:
        record = await manager.get(worn.id, owner=ALICE)
    assert record.status is TaskStatus.INTERRUPTED and "run 3 times" in record.error


async def test_a_resumable_task_of_an_unknown_job_is_interrupted_with_the_reason(url):
    unknown = orphan(kind="retired_job", resumable=True)
    await insert(url, unknown)
    async with manager_for(url) as manager:
        record = await manager.get(unknown.id, owner=ALICE)
    assert record.status is TaskStatus.INTERRUPTED and "no job named 'retired_job'" in record.error


async def test_a_live_runner_keeps_its_tasks_while_another_manager_watches(url):
    async with manager_for(url, lease=1.0) as holder, manager_for(url, lease=1.0) as watcher:
        task = await holder.start("hold", {"label": "mine"}, owner=ALICE)
        await wait_for_progress(holder, task.id, ALICE, 0.5)
        # Two lease periods: the watcher checks leases at every tick and must leave it alone.
        await anyio.sleep(2.0)
        record = await watcher.get(task.id, owner=ALICE)
        assert record.status is TaskStatus.RUNNING and record.runner == holder.runner_id
        await holder.cancel(task.id, owner=ALICE)


async def test_a_cancel_through_another_manager_stops_the_job_where_it_runs(url):
    stopped = anyio.Event()

    async def watched(task: TaskContext) -> None:
        try:
            await task.report_progress(0.5)
            await anyio.sleep_forever()
        finally:
            stopped.set()

    async with manager_for(url, lease=1.0) as holder, manager_for(url, lease=1.0) as other:
        holder.add_job(watched)
        task = await holder.start("watched", owner=ALICE)
        await wait_for_progress(holder, task.id, ALICE, 0.5)
        assert (await other.cancel(task.id, owner=ALICE)).status is TaskStatus.CANCELLED
        with anyio.fail_after(WAIT_SECONDS):
            await stopped.wait()
        assert (await holder.get(task.id, owner=ALICE)).status is TaskStatus.CANCELLED
