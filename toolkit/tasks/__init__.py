"""Durable background tasks: the manager, records, stores, ownership and the task tools."""

from .jobs import Job, JobFunction, make_job
from .manager import ResultSink, TaskContext, TaskManager
from .memory_ids import (
    ACTOR_ID,
    MEMORY_ID,
    MEMORY_IDS_HEADER,
    PACKED_SEPARATOR,
    SESSION_ID,
    IdRule,
    MemoryIds,
    parse_memory_ids,
)
from .owners import OwnerPolicy, authenticated_user, owner_of, request_header
from .record import ACTIVE_STATUSES, FINISHED_STATUSES, TaskRecord, TaskStatus, check_task_id, new_task_id
from .sqlite_store import SQLiteTaskStore
from .store import UPDATABLE_FIELDS, Guard, MemoryTaskStore, TaskStore, check_changes, open_task_store
from .tools import register_task_tools, run_with_app

__all__ = [
    "ACTIVE_STATUSES",
    "ACTOR_ID",
    "FINISHED_STATUSES",
    "MEMORY_ID",
    "MEMORY_IDS_HEADER",
    "PACKED_SEPARATOR",
    "SESSION_ID",
    "UPDATABLE_FIELDS",
    "Guard",
    "IdRule",
    "Job",
    "JobFunction",
    "MemoryIds",
    "MemoryTaskStore",
    "OwnerPolicy",
    "ResultSink",
    "SQLiteTaskStore",
    "TaskContext",
    "TaskManager",
    "TaskRecord",
    "TaskStatus",
    "TaskStore",
    "authenticated_user",
    "check_changes",
    "check_task_id",
    "make_job",
    "new_task_id",
    "open_task_store",
    "owner_of",
    "parse_memory_ids",
    "register_task_tools",
    "request_header",
    "run_with_app",
]
