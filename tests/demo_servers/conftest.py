"""Fixtures for the demo servers' end-to-end tests: real processes, real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


@asynccontextmanager
async def mcp_session(url: str, **callbacks: Any) -> AsyncIterator[ClientSession]:
    """An initialized SDK `ClientSession` over streamable HTTP; callbacks declare capabilities."""
    async with streamable_http_client(url) as (read, write, _), ClientSession(read, write, **callbacks) as session:
        await session.initialize()
        yield session


@pytest.fixture
def connect() -> Callable[..., Any]:
    """`connect(url, **callbacks)`: an async context manager yielding an initialized session."""
    return mcp_session


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store URL in this test's temporary folder (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'data' / 'expenses.db'}"


@pytest.fixture
def expenses_server(spawn_server: Callable[..., Any], sqlite_url: str) -> Any:
    """The expense demo server on a fresh SQLite store."""
    return spawn_server("demo_servers.expenses", "--store", sqlite_url)


@pytest.fixture
def task_store_url(tmp_path: Path) -> str:
    """A SQLite task store URL in this test's temporary folder."""
    return f"sqlite:///{tmp_path / 'tasks.db'}"


@pytest.fixture
def training_server(spawn_server: Callable[..., Any], task_store_url: str) -> Any:
    """The long-running demo server with 50 ms epochs on a fresh SQLite task store."""
    return spawn_server("demo_servers.long_running", "--epoch-seconds", "0.05", "--task-store", task_store_url)
