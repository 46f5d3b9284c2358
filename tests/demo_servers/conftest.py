"""Fixtures for the demo servers' end-to-end tests: real processes, real HTTP on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from harness import ServerProcess
from sdk_compat import open_http_session


@asynccontextmanager
async def mcp_session(url: str, **callbacks: Any) -> AsyncIterator[Any]:
    """An initialized SDK client over streamable HTTP (a 2025-11-25 session); callbacks declare capabilities."""
    async with open_http_session(url, **callbacks) as session:
        yield session


@pytest.fixture
def connect() -> Callable[..., Any]:
    """`connect(url, **callbacks)`: an async context manager yielding an initialized session."""
    return mcp_session


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store URL in this test's temporary folder (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'data' / 'expenses.db'}"


@pytest.fixture(scope="module")
def expenses_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One expense demo server per test module, on its own SQLite store.

    Starting a server takes a second or two, so the tests of a module share one; each test
    works on its own user (see `alias`) and so sees only its own data.
    """
    folder = tmp_path_factory.mktemp("expenses")
    url = f"sqlite:///{folder / 'expenses.db'}"
    server = ServerProcess("demo_servers.expenses", ["--store", url], log_path=folder / "server.log")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def own_expenses_server(spawn_server: Callable[..., Any], sqlite_url: str) -> Any:
    """An expense demo server of this test alone, for tests that restart it."""
    return spawn_server("demo_servers.expenses", "--store", sqlite_url)


@pytest.fixture
def alias() -> str:
    """A user alias no other test uses."""
    return f"user-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def task_store_url(tmp_path: Path) -> str:
    """A SQLite task store URL in this test's temporary folder."""
    return f"sqlite:///{tmp_path / 'tasks.db'}"


@pytest.fixture(scope="module")
def training_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One long-running demo server per test module: 50 ms epochs, its own SQLite task store.

    Tests tell their tasks apart by the actor header they send.
    """
    folder = tmp_path_factory.mktemp("training")
    args = ["--epoch-seconds", "0.05", "--task-store", f"sqlite:///{folder / 'tasks.db'}"]
    server = ServerProcess("demo_servers.long_running", args, log_path=folder / "server.log")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def own_training_server(spawn_server: Callable[..., Any], task_store_url: str) -> Any:
    """A long-running demo server of this test alone, for tests that restart it."""
    return spawn_server("demo_servers.long_running", "--epoch-seconds", "0.05", "--task-store", task_store_url)
