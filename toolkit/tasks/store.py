"""The task store protocol, its in-memory implementation, and `open_task_store(url)`.

A store keeps `TaskRecord`s and changes them only under a `Guard`, a compare-and-set
condition on status, runner and lease. That one primitive is what makes a store safe to
share between processes: a task is claimed, finished or cancelled by exactly one writer.

| url | store |
| --- | --- |
| `memory://` | `MemoryTaskStore`, lost when the process exits (tests, development) |
| `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` | `SQLiteTaskStore` |
| `dynamodb://table?region=us-east-1[&endpoint_url=...][&create=true]` | `DynamoDBTaskStore` |
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, urlsplit

from ..errors import ConfigurationError, TaskStoreError
from .record import ACTIVE_STATUSES, TaskRecord, TaskStatus

__all__ = ["UPDATABLE_FIELDS", "Guard", "MemoryTaskStore", "TaskStore", "check_changes", "open_task_store"]

#: The fields `TaskStore.update` may change; the rest are fixed when a task starts.
UPDATABLE_FIELDS = frozenset(
    {
        "status",
        "attempts",
        "progress",
        "message",
        "result",
        "error",
        "sink_error",
        "runner",
        "heartbeat_at",
        "updated_at",
        "started_at",
        "finished_at",
        "expires_at",
    }
)


@dataclass(frozen=True, slots=True)
class Guard:
    """The condition an update needs: the record must still look like this.

    Attributes:
        statuses: The statuses the record may have.
        runner: If set, the runner that must hold the task.
        heartbeat_at: If set, the lease time the record must still carry; a claim uses it so
            that it fails when the old runner renewed its lease in the meantime.
    """

    statuses: frozenset[TaskStatus]
    runner: str | None = None
    heartbeat_at: float | None = None

    def admits(self, record: TaskRecord) -> bool:
        """Whether `record` meets the condition."""
        if record.status not in self.statuses:
            return False
        if self.runner is not None and record.runner != self.runner:
            return False
        return self.heartbeat_at is None or record.heartbeat_at == self.heartbeat_at


def check_changes(changes: Mapping[str, Any]) -> None:
    """Raise `TaskStoreError` if `changes` touches a field that is fixed at start."""
    fixed = set(changes) - UPDATABLE_FIELDS
    if fixed:
        raise TaskStoreError(f"Cannot change {sorted(fixed)} of a task; only {sorted(UPDATABLE_FIELDS)} change.")


@runtime_checkable
class TaskStore(Protocol):
    """Where task records live. Every method may raise `TaskStoreError`."""

    async def open(self) -> None:
        """Connect and prepare the schema; called once by the manager before use."""

    async def aclose(self) -> None:
        """Release connections; the store is not used afterwards."""

    async def insert(self, record: TaskRecord) -> None:
        """Add a new record; its id must be new."""

    async def get(self, task_id: str, now: float) -> TaskRecord | None:
        """The record with this id, or None if there is none or it expired before `now`."""

    async def update(self, task_id: str, guard: Guard, changes: Mapping[str, Any]) -> TaskRecord | None:
        """Apply `changes` if the record meets `guard`; return the new record, else None."""

    async def list_owned(
        self, owner: str, now: float, *, status: TaskStatus | None = None, limit: int = 20
    ) -> list[TaskRecord]:
        """Up to `limit` unexpired records of `owner`, newest first, optionally of one status."""

    async def list_active(self) -> list[TaskRecord]:
        """Every pending or running record, for lease checks at start-up and after."""

    async def renew(self, runner: str, task_ids: Collection[str], heartbeat_at: float) -> set[str]:
        """Renew the lease of `runner`'s active tasks; return the ids it still holds."""

    async def purge_expired(self, now: float) -> int:
        """Delete records that expired before `now`; return how many went."""


