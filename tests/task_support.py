"""Shared pieces of the task tests: store URLs for each backend, and bounded waits."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import anyio
import boto3
import pytest

from toolkit import TaskManager, TaskStatus
from toolkit.tasks import TaskRecord

T = TypeVar("T")

ALL_STORES = ["memory", "sqlite", "dynamodb"]
DURABLE_STORES = ["sqlite", "dynamodb"]
WAIT_SECONDS = 20.0


@contextmanager
def store_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL for a fresh, empty store of `kind`; a DynamoDB table is deleted afterwards."""
    if kind == "memory":
        yield "memory://"
    elif kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'tasks.db'}"
    else:
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        table = f"tasks-{uuid.uuid4().hex[:12]}"
        yield f"dynamodb://{table}?region=us-east-1&endpoint_url={endpoint}&create=true"
        client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint)
        client.delete_table(TableName=table)


async def wait_for(manager: TaskManager, task_id: str, owner: str, *statuses: TaskStatus) -> TaskRecord:
    """Poll until the task reaches one of `statuses`; fail the test after WAIT_SECONDS."""
    with anyio.fail_after(WAIT_SECONDS):
        while True:
            record = await manager.get(task_id, owner=owner)
            if record.status in statuses:
                return record
            await anyio.sleep(0.01)


async def wait_for_progress(manager: TaskManager, task_id: str, owner: str, progress: float) -> TaskRecord:
    """Poll until the running task has reported `progress`."""
    with anyio.fail_after(WAIT_SECONDS):
        while True:
            record = await manager.get(task_id, owner=owner)
            if record.status is TaskStatus.RUNNING and record.progress == progress:
                return record
            await anyio.sleep(0.01)


async def eventually(probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool]) -> T:
    """Call `probe` until `accept` likes its answer; fail the test after WAIT_SECONDS."""
    with anyio.fail_after(WAIT_SECONDS):
        while True:
            value = await probe()
            if accept(value):
                return value
            await anyio.sleep(0.01)
