"""Resident memory once a heavy session has ended: what the server keeps after a DELETE.

One client initializes with a `clientInfo.name` of `name_bytes`, calls `client_name` (which
answers with that name, as a tool reporting its client does) `calls` times, then ends its
session with DELETE. Every answer passes through the event store, so this is the client that
finds out whether the store lets go of a session's events when the session ends.

Two toolkit servers run side by side as their own processes: the preset's defaults (event
store on) and `MCP_EVENT_STORE=off`, the baseline of what the SDK and the allocator keep
anyway. Each server's resident set (RSS) is read before the session, at its peak (after the
last call) and after the DELETE, once it has settled. `retained_mb` is RSS after the DELETE
minus RSS before the session. The whole run repeats with fresh processes; figures are medians.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import anyio
import httpx

from .processes import RunningServer, serving
from .sdk_line import HANDSHAKE_REVISION

__all__ = ["HEADLINES", "Plan", "run"]

HEADLINES = ("rss_mb_after_delete",)
ACCEPT = "application/json, text/event-stream"
#: Seconds to let a server settle before its RSS is read.
SETTLE = 1.0
TIMEOUT = httpx.Timeout(120.0)
STORE_OFF = {"MCP_EVENT_STORE": "off"}


@dataclass(frozen=True, slots=True)
class Plan:
    """How large the client's name is, how many calls it makes, how many repeats."""

    name_bytes: int
    calls: int
    repeats: int


FULL = Plan(name_bytes=3_000_000, calls=100, repeats=3)
QUICK = Plan(name_bytes=1_000_000, calls=20, repeats=1)


@dataclass(frozen=True, slots=True)
class Reading:
    """RSS of one server, in MiB, before the session, at its peak, and after its DELETE."""

    before: float
    peak: float
    after: float


def run(quick: bool) -> dict[str, float]:
    """Run the heavy session against both servers `plan.repeats` times; return the medians."""
    plan = QUICK if quick else FULL
    readings = [_measure_once(plan) for _ in range(plan.repeats)]

    def median(index: int, key: str) -> float:
        return statistics.median(getattr(pair[index], key) for pair in readings)

    figures = {
        "name_mb": plan.name_bytes / 1_000_000,
        "calls": float(plan.calls),
        "rss_mb_before": median(0, "before"),
        "rss_mb_peak": median(0, "peak"),
        "rss_mb_after_delete": median(0, "after"),
        "rss_mb_before_store_off": median(1, "before"),
        "rss_mb_peak_store_off": median(1, "peak"),
        "rss_mb_after_delete_store_off": median(1, "after"),
    }
    figures["retained_mb"] = figures["rss_mb_after_delete"] - figures["rss_mb_before"]
    figures["retained_mb_store_off"] = figures["rss_mb_after_delete_store_off"] - figures["rss_mb_before_store_off"]
    return figures


def _measure_once(plan: Plan) -> tuple[Reading, Reading]:
    with serving("toolkit") as store_on, serving("toolkit", STORE_OFF) as store_off:
        return anyio.run(_measure, store_on, store_off, plan)


async def _measure(store_on: RunningServer, store_off: RunningServer, plan: Plan) -> tuple[Reading, Reading]:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        # Sequentially, so one server's garbage never competes with the other's for the CPU.
        return await _heavy_session(http, store_on, plan), await _heavy_session(http, store_off, plan)


async def _heavy_session(http: httpx.AsyncClient, server: RunningServer, plan: Plan) -> Reading:
    await anyio.sleep(SETTLE)
    before = server.rss_kb() / 1024
    name = "n" * plan.name_bytes
    params = {
        "protocolVersion": HANDSHAKE_REVISION,
        "capabilities": {},
        "clientInfo": {"name": name, "version": "0"},
    }
    opened = await http.post(
        server.url,
        json={"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params},
        headers={"Accept": ACCEPT},
    )
    opened.raise_for_status()
    headers = {
        "Accept": ACCEPT,
        "Mcp-Session-Id": opened.headers["mcp-session-id"],
        "Mcp-Protocol-Version": HANDSHAKE_REVISION,
    }
    await _post(http, server.url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, headers)
    for call_id in range(1, plan.calls + 1):
        body = {"jsonrpc": "2.0", "id": call_id, "method": "tools/call", "params": {"name": "client_name"}}
        answer = await _post(http, server.url, body, headers)
        if name not in answer:
            raise RuntimeError(f"client_name did not answer with the client's name (call {call_id})")
    peak = server.rss_kb() / 1024
    ended = await http.delete(server.url, headers=headers)
    ended.raise_for_status()
    await anyio.sleep(SETTLE)
    return Reading(before=before, peak=peak, after=server.rss_kb() / 1024)


async def _post(http: httpx.AsyncClient, url: str, body: dict[str, object], headers: dict[str, str]) -> str:
    response = await http.post(url, json=body, headers=headers)
    response.raise_for_status()
    return response.text
