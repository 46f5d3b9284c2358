"""Test harness: real server processes on 127.0.0.1 and in-memory client/server pairs.

Fixtures built on these live in `conftest.py`; tests import the helpers from here.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import httpx
from sdk_compat import SDK_LINE

if SDK_LINE >= 2:
    from mcp import Client
else:
    from mcp import ClientSession
    from mcp.shared.memory import create_client_server_memory_streams, create_connected_server_and_client_session

ROOT = Path(__file__).resolve().parent.parent
TEST_SERVERS = Path(__file__).resolve().parent / "servers"
STARTUP_TIMEOUT = 20.0


def _load_local_ports() -> ModuleType:
    """`demo_client/local_ports.py` (standard library only), without importing the packages.

    The harness loads before any test. Importing `demo_client` (and so `toolkit`) here would
    turn one import error in them into a single conftest error for the whole run; this way each
    test module that needs them fails on its own and the rest still run.
    """
    spec = importlib.util.spec_from_file_location("_harness_local_ports", ROOT / "demo_client" / "local_ports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_local_ports = _load_local_ports()
free_port: Callable[[], int] = _local_ports.free_port
wait_until_listening: Callable[..., bool] = _local_ports.wait_until_listening


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
async def in_memory_client(server: Any, *, revision: str | None = None, **callbacks: Any) -> AsyncIterator[Any]:
    """A client connected to `server` in this process, on a 2025-11-25 session, already initialized.

    On mcp 1.x it is a `ClientSession` over in-memory streams; on mcp 2.x an `mcp.Client` in
    legacy mode (the `initialize` handshake over an in-memory transport). Both have `call_tool`,
    `list_tools`, `get_prompt`, ...; `callbacks` are the client's callbacks and options
    (`elicitation_callback`, `message_handler`, `raise_exceptions`, `sampling_capabilities`,
    ...), e.g. from `sdk_compat.wire_callbacks`. `revision="2026-07-28"` (mcp 2.x only) speaks
    that revision instead: every request on its own, with no session.
    """
    if SDK_LINE >= 2:
        mode = "legacy" if revision is None else revision
        async with Client(server, mode=mode, **callbacks) as client:
            yield client
        return
    if revision is not None:
        raise ValueError(f"mcp 1.x speaks no protocol revision {revision}")
    timeout = callbacks.get("read_timeout_seconds")
    if isinstance(timeout, int | float):
        # 1.x takes a timedelta where 2.x takes seconds; tests pass seconds.
        callbacks["read_timeout_seconds"] = timedelta(seconds=timeout)
    if "sampling_capabilities" not in callbacks:
        async with create_connected_server_and_client_session(server, **callbacks) as session:
            yield session
        return
    # The SDK's helper cannot declare sampling sub-capabilities; the session it builds can.
    lowlevel = server._mcp_server
    async with (
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(lambda: lowlevel.run(*server_streams, lowlevel.create_initialization_options()))
        async with ClientSession(*client_streams, **callbacks) as session:
            await session.initialize()
            yield session
        tg.cancel_scope.cancel()


@asynccontextmanager
async def asgi_http(server: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on `server`'s streamable-HTTP app in this process, its lifespan running.

    For tests of the wire itself: raw JSON-RPC over HTTP (see `wire.py`), without a port. A
    response arrives whole, once the server has finished it.
    """
    app = server.streamable_http_app()
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http,
    ):
        yield http


AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
