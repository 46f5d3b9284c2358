"""`max_tasks` under concurrent starts: exactly the limit is accepted, and refusals store nothing."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import anyio
import pytest
from task_support import WAIT_SECONDS

from toolkit import TaskContext, TaskManager
from toolkit.errors import TaskStoreError, TooManyTasks
from toolkit.tasks import SQLiteTaskStore, TaskRecord

pytestmark = pytest.mark.anyio

ALICE = "user:alice"


class HeldInserts(SQLiteTaskStore):
    """The real SQLite store, with every insert held until the test lets them through.

    While inserts are held, every start that got past the limit check is in the middle of
    its write at the same time: the widest window a race between starts can have.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writing = 0
        self.wrote = anyio.Event()
        self.release = anyio.Event()
        self.fail_next = False

    async def insert(self, record: TaskRecord) -> None:
        self.writing += 1
        self.wrote.set()
        await self.release.wait()
        if self.fail_next:
            self.fail_next = False
            raise TaskStoreError("the disk is full")
        await super().insert(record)


async def hold(task: TaskContext, label: str) -> str:
    await anyio.sleep_forever()
    return label


def stored_ids(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM tasks")}


async def test_concurrent_starts_accept_exactly_max_tasks_and_refused_ones_leave_no_record(tmp_path):
    attempts, limit = 40, 10
    store = HeldInserts(tmp_path / "tasks.db")
    accepted: list[str] = []
    refused: list[int] = []
    all_decided = anyio.Event()

    def check_all_decided() -> None:
        if store.writing + len(refused) == attempts:
            all_decided.set()

    async def attempt(number: int) -> None:
        try:
            accepted.append((await manager.start("hold", {"label": str(number)}, owner=ALICE)).id)
        except TooManyTasks:
            refused.append(number)
            check_all_decided()

    async def watch_writes() -> None:
        while not all_decided.is_set():
            await store.wrote.wait()
            store.wrote = anyio.Event()
            check_all_decided()

    manager = TaskManager(store, max_tasks=limit)
    manager.add_job(hold)
    async with manager:
        async with anyio.create_task_group() as group:
            group.start_soon(watch_writes)
            for number in range(attempts):
                group.start_soon(attempt, number)
            with anyio.fail_after(WAIT_SECONDS):
                await all_decided.wait()
            store.release.set()
        listed = await manager.list_tasks(owner=ALICE, limit=100)

    assert (len(accepted), len(refused)) == (limit, attempts - limit)
    assert {record.id for record in listed} == set(accepted)
    assert stored_ids(tmp_path / "tasks.db") == set(accepted)


async def test_a_start_whose_write_fails_or_is_cancelled_gives_its_slot_back(tmp_path):
    store = HeldInserts(tmp_path / "tasks.db")
    manager = TaskManager(store, max_tasks=1)
    manager.add_job(hold)
    async with manager:
        store.fail_next = True
        store.release.set()
        with pytest.raises(TaskStoreError, match="disk is full"):
            await manager.start("hold", {"label": "failed"}, owner=ALICE)

        store.release, store.wrote = anyio.Event(), anyio.Event()
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as group:
                group.start_soon(partial(manager.start, "hold", {"label": "abandoned"}, owner=ALICE))
                with anyio.fail_after(WAIT_SECONDS):
                    await store.wrote.wait()
                scope.cancel()

        store.release.set()
        kept = await manager.start("hold", {"label": "kept"}, owner=ALICE)
        with pytest.raises(TooManyTasks):
            await manager.start("hold", {"label": "one too many"}, owner=ALICE)
    assert stored_ids(tmp_path / "tasks.db") == {kept.id}
