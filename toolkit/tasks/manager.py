"""`TaskManager`: start async jobs in the background, keep their state in a store, and own them.

The manager is an async context manager. Entering it opens the store, settles tasks left
behind by a process that died, and starts a task group that runs every job; leaving it
cancels what still runs and records why. Nothing it starts outlives it.

Each manager instance is a *runner*. It holds each active task with a lease that it renews
every `lease / 3` seconds. A task whose lease ran out belongs to a runner that died: it is
marked `interrupted`, or rerun when its job was registered as resumable (and, for a task
that never started, always rerun). Because every change goes through a guarded store update,
several managers may share one store and exactly one of them settles each task.
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import anyio
from anyio.abc import AsyncResource, TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from pydantic_core import PydanticSerializationError, to_jsonable_python

from ..errors import (
    ConfigurationError,
    InvalidArgument,
    TaskNotFinished,
    TaskNotFound,
    TaskStoreError,
    TooManyTasks,
)
from .jobs import Job, JobFunction, make_job
from .record import (
    ACTIVE_STATUSES,
    ANONYMOUS_PREFIX,
    TaskRecord,
    TaskStatus,
    anonymous_owner,
    check_task_id,
    new_task_id,
)
from .store import Guard, TaskStore

__all__ = ["ResultSink", "TaskContext", "TaskManager"]

logger = logging.getLogger(__name__)

#: Called with the completed record; a sink that raises is logged and noted, never fatal.
ResultSink = Callable[[TaskRecord], Awaitable[None]]

DAY = 86_400.0
SHUTDOWN_WRITE_SECONDS = 5.0
RUNNING = frozenset({TaskStatus.RUNNING})
PENDING = frozenset({TaskStatus.PENDING})


class TaskContext:
    """What a job receives as its first argument: its identity and a way to report progress.

    Attributes:
        task_id: The task's id.
        kind: The job's name.
        owner: Who started the task: ``"user:…"`` or ``"actor:…"``, or ``"task:<task id>"``
            for an anonymous task.
        attempt: 1 on the first run, higher when a resumable task was rerun.
        metadata: Strings captured when the task started (e.g. AgentCore Memory ids).
    """

    __slots__ = ("_report", "attempt", "kind", "metadata", "owner", "task_id")

    def __init__(self, record: TaskRecord, report: Callable[[str, float, str | None], Awaitable[None]]) -> None:
        self.task_id = record.id
        self.kind = record.kind
        self.owner = record.owner
        self.attempt = record.attempts
        self.metadata: Mapping[str, str] = dict(record.metadata)
        self._report = report

    async def report_progress(self, progress: float, message: str | None = None) -> None:
        """Store how far the job got; each call is one store write, so report every few seconds.

        Args:
            progress: The fraction done, from 0 to 1.
            message: A line for `check_task_status`; None keeps the previous one.

        Raises:
            InvalidArgument: `progress` is not a number from 0 to 1.
        """
        if not isinstance(progress, int | float) or not 0 <= progress <= 1:
            raise InvalidArgument.for_value("progress", progress, "use a fraction from 0 to 1")
        await self._report(self.task_id, float(progress), message)


class TaskManager(AsyncResource):
    """Runs jobs as durable background tasks.

    Args:
        store: Where records live; the manager opens it on entry and closes it on exit.
        max_running: How many jobs run at once; later tasks wait as `pending`.
        max_tasks: How many pending and running tasks this manager holds before `start`
            raises `TooManyTasks`.
        ttl: Seconds a finished task stays readable before clean-up deletes it.
        lease: Seconds without a renewal after which another runner settles a task.
        sinks: Called with each completed record, in order (see `ResultSink`).
        sink_timeout: Seconds each sink may take.
        max_result_bytes: The largest JSON result stored; DynamoDB items hold 400 KB.
        max_attempts: How often a resumable task is run before it stays interrupted.
        runner_id: A stable name for this runner. Give one only when a single live process
            uses it: on entry, tasks still held under this name are settled at once instead
            of after their lease runs out. By default a fresh name per instance.
        clock: Returns POSIX seconds; shared by all runners of a store.
    """

    def __init__(
        self,
        store: TaskStore,
        *,
        max_running: int = 16,
        max_tasks: int = 1000,
        ttl: float = 7 * DAY,
        lease: float = 30.0,
        sinks: Sequence[ResultSink] = (),
        sink_timeout: float = 30.0,
        max_result_bytes: int = 350_000,
        max_attempts: int = 3,
        runner_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        _check_positive(max_running=max_running, max_tasks=max_tasks, ttl=ttl, lease=lease, max_attempts=max_attempts)
        self.store = store
        self.max_running = max_running
        self.max_tasks = max_tasks
        self.ttl = ttl
        self.lease = lease
        self.sinks = list(sinks)
        self.sink_timeout = sink_timeout
        self.max_result_bytes = max_result_bytes
        self.max_attempts = max_attempts
        self.runner_id = runner_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stable_runner = runner_id is not None
        self._clock = clock
        self._jobs: dict[str, Job] = {}
        self._limiter = anyio.CapacityLimiter(max_running)
        self._inflight: set[str] = set()
        # Starts that passed the max_tasks check and are still writing their record; they
        # count against the limit so that concurrent starts cannot all slip past it.
        self._reserved = 0
        self._scopes: dict[str, anyio.CancelScope] = {}
        self._task_group: TaskGroup | None = None
        self._launches: MemoryObjectSendStream[TaskRecord] | None = None
        self._closing = False

    # -- jobs ---------------------------------------------------------------------------

    def add_job(self, func: JobFunction, *, name: str | None = None, resumable: bool = False) -> Job:
        """Register an async function as a job that tasks can run.

        Args:
            func: `async def job(task: TaskContext, **arguments) -> JSON-able result`.
            name: The job's name; defaults to the function's name.
            resumable: Rerun the job from the start (with `task.attempt` > 1) when its
                process died, instead of marking the task interrupted. Only for jobs
                that are safe to repeat.

        Raises:
            ConfigurationError: The function cannot be a job, or the name is taken.
        """
        job = make_job(func, name=name, resumable=resumable)
        if job.name in self._jobs:
            raise ConfigurationError(f"A job named {job.name!r} is already registered; pass another name=.")
        self._jobs[job.name] = job
        return job

    def job(self, name: str) -> Job:
        """The registered job called `name`."""
        try:
            return self._jobs[name]
        except KeyError:
            raise ConfigurationError(
                f"No job named {name!r} is registered; register it with manager.add_job(func)."
            ) from None

    # -- lifetime -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the manager has been entered and not yet closed."""
        return self._task_group is not None

    async def __aenter__(self) -> TaskManager:
        if self._task_group is not None:
            raise ConfigurationError("This TaskManager is already running; enter it only once.")
        await self.store.open()
        send, receive = anyio.create_memory_object_stream[TaskRecord](math.inf)
        task_group = anyio.create_task_group()
        try:
            await task_group.__aenter__()
        except BaseException:
            await self.store.aclose()
            raise
        self._task_group, self._launches, self._closing = task_group, send, False
        try:
            task_group.start_soon(self._dispatch, receive, task_group)
            await self._settle_orphans(startup=True)
            task_group.start_soon(self._maintain)
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel running jobs (recording why), stop background work and close the store."""
        task_group, self._task_group = self._task_group, None
        if task_group is None:
            return
        self._closing = True
        task_group.cancel_scope.cancel()
        try:
            await task_group.__aexit__(None, None, None)
            # Launched but never dispatched: hand them to the next start-up at once.
            for task_id in list(self._inflight):
                await self._release(task_id)
        finally:
            self._inflight.clear()
            if self._launches is not None:
                self._launches.close()
            await self.store.aclose()

    # -- the API tools use --------------------------------------------------------------

    async def start(
        self,
        kind: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        owner: str | None,
        metadata: Mapping[str, str] | None = None,
    ) -> TaskRecord:
        """Store a new task and run it in the background; return at once with its record.

        Args:
            kind: The name of a registered job.
            arguments: The job's arguments, checked against its signature.
            owner: The principal starting the task (e.g. ``"user:alice"``), who alone may
                read it; None starts an anonymous task, which anyone holding its id may read.
            metadata: Short strings kept with the task for the job and result sinks.

        Raises:
            ConfigurationError: No job called `kind`, the manager is not running, or `owner`
                uses the prefix reserved for anonymous tasks.
            InvalidArgument: The arguments do not fit the job.
            TooManyTasks: `max_tasks` tasks are already pending or running here; nothing is stored.
            TaskStoreError: The store failed; nothing was started.
        """
        self._require_running()
        job = self.job(kind)
        stored_arguments = job.validate(arguments or {})
        if owner is not None and owner.startswith(ANONYMOUS_PREFIX):
            raise ConfigurationError(
                f"Owner {owner!r} is reserved for tasks started without an owner; pass owner=None for those."
            )
        # No await between the check and the reservation: that is what makes the limit hold.
        if len(self._inflight) + self._reserved >= self.max_tasks:
            raise TooManyTasks(self.max_tasks)
        self._reserved += 1
        try:
            record = self._new_record(job, stored_arguments, owner, metadata)
            await self.store.insert(record)
            # Launching moves the reservation into _inflight before `finally` gives it back.
            self._launch(record)
        finally:
            self._reserved -= 1
        return record

    def _new_record(
        self, job: Job, arguments: dict[str, Any], owner: str | None, metadata: Mapping[str, str] | None
    ) -> TaskRecord:
        task_id = new_task_id()
        now = self._clock()
        return TaskRecord(
            id=task_id,
            owner=anonymous_owner(task_id) if owner is None else owner,
            kind=job.name,
            status=TaskStatus.PENDING,
            created_at=now,
            updated_at=now,
            arguments=arguments,
            metadata=dict(metadata or {}),
            resumable=job.resumable,
            message="waiting for a free slot",
            runner=self.runner_id,
            heartbeat_at=now,
        )

    async def get(self, task_id: str, *, owner: str | None) -> TaskRecord:
        """The task `task_id` if `owner` may read it.

        A task started by a principal is readable by that principal only. An anonymous task
        (started with ``owner=None``) is readable by any caller that holds its id.

        Raises:
            InvalidArgument: `task_id` is not a task id.
            TaskNotFound: No such task, it expired, or someone else owns it; the three read
                the same, so the answer does not reveal that someone else's task exists.
        """
        check_task_id(task_id)
        record = await self.store.get(task_id, self._clock())
        if record is None or not _readable(record, owner):
            raise TaskNotFound(task_id)
        return record

    async def result(self, task_id: str, *, owner: str | None) -> TaskRecord:
        """The finished task `task_id`; its `result` is set if it completed.

        Raises:
            TaskNotFinished: The task is still pending or running.
        """
        record = await self.get(task_id, owner=owner)
        if not record.status.finished:
            raise TaskNotFinished(record.id, record.status.value, record.progress)
        return record

    async def cancel(self, task_id: str, *, owner: str | None) -> TaskRecord:
        """Cancel the task if it is still pending or running; return its record either way.

        A task running in another process sharing the store stops when that runner next
        renews its lease.
        """
        record = await self.get(task_id, owner=owner)
        if record.status.finished:
            return record
        cancelled = await self.store.update(
            record.id, Guard(ACTIVE_STATUSES), self._finish(TaskStatus.CANCELLED, "cancelled by its owner")
        )
        if cancelled is None:
            return await self.get(task_id, owner=owner)
        self._stop_local(record.id)
        return cancelled

    async def list_tasks(
        self, *, owner: str | None, status: TaskStatus | None = None, limit: int = 20
    ) -> list[TaskRecord]:
        """The owner's tasks, newest first; always empty for an anonymous caller (`owner=None`).

        Anonymous tasks have no owner in common, so listing them could only mean listing
        everyone's; they are found by id alone.
        """
        if owner is None:
            return []
        return await self.store.list_owned(owner, self._clock(), status=status, limit=limit)

    # -- running jobs -------------------------------------------------------------------

    def _require_running(self) -> None:
        if self._task_group is None or self._closing:
            raise ConfigurationError(
                "The TaskManager is not running. Enter it with `async with manager:`; register_task_tools "
                "does this for the streamable HTTP app."
            )

    def _launch(self, record: TaskRecord) -> None:
        assert self._launches is not None
        self._inflight.add(record.id)
        self._launches.send_nowait(record)

    async def _dispatch(self, launches: MemoryObjectReceiveStream[TaskRecord], task_group: TaskGroup) -> None:
        # Jobs start from here, not from the request that asked for them, so they do not
        # inherit (and keep alive) that request's context variables.
        async with launches:
            async for record in launches:
                task_group.start_soon(self._run, record, name=f"task {record.id}")

    async def _run(self, record: TaskRecord) -> None:
        try:
            async with self._limiter:
                claimed = await self._claim(record)
                if claimed is not None:
                    await self._execute(claimed)
        except anyio.get_cancelled_exc_class():
            if self._closing:
                await self._release(record.id)
            raise
        except Exception:
            # A store failure must not take the server down; the lease lapses and the task
            # is settled as interrupted by the next check.
            logger.exception("task %s (%s) could not be run to the end", record.id, record.kind)
        finally:
            self._inflight.discard(record.id)

    async def _claim(self, record: TaskRecord) -> TaskRecord | None:
        now = self._clock()
        changes = {
            "status": TaskStatus.RUNNING,
            "attempts": record.attempts + 1,
            "message": "running",
            "started_at": now,
            "updated_at": now,
            "heartbeat_at": now,
        }
        return await self.store.update(record.id, Guard(PENDING, runner=self.runner_id), changes)

    async def _execute(self, record: TaskRecord) -> None:
        job = self._jobs[record.kind]
        context = TaskContext(record, self._report)
        outcome: Any = None
        failure: Exception | None = None
        with anyio.CancelScope() as scope:
            self._scopes[record.id] = scope
            try:
                outcome = await job.run(context, record.arguments)
            except Exception as exc:
                failure = exc
            finally:
                self._scopes.pop(record.id, None)
        if scope.cancelled_caught:
            return
        if failure is not None:
            logger.warning("task %s (%s) failed", record.id, record.kind, exc_info=failure)
            await self._settle(record, TaskStatus.FAILED, "failed", error=f"{type(failure).__name__}: {failure}")
            return
        await self._complete(record, outcome)

    async def _complete(self, record: TaskRecord, outcome: Any) -> None:
        try:
            result = self._storable(outcome)
        except ValueError as exc:
            await self._settle(record, TaskStatus.FAILED, "failed", error=str(exc))
            return
        done = await self._settle(record, TaskStatus.COMPLETED, "completed", result=result, progress=1.0)
        if done is not None:
            await self._run_sinks(done)

    def _storable(self, outcome: Any) -> Any:
        try:
            value = to_jsonable_python(outcome)
            size = len(json.dumps(value, allow_nan=False).encode())
        except (PydanticSerializationError, TypeError, ValueError) as exc:
            raise ValueError(
                f"The job returned a value that cannot be stored as JSON ({exc}). Return dicts, lists, "
                "strings, numbers or Pydantic models."
            ) from exc
        if size > self.max_result_bytes:
            raise ValueError(
                f"The job's result is {size} bytes of JSON; this server stores at most {self.max_result_bytes}. "
                "Keep large outputs elsewhere (e.g. S3) and return a reference to them."
            )
        return value

    async def _settle(self, record: TaskRecord, status: TaskStatus, message: str, **fields: Any) -> TaskRecord | None:
        changes = {**self._finish(status, message), **fields}
        done = await self.store.update(record.id, Guard(RUNNING, runner=self.runner_id), changes)
        if done is None:
            logger.info("task %s was cancelled or taken over before it could be marked %s", record.id, status)
        return done

    def _finish(self, status: TaskStatus, message: str) -> dict[str, Any]:
        now = self._clock()
        return {
            "status": status,
            "message": message,
            "finished_at": now,
            "updated_at": now,
            "expires_at": now + self.ttl,
        }

    async def _report(self, task_id: str, progress: float, message: str | None) -> None:
        now = self._clock()
        changes: dict[str, Any] = {"progress": progress, "updated_at": now, "heartbeat_at": now}
        if message is not None:
            changes["message"] = message
        if await self.store.update(task_id, Guard(RUNNING, runner=self.runner_id), changes) is None:
            # Cancelled by its owner (perhaps through another process): stop the job.
            self._stop_local(task_id)

    def _stop_local(self, task_id: str) -> None:
        scope = self._scopes.get(task_id)
        if scope is not None:
            scope.cancel()

    async def _run_sinks(self, record: TaskRecord) -> None:
        failures = []
        for sink in self.sinks:
            name = getattr(sink, "name", None) or getattr(sink, "__name__", type(sink).__name__)
            try:
                with anyio.fail_after(self.sink_timeout):
                    await sink(record)
            except TimeoutError:
                logger.warning("result sink %s timed out for task %s", name, record.id)
                failures.append(f"{name}: no answer within {self.sink_timeout:g} s")
            except Exception as exc:  # a sink must never fail the task it reports on
                logger.warning("result sink %s failed for task %s", name, record.id, exc_info=True)
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
        if failures:
            await self.store.update(
                record.id, Guard(frozenset({TaskStatus.COMPLETED})), {"sink_error": "; ".join(failures)}
            )

    async def _release(self, task_id: str) -> None:
        # Shutting down: a task that can rerun gets an expired lease so the next start-up
        # picks it up at once; one that cannot is marked interrupted now.
        with anyio.CancelScope(shield=True), anyio.move_on_after(SHUTDOWN_WRITE_SECONDS):
            try:
                current = await self.store.get(task_id, self._clock())
                if current is None or current.runner != self.runner_id or current.status.finished:
                    return
                guard = Guard(frozenset({current.status}), runner=self.runner_id)
                if current.status is TaskStatus.PENDING or current.resumable:
                    await self.store.update(task_id, guard, {"heartbeat_at": 0.0})
                else:
                    await self.store.update(task_id, guard, self._interrupted(SHUT_DOWN))
            except TaskStoreError:
                logger.exception("could not record the shutdown of task %s", task_id)

    # -- leases -------------------------------------------------------------------------

    async def _maintain(self) -> None:
        while True:
            await anyio.sleep(self.lease / 3)
            try:
                await self._renew()
                await self._settle_orphans(startup=False)
                await self.store.purge_expired(self._clock())
            except TaskStoreError:
                logger.warning("task store maintenance failed; retrying in %.0f s", self.lease / 3, exc_info=True)

    async def _renew(self) -> None:
        held = set(self._inflight)
        kept = await self.store.renew(self.runner_id, held, self._clock())
        for task_id in held - kept:
            self._stop_local(task_id)

    async def _settle_orphans(self, *, startup: bool) -> None:
        now = self._clock()
        for record in await self.store.list_active():
            if record.id in self._inflight:
                continue
            lapsed = record.heartbeat_at is None or record.heartbeat_at < now - self.lease
            left_by_me = startup and self._stable_runner and record.runner == self.runner_id
            if lapsed or left_by_me:
                await self._take_over(record)

    async def _take_over(self, record: TaskRecord) -> None:
        guard = Guard(frozenset({record.status}), runner=record.runner, heartbeat_at=record.heartbeat_at)
        reason = self._rerun_refusal(record)
        if reason is not None:
            await self.store.update(record.id, guard, self._interrupted(reason))
            return
        now = self._clock()
        changes = {
            "status": TaskStatus.PENDING,
            "runner": self.runner_id,
            "heartbeat_at": now,
            "updated_at": now,
            "message": f"rerunning after its server stopped (attempt {record.attempts + 1})",
        }
        claimed = await self.store.update(record.id, guard, changes)
        if claimed is not None:
            self._launch(claimed)

    def _rerun_refusal(self, record: TaskRecord) -> str | None:
        never_started = record.status is TaskStatus.PENDING and record.attempts == 0
        if not (record.resumable or never_started):
            return DIED
        if record.kind not in self._jobs:
            return f"{DIED} It is resumable, but the server that found it has no job named {record.kind!r}."
        if record.attempts >= self.max_attempts:
            return f"{DIED} It was run {record.attempts} times and is not rerun again."
        return None

    def _interrupted(self, reason: str) -> dict[str, Any]:
        return {**self._finish(TaskStatus.INTERRUPTED, "interrupted"), "error": reason}


DIED = (
    "The server process running this task stopped (it crashed, was killed or restarted) before the task "
    "finished; its work is lost. Start the task again."
)
SHUT_DOWN = "The server shut down while this task was running; its work is lost. Start the task again."


def _readable(record: TaskRecord, owner: str | None) -> bool:
    # An anonymous task's id is its capability: whoever holds the id may read it.
    return record.owner == anonymous_owner(record.id) or (owner is not None and record.owner == owner)


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ConfigurationError(f"TaskManager {name}={value!r} must be a positive number.")
