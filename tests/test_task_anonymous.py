"""Anonymous tasks: the random task id is the capability, principals' tasks stay their own."""

from __future__ import annotations

import re

import anyio
import pytest
from harness import in_memory_client
from sdk_compat import SDKServer, is_error, structured, to_wire
from task_support import ALL_STORES, WAIT_SECONDS, eventually, store_url, wait_for

from toolkit import ConfigurationError, TaskContext, TaskManager, TaskStatus, open_task_store, register_task_tools
from toolkit.errors import TaskNotFound
from toolkit.tasks.record import check_task_id, new_task_id

pytestmark = pytest.mark.anyio

ALICE = "user:alice"
BOB = "actor:bob"
MISSING = "0123456789abcdef0123456789abcdef"


@pytest.fixture(params=ALL_STORES)
def url(request, tmp_path):
    with store_url(request.param, tmp_path, request) as url:
        yield url


async def echo(task: TaskContext, text: str) -> str:
    return text


async def hold(task: TaskContext) -> None:
    await anyio.sleep_forever()


def manager_for(url: str) -> TaskManager:
    manager = TaskManager(open_task_store(url))
    manager.add_job(echo)
    manager.add_job(hold)
    return manager


def test_task_ids_are_128_random_bits_as_32_hex_characters():
    ids = [new_task_id() for _ in range(2000)]
    assert all(re.fullmatch("[0-9a-f]{32}", task_id) and check_task_id(task_id) == task_id for task_id in ids)
    assert len(set(ids)) == len(ids)
    # Every one of the 128 bits takes both values: none is spent on a fixed version or variant
    # (a UUID4 fixes 6). Chance of a false failure: 128 * 2**-1999.
    values = [int(task_id, 16) for task_id in ids]
    ones = zeros = 0
    for value in values:
        ones |= value
        zeros |= ~value
    assert ones == zeros & (2**128 - 1) == 2**128 - 1


async def test_an_anonymous_task_is_readable_and_cancellable_by_anyone_holding_its_id(url):
    async with manager_for(url) as manager:
        done = await manager.start("echo", {"text": "found"}, owner=None)
        held = await manager.start("hold", owner=None)
        assert done.owner == f"task:{done.id}"
        for reader in (None, ALICE, BOB):
            assert (await wait_for(manager, done.id, reader, TaskStatus.COMPLETED)).result == "found"
            assert (await manager.result(done.id, owner=reader)).result == "found"
        assert (await manager.cancel(held.id, owner=BOB)).status is TaskStatus.CANCELLED


async def test_a_principals_task_is_refused_to_everyone_else_exactly_as_a_missing_one(url):
    async with manager_for(url) as manager:
        task = await manager.start("hold", owner=ALICE)
        for stranger in (BOB, None, f"task:{task.id}"):
            for read in (manager.get, manager.result, manager.cancel):
                with pytest.raises(TaskNotFound) as refused:
                    await read(task.id, owner=stranger)
                with pytest.raises(TaskNotFound) as missing:
                    await read(MISSING, owner=stranger)
                assert str(refused.value).replace(task.id, MISSING) == str(missing.value)
        assert (await manager.get(task.id, owner=ALICE)).status is not TaskStatus.CANCELLED
        await manager.cancel(task.id, owner=ALICE)


async def test_an_anonymous_caller_lists_nothing_and_principals_never_see_anonymous_tasks(url):
    async with manager_for(url) as manager:
        anonymous = [await manager.start("echo", {"text": str(n)}, owner=None) for n in range(3)]
        alices = await manager.start("echo", {"text": "alice"}, owner=ALICE)
        for task in anonymous:
            await wait_for(manager, task.id, None, TaskStatus.COMPLETED)
        await wait_for(manager, alices.id, ALICE, TaskStatus.COMPLETED)

        assert await manager.list_tasks(owner=None) == []
        assert await manager.list_tasks(owner=None, status=TaskStatus.COMPLETED, limit=100) == []
        assert await manager.list_tasks(owner=BOB) == []
        # The DynamoDB owner index is eventually consistent.
        listed = await eventually(lambda: manager.list_tasks(owner=ALICE), lambda tasks: len(tasks) > 0)
        assert [record.id for record in listed] == [alices.id]


async def test_the_owner_form_of_anonymous_tasks_cannot_be_claimed():
    async with manager_for("memory://") as manager:
        with pytest.raises(ConfigurationError, match="pass owner=None"):
            await manager.start("echo", {"text": "x"}, owner=f"task:{MISSING}")


async def test_a_task_started_in_one_session_is_read_from_another():
    server = SDKServer("tasks")
    manager = TaskManager(open_task_store("memory://"))
    register_task_tools(server, manager, echo)
    async with manager:
        async with in_memory_client(server) as first:
            started = structured(await first.call_tool("start_echo", {"text": "later"}))
        async with in_memory_client(server) as second:
            with anyio.fail_after(WAIT_SECONDS):
                while True:
                    status = await second.call_tool("check_task_status", {"task_id": started["task_id"]})
                    assert not is_error(status), to_wire(status)
                    if to_wire(status)["structuredContent"]["status"] == "completed":
                        break
                    await anyio.sleep(0.01)
            results = await second.call_tool("get_task_results", {"task_id": started["task_id"]})
    assert not is_error(results), to_wire(results)
    assert to_wire(results)["structuredContent"]["result"] == "later"
