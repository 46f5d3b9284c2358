"""Shared fixtures: in-memory client/server pairs and real server processes on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
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

__all__ = ["ROOT", "TEST_SERVERS", "ServerProcess", "free_port", "in_memory_client"]


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
