"""`SQLiteTaskStore`: the embedded default, one file that several processes may share.

The file runs in WAL mode, so readers never block the writer, and every change is a single
guarded `UPDATE ... RETURNING` statement, so two processes can never both claim, finish or
cancel the same task. sqlite3 calls run on a worker thread one at a time; sqlite3 errors
become `TaskStoreError` here and nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from ..errors import TaskStoreError
from .record import ACTIVE_STATUSES, TaskRecord, TaskStatus
from .store import Guard, check_changes

__all__ = ["SQLiteTaskStore"]

T = TypeVar("T")
SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 5.0
# Stay well below SQLite's limit on bound parameters in one statement.
CHUNK = 500
JSON_COLUMNS = frozenset({"arguments", "metadata", "result"})
COLUMNS = (
    "id",
    "owner",
    "kind",
    "status",
    "arguments",
    "metadata",
    "resumable",
    "attempts",
    "progress",
    "message",
    "result",
    "error",
    "sink_error",
    "runner",
    "heartbeat_at",
    "created_at",
    "updated_at",
    "started_at",
    "finished_at",
    "expires_at",
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    arguments TEXT NOT NULL,
    metadata TEXT NOT NULL,
    resumable INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    progress REAL NOT NULL,
    message TEXT NOT NULL,
    result TEXT,
    error TEXT,
    sink_error TEXT,
    runner TEXT,
    heartbeat_at REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    expires_at REAL
);
CREATE INDEX IF NOT EXISTS tasks_by_owner ON tasks (owner, created_at);
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status);
CREATE INDEX IF NOT EXISTS tasks_by_expiry ON tasks (expires_at) WHERE expires_at IS NOT NULL;
"""


class SQLiteTaskStore:
    """A `TaskStore` in a SQLite file (WAL mode), safe to share between processes on one host.

    Args:
        path: The database file; its directory must exist.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None
        # One statement at a time: the connection is shared by the worker threads.
        self._limiter = anyio.CapacityLimiter(1)

    async def open(self) -> None:
        """Open the file, switch to WAL and create the table if needed."""
        self._connection = await self._call(self._connect)

    async def aclose(self) -> None:
        """Close the connection."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await self._call(connection.close)

    async def insert(self, record: TaskRecord) -> None:
        """Add a new record."""
        values = [_to_column(name, getattr(record, name)) for name in COLUMNS]
        sql = f"INSERT INTO tasks ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        await self._execute(sql, values)

    async def get(self, task_id: str, now: float) -> TaskRecord | None:
        """The unexpired record with this id, if any."""
        rows = await self._execute(
            "SELECT * FROM tasks WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)", [task_id, now]
        )
        return _to_record(rows[0]) if rows else None

    async def update(self, task_id: str, guard: Guard, changes: Mapping[str, Any]) -> TaskRecord | None:
        """Apply `changes` in one statement whose WHERE clause is the guard."""
        check_changes(changes)
        assignments = ", ".join(f"{name} = ?" for name in changes)
        condition, params = _guard_clause(guard)
        rows = await self._execute(
            f"UPDATE tasks SET {assignments} WHERE id = ? AND {condition} RETURNING *",
            [*(_to_column(k, v) for k, v in changes.items()), task_id, *params],
        )
        return _to_record(rows[0]) if rows else None

    async def list_owned(
        self, owner: str, now: float, *, status: TaskStatus | None = None, limit: int = 20
    ) -> list[TaskRecord]:
        """The owner's unexpired records, newest first."""
        sql = "SELECT * FROM tasks WHERE owner = ? AND (expires_at IS NULL OR expires_at > ?)"
        params: list[Any] = [owner, now]
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        rows = await self._execute(sql + " ORDER BY created_at DESC LIMIT ?", [*params, limit])
        return [_to_record(row) for row in rows]

    async def list_active(self) -> list[TaskRecord]:
        """Every pending or running record."""
        rows = await self._execute("SELECT * FROM tasks WHERE status IN (?, ?)", [s.value for s in ACTIVE_STATUSES])
        return [_to_record(row) for row in rows]

    async def renew(self, runner: str, task_ids: Collection[str], heartbeat_at: float) -> set[str]:
        """Renew the runner's leases, a chunk of ids per statement."""
        ids = list(task_ids)
        held: set[str] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows = await self._execute(
                f"UPDATE tasks SET heartbeat_at = ? WHERE runner = ? AND status IN (?, ?) "
                f"AND id IN ({', '.join('?' * len(chunk))}) RETURNING id",
                [heartbeat_at, runner, *(s.value for s in ACTIVE_STATUSES), *chunk],
            )
            held.update(row["id"] for row in rows)
        return held

    async def purge_expired(self, now: float) -> int:
        """Delete expired records."""
        rows = await self._execute(
            "DELETE FROM tasks WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING id", [now]
        )
        return len(rows)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        try:
            self._prepare(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise TaskStoreError(
                f"SQLite task store {self.path} has schema version {version}, newer than this toolkit's "
                f"{SCHEMA_VERSION}. Upgrade the toolkit or point the server at another file."
            )
        connection.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable against a process crash in WAL mode; only power loss can undo a commit.
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    async def _execute(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        connection = self._connection
        if connection is None:
            raise TaskStoreError(f"SQLite task store {self.path} is not open; the task manager opens it on entry.")
        return await self._call(lambda: connection.execute(sql, params).fetchall())

    async def _call(self, work: Callable[[], T]) -> T:
        try:
            return await anyio.to_thread.run_sync(work, limiter=self._limiter)
        except sqlite3.IntegrityError as exc:
            raise TaskStoreError(f"SQLite task store {self.path} refused the write: {exc}.") from exc
        except sqlite3.Error as exc:
            raise TaskStoreError(
                f"SQLite task store {self.path} failed: {exc}. Check that the directory exists, the file is "
                "writable, and it is on a local disk (WAL does not work on network file systems)."
            ) from exc


def _guard_clause(guard: Guard) -> tuple[str, list[Any]]:
    statuses = sorted(s.value for s in guard.statuses)
    clause = f"status IN ({', '.join('?' * len(statuses))})"
    params: list[Any] = list(statuses)
    if guard.runner is not None:
        clause += " AND runner = ?"
        params.append(guard.runner)
    if guard.heartbeat_at is not None:
        clause += " AND heartbeat_at = ?"
        params.append(guard.heartbeat_at)
    return clause, params


def _to_column(name: str, value: Any) -> Any:
    if name in JSON_COLUMNS:
        return None if value is None and name == "result" else json.dumps(value)
    if isinstance(value, TaskStatus):
        return value.value
    return value


def _to_record(row: sqlite3.Row) -> TaskRecord:
    values = {name: row[name] for name in COLUMNS}
    for name in JSON_COLUMNS:
        values[name] = None if values[name] is None else json.loads(values[name])
    values["status"] = TaskStatus(values["status"])
    values["resumable"] = bool(values["resumable"])
    return TaskRecord(**values)
