"""Benchmark servers as real processes on 127.0.0.1, and their resident memory.

```python
with serving("toolkit") as server:
    ...  # talk to server.url; server.rss_kb() is the process's resident set now
```
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil

from .servers import Flavor

__all__ = ["RunningServer", "serving"]

ROOT = Path(__file__).resolve().parent.parent


def _local_ports() -> Any:
    """`demo_client/local_ports.py` (standard library only), without importing the reference client."""
    spec = importlib.util.spec_from_file_location("_bench_local_ports", ROOT / "demo_client" / "local_ports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ports = _local_ports()
free_port = _ports.free_port
wait_until_listening = _ports.wait_until_listening
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class RunningServer:
    """A benchmark server process that is listening."""

    flavor: Flavor
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The streamable HTTP endpoint."""
        return f"http://127.0.0.1:{self.port}/mcp"

    def rss_kb(self) -> float:
        """The process's resident set size now, in KiB."""
        return psutil.Process(self.process.pid).memory_info().rss / 1024


@contextmanager
def serving(flavor: Flavor, env: Mapping[str, str] | None = None) -> Iterator[RunningServer]:
    """Start `python -m bench.servers <flavor>` on a free port, `env` added to its environment; stop it on exit."""
    port = free_port()
    argv = [sys.executable, "-m", "bench.servers", flavor, "--port", str(port)]
    # A file, not a pipe: a pipe nobody reads would block a server that logs a lot.
    with tempfile.TemporaryFile() as log:
        environ = {**os.environ, **(env or {})}
        process = subprocess.Popen(argv, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_listening(process, port, log)
            yield RunningServer(flavor, port, process)
        finally:
            _stop(process)


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: IO[bytes]) -> None:
    if wait_until_listening(port, process, timeout=STARTUP_TIMEOUT):
        return
    if process.poll() is not None:
        log.seek(0)
        errors = log.read().decode(errors="replace")
        raise RuntimeError(f"benchmark server exited with {process.returncode}: {errors[-2000:]}")
    raise RuntimeError(f"benchmark server did not listen on port {port} within {STARTUP_TIMEOUT:g} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
