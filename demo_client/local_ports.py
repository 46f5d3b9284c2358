"""Loopback ports for servers this project starts itself: pick a free one, wait until it listens."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

__all__ = ["free_port", "wait_until_listening"]

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[bytes] | None = None, *, timeout: float) -> bool:
    """Poll 127.0.0.1:`port` until it accepts a connection.

    Returns:
        True once the port accepts; False when `process` exits first or `timeout` seconds
        pass, so the caller can say which (check `process.poll()`).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=0.2):
            return True
        time.sleep(0.05)
    return False
