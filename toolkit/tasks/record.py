"""`TaskRecord`: one background task as the stores keep it, and its `TaskStatus`.

A record is immutable; the manager writes changes through the store, which returns the new
record. Timestamps are POSIX seconds (UTC) because several processes compare them; views for
clients render them as ISO 8601.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..errors import InvalidArgument

__all__ = [
    "ACTIVE_STATUSES",
    "ANONYMOUS_PREFIX",
    "FINISHED_STATUSES",
    "TaskRecord",
    "TaskStatus",
    "anonymous_owner",
    "check_task_id",
    "new_task_id",
]


class TaskStatus(StrEnum):
    """Where a task is in its life; the last four are final."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        """Whether the task will never change status again."""
        return self in FINISHED_STATUSES


ACTIVE_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.RUNNING})
FINISHED_STATUSES = frozenset(set(TaskStatus) - ACTIVE_STATUSES)


TASK_ID_BYTES = 16
TASK_ID = re.compile(f"[0-9a-f]{{{2 * TASK_ID_BYTES}}}")

#: The owner recorded for a task started without a principal is this prefix and its own id.
ANONYMOUS_PREFIX = "task:"


def new_task_id() -> str:
    """A fresh task id: 128 bits from `secrets`, as 32 lower-case hex characters.

    The id is the only thing that grants access to an anonymous task, so every bit is
    random (a UUID4 spends 6 of its 128 on version and variant).
    """
    return secrets.token_hex(TASK_ID_BYTES)


def check_task_id(task_id: object) -> str:
    """Return `task_id` if it has the form `new_task_id` gives, else raise `InvalidArgument`."""
    if not isinstance(task_id, str) or not TASK_ID.fullmatch(task_id):
        raise InvalidArgument.for_task_id(task_id)
    return task_id


def anonymous_owner(task_id: str) -> str:
    """The owner of the anonymous task `task_id`: the task itself, so its id is its capability."""
    return f"{ANONYMOUS_PREFIX}{task_id}"


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """A background task: who started it, what it runs, and how far it got.

    Attributes:
        id: The task id (32 random hex characters) returned on start.
        owner: Who may read the task: ``"user:alice"``, ``"actor:alice"``, or for an
            anonymous task ``"task:<id>"``, which anyone holding the id may read.
        kind: The name of the job the task runs.
        status: The current `TaskStatus`.
        arguments: The job's arguments as JSON values, kept so a resumable task can rerun.
        metadata: Short strings captured at start, e.g. AgentCore Memory ids for a sink.
        resumable: Whether the task reruns after its process died instead of being interrupted.
        attempts: How many times a runner started the job (1 on the first run).
        progress: Fraction done, 0 to 1, as the job last reported it.
        message: A human-readable line about the current state.
        result: The job's return value (JSON), once completed.
        error: Why the task failed, was interrupted or could not start.
        sink_error: Why a result sink failed; the task itself still completed.
        runner: The manager instance that holds the task while it is active.
        heartbeat_at: When the runner last renewed its hold (its lease).
        created_at: When the task was started.
        updated_at: When the record last changed, heartbeats aside.
        started_at: When a runner began the job.
        finished_at: When the task reached a final status.
        expires_at: When a finished task is deleted.
    """

    id: str
    owner: str
    kind: str
    status: TaskStatus
    created_at: float
    updated_at: float
    arguments: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    resumable: bool = False
    attempts: int = 0
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str | None = None
    sink_error: str | None = None
    runner: str | None = None
    heartbeat_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    expires_at: float | None = None

    def expired(self, now: float) -> bool:
        """Whether time-to-live clean-up may delete this record at `now`."""
        return self.expires_at is not None and self.expires_at <= now

    def status_view(self) -> dict[str, Any]:
        """What `check_task_status` shows: everything a client needs except the result."""
        view: dict[str, Any] = {
            "task_id": self.id,
            "kind": self.kind,
            "status": self.status.value,
            "progress": self.progress,
            "message": self.message,
            "result_ready": self.status is TaskStatus.COMPLETED,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "expires_at": _iso(self.expires_at),
        }
        for name in ("error", "sink_error"):
            if getattr(self, name) is not None:
                view[name] = getattr(self, name)
        return view

    def result_view(self) -> dict[str, Any]:
        """What `get_task_results` shows for a finished task."""
        view = self.status_view()
        if self.status is TaskStatus.COMPLETED:
            view["result"] = self.result
        return view


def _iso(timestamp: float | None) -> str | None:
    """POSIX seconds as an ISO 8601 UTC string (None stays None)."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat()
