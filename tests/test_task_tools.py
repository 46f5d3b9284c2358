"""`register_task_tools` in memory: the tools, their errors, and who owns the manager's lifetime."""

from __future__ import annotations

import time

import anyio
import pytest
from harness import in_memory_client
from sdk_compat import SDKServer, is_error, structured, text_of, to_wire

import toolkit
from toolkit import ConfigurationError, TaskContext, TaskManager, open_task_store, register_task_tools

pytestmark = pytest.mark.anyio


async def train(task: TaskContext, model_name: str, epochs: int = 2) -> str:
    """Train a model."""
    for epoch in range(epochs):
        await task.report_progress((epoch + 1) / epochs, f"epoch {epoch + 1}/{epochs}")
    return f"{model_name} trained for {epochs} epochs"


async def wait_completed(session, task_id: str) -> dict:
    with anyio.fail_after(20):
        while True:
            status = structured(await session.call_tool("check_task_status", {"task_id": task_id}))
            if status["status"] == "completed":
                return status
            await anyio.sleep(0.01)


async def test_one_call_adds_the_five_tools_and_they_work_together():
    server = SDKServer("tools")
    manager = TaskManager(open_task_store("memory://"))
    register_task_tools(server, manager, train)
    async with manager, in_memory_client(server) as session:
        names = {tool.name for tool in (await session.list_tools()).tools}
        assert names == {"start_train", "check_task_status", "get_task_results", "cancel_task", "list_tasks"}
        started = await session.call_tool("start_train", {"model_name": "m", "epochs": 3})
        task_id = to_wire(started)["structuredContent"]["task_id"]
        status = await wait_completed(session, task_id)
        assert status["progress"] == 1.0 and status["result_ready"] is True
        results = structured(await session.call_tool("get_task_results", {"task_id": task_id}))
        assert results["result"] == "m trained for 3 epochs"
        # Anonymous: the id is the way back, and listing says so instead of showing others' tasks.
        listed = structured(await session.call_tool("list_tasks", {"status": "completed"}))
        assert listed["tasks"] == [] and "found by the task_id" in listed["note"]
        cancelled = structured(await session.call_tool("cancel_task", {"task_id": task_id}))
        assert cancelled["status"] == "completed"


async def test_tool_errors_name_the_problem():
    server = SDKServer("tools")
    manager = TaskManager(open_task_store("memory://"))
    register_task_tools(server, manager, train)
    async with manager, in_memory_client(server) as session:
        bad = await session.call_tool("check_task_status", {"task_id": "nope"})
        assert is_error(bad) and "'nope' is not a valid task id" in text_of(bad)
        too_many = await session.call_tool("list_tasks", {"limit": 1000})
        assert is_error(too_many) and "less than or equal to 100" in text_of(too_many)


async def test_a_job_registered_beforehand_keeps_its_options():
    server = SDKServer("tools")
    manager = TaskManager(open_task_store("memory://"))
    job = manager.add_job(train, name="fit", resumable=True)
    register_task_tools(server, manager, job)
    async with manager, in_memory_client(server) as session:
        started = structured(await session.call_tool("start_fit", {"model_name": "m"}))
        assert started["kind"] == "fit"
        record = await manager.store.get(started["task_id"], time.time())
        assert record.resumable is True and record.owner == f"task:{record.id}"


def test_conflicting_jobs_are_refused():
    manager = TaskManager(open_task_store("memory://"))

    async def ctx_job(task: TaskContext, ctx: str) -> None:
        return None

    with pytest.raises(ConfigurationError, match="'ctx'"):
        register_task_tools(SDKServer("a"), manager, ctx_job)

    async def fit(task: TaskContext) -> None:
        return None

    manager.add_job(train, name="fit")
    fit.__name__ = "fit"
    with pytest.raises(ConfigurationError, match="different job named 'fit'"):
        register_task_tools(SDKServer("b"), manager, fit)


async def test_the_http_apps_lifespan_runs_the_manager_once_per_process():
    server = toolkit.stateful_server("lifespan", host="127.0.0.1")
    manager = TaskManager(open_task_store("memory://"))
    register_task_tools(server, manager, train)
    register_task_tools(server, manager)  # again: the manager must still be entered only once
    app = server.streamable_http_app()
    assert not manager.running
    async with app.router.lifespan_context(app):
        assert manager.running
        record = await manager.start("train", {"model_name": "m"}, owner="user:x")
    assert not manager.running
    assert (await manager.store.get(record.id, record.created_at)) is not None
