"""Shared fixtures: in-memory client/server pairs and real server processes on 127.0.0.1.

Also what makes one suite run on both SDK lines: a header naming the installed mcp, the
`sdk_line` fixture, and the markers that skip a test on the line that cannot run it
(`only_mcp1`, `only_mcp2`, `requires_revision`, `requires_strands`), each with its reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from harness import (
    AWS_TEST_ENV,
    ROOT,
    STARTUP_TIMEOUT,
    TEST_SERVERS,
    ServerProcess,
    free_port,
    in_memory_client,
    wait_until_listening,
)
from sdk_compat import HAS_STRANDS, MCP_VERSION, SDK_LINE, STRANDS_MISSING, SUPPORTED_REVISIONS

__all__ = ["ROOT", "TEST_SERVERS", "ServerProcess", "free_port", "in_memory_client"]


def pytest_report_header(config: pytest.Config) -> str:
    server = "MCPServer" if SDK_LINE >= 2 else "FastMCP"
    strands = f"strands-agents {version('strands-agents')}" if HAS_STRANDS else "no strands-agents"
    revisions = ", ".join(sorted(SUPPORTED_REVISIONS))
    return f"mcp {MCP_VERSION}: SDK line {SDK_LINE} ({server}), protocol revisions {revisions}; {strands}"


def _line_skip(item: pytest.Item) -> str | None:
    """Why `item` cannot run on the installed SDK line, or None when it can."""
    here = f"mcp {MCP_VERSION} is installed"
    for name, line in (("only_mcp1", 1), ("only_mcp2", 2)):
        marker = item.get_closest_marker(name)
        if marker is not None and line != SDK_LINE:
            why = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            return f"mcp {line}.x only ({here})" + (f": {why}" if why else "")
    for marker in item.iter_markers("requires_revision"):
        (revision,) = marker.args
        if revision not in SUPPORTED_REVISIONS:
            return f"protocol revision {revision} needs mcp 2.x ({here})"
    if item.get_closest_marker("requires_strands") is not None and not HAS_STRANDS:
        return STRANDS_MISSING
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        reason = _line_skip(item)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def sdk_line() -> int:
    """The installed MCP SDK line: 1 (mcp 1.x, FastMCP) or 2 (mcp 2.x, MCPServer)."""
    return SDK_LINE


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def spawn_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start server processes; every one is stopped at teardown."""
    started: list[ServerProcess] = []

    def spawn(command: str, *args: str, env: dict[str, str] | None = None) -> ServerProcess:
        log_path = tmp_path / f"server-{len(started)}.log"
        proc = ServerProcess(command, list(args), env=env or {}, log_path=log_path)
        started.append(proc)
        return proc.start()

    yield spawn
    for proc in started:
        proc.kill()


@pytest.fixture
def test_server_script() -> Callable[[str], str]:
    """Path of a script in tests/servers, for `spawn_server`."""
    return lambda name: str(TEST_SERVERS / f"{name}.py")


@pytest.fixture(scope="session")
def dynamodb_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real local DynamoDB endpoint: moto in server mode, as a subprocess on 127.0.0.1.

    Also sets fake credentials and a region in the environment so boto3 (and any server
    process a test starts) can talk to it without touching AWS.
    """
    port = free_port()
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if not wait_until_listening(port, proc, timeout=STARTUP_TIMEOUT):
        proc.kill()
        raise RuntimeError(f"moto server did not start: {log_path.read_text()[-2000:]}")
    saved = {k: os.environ.get(k) for k in AWS_TEST_ENV}
    os.environ.update(AWS_TEST_ENV)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        proc.kill()
        proc.wait(timeout=5)