class MemoryTaskStore:
    """A `TaskStore` in a dict: fast and exact, but every task is lost when the process exits."""

    def __init__(self) -> None:
        self._records: dict[str, TaskRecord] = {}

    async def open(self) -> None:
        """Nothing to prepare."""

    async def aclose(self) -> None:
        """Nothing to release; the records stay readable for tests."""

    async def insert(self, record: TaskRecord) -> None:
        """Add a new record."""
        if record.id in self._records:
            raise TaskStoreError(f"A task with id {record.id!r} already exists.")
        self._records[record.id] = record

    async def get(self, task_id: str, now: float) -> TaskRecord | None:
        """The unexpired record with this id, if any."""
        record = self._records.get(task_id)
        return None if record is None or record.expired(now) else record

    async def update(self, task_id: str, guard: Guard, changes: Mapping[str, Any]) -> TaskRecord | None:
        """Apply `changes` when `guard` admits the record."""
        check_changes(changes)
        record = self._records.get(task_id)
        if record is None or not guard.admits(record):
            return None
        self._records[task_id] = replace(record, **changes)
        return self._records[task_id]

    async def list_owned(
        self, owner: str, now: float, *, status: TaskStatus | None = None, limit: int = 20
    ) -> list[TaskRecord]:
        """The owner's unexpired records, newest first."""
        owned = [
            r
            for r in self._records.values()
            if r.owner == owner and not r.expired(now) and (status is None or r.status is status)
        ]
        return sorted(owned, key=lambda r: r.created_at, reverse=True)[:limit]

    async def list_active(self) -> list[TaskRecord]:
        """Every pending or running record."""
        return [r for r in self._records.values() if r.status in ACTIVE_STATUSES]

    async def renew(self, runner: str, task_ids: Collection[str], heartbeat_at: float) -> set[str]:
        """Move the lease of the runner's active tasks forward."""
        held = set()
        guard = Guard(ACTIVE_STATUSES, runner=runner)
        for task_id in task_ids:
            if await self.update(task_id, guard, {"heartbeat_at": heartbeat_at}) is not None:
                held.add(task_id)
        return held

    async def purge_expired(self, now: float) -> int:
        """Drop expired records."""
        expired = [task_id for task_id, r in self._records.items() if r.expired(now)]
        for task_id in expired:
            del self._records[task_id]
        return len(expired)


def open_task_store(url: str) -> TaskStore:
    """Create the store a URL names (see the module table); the manager opens it.

    Raises:
        ConfigurationError: The URL has an unknown scheme or is missing a part.
    """
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemoryTaskStore()
    if parts.scheme == "sqlite":
        from .sqlite_store import SQLiteTaskStore

        return SQLiteTaskStore(_sqlite_path(url, parts.path))
    if parts.scheme == "dynamodb":
        from ..optional import import_extra

        # boto3 comes with the `aws` extra; without it the error says to install that.
        dynamodb = import_extra("toolkit.aws.dynamodb_store", feature="A dynamodb:// task store")
        return dynamodb.DynamoDBTaskStore(parts.netloc, **_dynamodb_options(url, parts.query))
    raise ConfigurationError(
        f"Task store URL {url!r} is not supported. Use memory://, sqlite:///path/to/tasks.db "
        "or dynamodb://table?region=us-east-1."
    )


def _sqlite_path(url: str, path: str) -> str:
    # sqlite:///tasks.db is relative and sqlite:////var/tasks.db absolute, as in SQLAlchemy.
    relative = path[1:] if path.startswith("/") else path
    if not relative or relative.endswith("/"):
        raise ConfigurationError(f"Task store URL {url!r} names no file; use sqlite:///path/to/tasks.db.")
    return relative


def _dynamodb_options(url: str, query: str) -> dict[str, Any]:
    params = {key: values[-1] for key, values in parse_qs(query).items()}
    unknown = set(params) - {"region", "endpoint_url", "create"}
    if unknown:
        raise ConfigurationError(
            f"Task store URL {url!r} has unknown option(s) {sorted(unknown)}; use region, endpoint_url, create."
        )
    create = params.get("create", "false").lower()
    if create not in ("true", "false", "1", "0"):
        raise ConfigurationError(f"Task store URL {url!r}: create must be true or false.")
    return {
        "region": params.get("region"),
        "endpoint_url": params.get("endpoint_url"),
        "create": create in ("true", "1"),
    }
