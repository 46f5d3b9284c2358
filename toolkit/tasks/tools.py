"""`register_task_tools`: the standard background-task tools on a server, in one call.

For each job it adds `start_<job>`, whose parameters are the job's own; then
`check_task_status`, `get_task_results`, `cancel_task` and `list_tasks`. Every tool works
out the caller's owner (see `toolkit.tasks.owners`): a user's or actor's tasks are shown to them
alone, and an anonymous task to whoever holds its id.

It also ties the manager's lifetime to the server's streamable-HTTP app. The server's own
`lifespan=` runs once per *session* in stateful streamable HTTP, which would cancel a task
when the session that started it ends; the app's lifespan runs once per process, which is
what a background task needs.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from pydantic import Field

from .._sdk import Context
from ..errors import ConfigurationError
from ..server.context import request_header
from ..server.preset import enter_with_app
from .jobs import Job, JobFunction
from .manager import TaskManager
from .memory_ids import MEMORY_IDS_HEADER, parse_memory_ids
from .owners import OwnerPolicy
from .record import TaskStatus

__all__ = ["register_task_tools", "run_with_app"]

CONTEXT_PARAMETER = "ctx"


def register_task_tools(
    server: Any,
    manager: TaskManager,
    *jobs: JobFunction | Job,
    owners: OwnerPolicy | None = None,
    memory_header: str | None = MEMORY_IDS_HEADER,
) -> None:
    """Add a start tool per job and the standard task tools to `server`.

    Example:
        ```python
        manager = TaskManager(open_task_store("sqlite:///tasks.db"))
        register_task_tools(server, manager, model_training)  # adds start_model_training, ...
        ```

    Args:
        server: The server (a `stateful_server` or any other SDK server).
        manager: Runs the tasks; its lifetime becomes that of the server's HTTP app.
        *jobs: Async functions (registered with `manager` if they are not yet) or `Job`s
            from `manager.add_job`, e.g. to make one resumable.
        owners: How callers are told apart; by default the authenticated user, else anonymous
            (the task id alone grants access).
        memory_header: A header whose `session@@@memory@@@actor` value, when present, is
            validated and kept with the task for `AgentCoreMemorySink`; None ignores it.
    """
    policy = owners or OwnerPolicy()
    for job in jobs:
        registered = job if isinstance(job, Job) else _registered(manager, job)
        server.add_tool(
            _start_tool(manager, registered, policy, memory_header),
            name=f"start_{registered.name}",
            description=_start_description(registered),
        )
    for tool in _standard_tools(manager, policy):
        server.add_tool(tool)
    run_with_app(server, manager)


def run_with_app(server: Any, manager: TaskManager) -> None:
    """Make `server`'s streamable-HTTP app enter `manager` on start-up and close it on shutdown."""
    enter_with_app(server, manager)


def _registered(manager: TaskManager, func: JobFunction) -> Job:
    name = getattr(func, "__name__", "")
    try:
        existing = manager.job(name)
    except ConfigurationError:
        return manager.add_job(func)
    if existing.func is not func:
        raise ConfigurationError(f"The manager already has a different job named {name!r}; pass a Job instead.")
    return existing


def _start_description(job: Job) -> str:
    summary = (
        f"Start '{job.name}' as a background task and return its task_id at once. "
        "Then call check_task_status with the task_id until it reads completed, and get_task_results. "
        "Keep the task_id: it finds the task again from a later session."
    )
    return f"{summary}\n\n{job.description}" if job.description else summary


def _start_tool(
    manager: TaskManager, job: Job, policy: OwnerPolicy, memory_header: str | None
) -> Callable[..., Awaitable[dict[str, Any]]]:
    if any(p.name == CONTEXT_PARAMETER for p in job.parameters):
        raise ConfigurationError(f"Job {job.name!r} may not have a parameter named {CONTEXT_PARAMETER!r}.")

    async def start(**arguments: Any) -> dict[str, Any]:
        ctx: Context = arguments.pop(CONTEXT_PARAMETER)
        metadata = {}
        raw = request_header(ctx, memory_header) if memory_header else None
        if memory_header and raw is not None:
            metadata = parse_memory_ids(raw, memory_header).as_metadata()
        record = await manager.start(job.name, arguments, owner=policy.owner_of(ctx), metadata=metadata)
        return record.status_view()

    # The SDK reads the tool's parameters from the signature: the job's own, plus the context.
    context = inspect.Parameter(CONTEXT_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=Context)
    start.__signature__ = inspect.Signature([*job.parameters, context], return_annotation=dict[str, Any])  # type: ignore[attr-defined]
    start.__annotations__ = {
        **{p.name: p.annotation for p in job.parameters if p.annotation is not inspect.Parameter.empty},
        CONTEXT_PARAMETER: Context,
        "return": dict[str, Any],
    }
    start.__name__ = f"start_{job.name}"
    return start


def _standard_tools(manager: TaskManager, policy: OwnerPolicy) -> list[Callable[..., Awaitable[dict[str, Any]]]]:
    async def check_task_status(task_id: str, ctx: Context) -> dict[str, Any]:
        """Check a background task you started: its status (pending, running, completed, failed,
        cancelled or interrupted), progress from 0 to 1, a message, and whether the result is ready."""
        record = await manager.get(task_id, owner=policy.owner_of(ctx))
        return record.status_view()

    async def get_task_results(task_id: str, ctx: Context) -> dict[str, Any]:
        """Get the result of a finished background task you started. A task that is still
        pending or running returns an error saying so; check its status and ask again later."""
        record = await manager.result(task_id, owner=policy.owner_of(ctx))
        return record.result_view()

    async def cancel_task(task_id: str, ctx: Context) -> dict[str, Any]:
        """Cancel a pending or running background task you started. A finished task is left as
        it is; the answer shows the task's status either way."""
        record = await manager.cancel(task_id, owner=policy.owner_of(ctx))
        return record.status_view()

    async def list_tasks(
        ctx: Context,
        status: TaskStatus | None = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        """List the background tasks you started as a signed-in user or actor, newest first,
        optionally only those with one status. Tasks started anonymously are not listed; they
        are found by the task_id returned on start."""
        owner = policy.owner_of(ctx)
        records = await manager.list_tasks(owner=owner, status=status, limit=limit)
        listing: dict[str, Any] = {"tasks": [record.status_view() for record in records]}
        if owner is None:
            listing["note"] = ANONYMOUS_LISTING
        return listing

    return [check_task_status, get_task_results, cancel_task, list_tasks]


ANONYMOUS_LISTING = (
    "No user or actor is known for this request, so no tasks are listed. Tasks started without one "
    "are found by the task_id returned on start: pass it to check_task_status."
)
