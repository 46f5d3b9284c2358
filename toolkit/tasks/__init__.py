"""Durable background tasks: the manager, records, stores, ownership and the task tools."""

from .jobs import Job
from .manager import ResultSink, TaskContext, TaskManager
from .memory_ids import MEMORY_IDS_HEADER, MemoryIds, parse_memory_ids
from .owners import OwnerPolicy, owner_of
from .record import TaskRecord, TaskStatus
from .sqlite_store import SQLiteTaskStore
from .store import MemoryTaskStore, TaskStore, open_task_store
from .tools import register_task_tools, run_with_app

__all__ = [
    "MEMORY_IDS_HEADER",
    "Job",
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
    "open_task_store",
    "owner_of",
    "parse_memory_ids",
    "register_task_tools",
    "run_with_app",
]
