"""Test harness: real server processes on 127.0.0.1 and in-memory client/server pairs.

Fixtures built on these live in `conftest.py`; tests import the helpers from here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session

from demo_client.local_ports import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
TEST_SERVERS = Path(__file__).resolve().parent / "servers"
STARTUP_TIMEOUT = 20.0


@dataclass
class ServerProcess:
    """A server started as a real subprocess, bound to a free port on 127.0.0.1.

    `command` is either a module name (run with `python -m`) or a path to a script; `args`
    follow it, and `--host 127.0.0.1 --port N` are appended.
    """

    command: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    path: str = "/mcp"
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def argv(self) -> list[str]:
        target = ["-m", self.command] if not self.command.endswith(".py") else [self.command]
        return [sys.executable, *target, *self.args, "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self) -> ServerProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        if self.log_path is None:
            self.process = subprocess.Popen(self.argv(), cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        else:
            # The child keeps its own copy of the descriptor; ours can close at once.
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(self.argv(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        assert self.process is not None
        if wait_until_listening(self.port, self.process, timeout=STARTUP_TIMEOUT):
            return
        if self.process.poll() is not None:
            raise RuntimeError(f"server {self.command} exited with {self.process.returncode}: {self.logs()}")
        self.stop()
        raise RuntimeError(f"server {self.command} did not listen on {self.port} within {STARTUP_TIMEOUT}s")

    def logs(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-4000:]
        return "(no log)"

    def stop(self) -> None:
        """Terminate gracefully, then kill if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=5)

    def restart(self, *, hard: bool = False) -> ServerProcess:
        """Stop (or SIGKILL with `hard`) and start again on the same port."""
        self.kill() if hard else self.stop()
        return self.start()


@asynccontextmanager
async def in_memory_client(server: FastMCP[Any], **callbacks: Any) -> AsyncIterator[ClientSession]:
    """A ClientSession connected to `server` over in-memory streams, already initialized."""
    async with create_connected_server_and_client_session(server, **callbacks) as session:
        yield session


AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
