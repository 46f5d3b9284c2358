"""A 2026-07-28 tool call with one input round: the reference client against mcp 2.x's own `Client`.

Both clients speak 2026-07-28 to the same MCPServer process (`bench.mrtr_server`) and call
`confirm` alternately: the call, an `input_required` answer with one form, the form answered,
the retry with the answer and the echoed `requestState`, the result. The SDK `Client` drives
the round itself; the reference client drives it with the SDK's driver too, through its own
transport, declaration stamping and error translation. `client_mrtr_ratio` is reference over
SDK (goal: at most 1.05). mcp 2.x only.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from typing import Any

import anyio

import demo_client
from demo_client.local_ports import free_port, wait_until_listening

from .stats import compare, timing

__all__ = ["HEADLINES", "run", "unavailable"]

HEADLINES = ("client_mrtr_ratio",)
FULL_ROUNDS, FULL_PER_ROUND = 7, 60
QUICK_ROUNDS, QUICK_PER_ROUND = 3, 15
STARTUP_TIMEOUT = 20.0
MODERN = "2026-07-28"


def unavailable() -> str | None:
    """Why this benchmark cannot run here, or None: it needs the mcp 2.x line."""
    major = int(metadata.version("mcp").split(".")[0])
    return None if major >= 2 else f"protocol {MODERN} needs mcp 2.x (mcp {metadata.version('mcp')} is installed)"


def run(quick: bool) -> dict[str, float]:
    """Time both clients' calls alternately and return their medians and ratio."""
    reason = unavailable()
    if reason is not None:
        raise RuntimeError(f"client_mrtr cannot run: {reason}")
    rounds, per_round = (QUICK_ROUNDS, QUICK_PER_ROUND) if quick else (FULL_ROUNDS, FULL_PER_ROUND)
    with _serving() as url:
        return anyio.run(_measure, url, rounds, per_round)


async def _measure(url: str, rounds: int, per_round: int) -> dict[str, float]:
    from mcp import Client

    async def sdk_answer(context: Any, params: Any) -> Any:
        import mcp_types

        return mcp_types.ElicitResult(action="accept", content={"ok": True})

    async with (
        Client(url, mode=MODERN, elicitation_callback=sdk_answer) as sdk,
        demo_client.connect(url, protocol=MODERN, elicitation=_reference_answer) as reference,
    ):
        comparison = await compare(
            timing(lambda: _confirm_sdk(sdk)), timing(lambda: _confirm(reference)), rounds=rounds, per_round=per_round
        )
    return comparison.figures("client_mrtr")


def _reference_answer(request: Any) -> dict[str, Any]:
    return {"action": "accept", "content": {"ok": True}}


async def _confirm(client: demo_client.Client) -> None:
    result = await client.call_tool("confirm")
    if result.text != "confirmed":
        raise RuntimeError(f"unexpected answer from confirm: {result.content!r}")


async def _confirm_sdk(client: Any) -> None:
    result = await client.call_tool("confirm")
    texts = [block.text for block in result.content if getattr(block, "text", None) is not None]
    if texts != ["confirmed"]:
        raise RuntimeError(f"unexpected answer from confirm: {result.content!r}")


@contextmanager
def _serving() -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.mrtr_server", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            if not wait_until_listening(port, process, timeout=STARTUP_TIMEOUT):
                log.seek(0)
                raise RuntimeError(f"bench.mrtr_server did not start: {log.read().decode(errors='replace')[-2000:]}")
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
