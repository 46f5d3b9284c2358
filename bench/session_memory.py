"""Concurrent stateful sessions on one server process: the toolkit preset against the bare SDK server.

The two servers run side by side as their own processes. Sessions are added to both in
steps, alternating which goes first, and every session holds an elicitation open: its tool
call is waiting for the user's answer, as an interactive tool does most of its life. After
each step the resident set (RSS) of both processes is read. `kb_per_session` is the
least-squares slope of RSS over open sessions, so one noisy reading moves it little, and
`session_memory_ratio` is toolkit over raw (goal: at most 1.1).

With all sessions held, probe round trips (call, `elicitation/create`, answer, result)
alternate between the two servers on one extra session each, for the p50/p99 round trip
under that load. Probes have an HTTP client of their own, so they do not queue behind the
held streams in one connection pool. The whole run repeats with fresh processes; the
figures are medians.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import anyio
import httpx

from .processes import RunningServer, serving
from .raw_session import HeldElicitation, RawSession
from .servers import ANSWER_TEXT, EXPENSE_ANSWER, FLAVORS, Flavor
from .stats import percentile, slope, timed

__all__ = ["HEADLINES", "Plan", "run"]

HEADLINES = ("session_memory_ratio", "kb_per_session", "load_round_trip_p50_ms", "load_round_trip_p99_ms")
#: The elicitation tool each flavor's sessions hold open.
TOOLS: dict[Flavor, str] = {"toolkit": "ask_toolkit", "raw": "ask_raw"}
#: Sessions opened at once while adding a step.
OPEN_CONCURRENCY = 20
#: Seconds to let a server settle after a step before its RSS is read.
SETTLE = 0.5
TIMEOUT = httpx.Timeout(60.0)


@dataclass(frozen=True, slots=True)
class Plan:
    """How many sessions, in how many steps, how many probes, how many repeats."""

    sessions: int
    steps: int
    probes: int
    repeats: int
    warm: int = 10


FULL = Plan(sessions=1000, steps=5, probes=200, repeats=3)
QUICK = Plan(sessions=100, steps=4, probes=30, repeats=2)


@dataclass(eq=False)
class Load:
    """The sessions held on one server, and its RSS after each step."""

    http: httpx.AsyncClient
    server: RunningServer
    held: list[HeldElicitation] = field(default_factory=list)
    points: list[tuple[int, float]] = field(default_factory=list)
    probe_ms: list[float] = field(default_factory=list)

    @property
    def tool(self) -> str:
        return TOOLS[self.server.flavor]

    async def add(self, count: int) -> None:
        """Open `count` more sessions, each holding an elicitation."""
        limiter = anyio.CapacityLimiter(OPEN_CONCURRENCY)
        async with anyio.create_task_group() as group:
            for _ in range(count):
                group.start_soon(self._hold_one, limiter)

    async def _hold_one(self, limiter: anyio.CapacityLimiter) -> None:
        async with limiter:
            session = await RawSession.open(self.http, self.server.url)
            self.held.append(await session.hold_elicitation(self.tool))

    def sample(self) -> None:
        """Record the server's RSS against the number of sessions held now."""
        self.points.append((len(self.held), self.server.rss_kb()))

    async def round_trip(self, session: RawSession) -> float:
        """Milliseconds of one full elicitation round trip on `session`."""

        async def ask_and_answer() -> None:
            held = await session.hold_elicitation(self.tool)
            if await held.answer(EXPENSE_ANSWER) != ANSWER_TEXT:
                raise RuntimeError(f"{self.tool} did not round-trip the form")

        return await timed(ask_and_answer) * 1000

    async def drop(self) -> None:
        """Close every held stream; the server goes away next, so nothing is answered."""
        for held in self.held:
            await held.close()
        self.held.clear()

    def figures(self) -> dict[str, float]:
        """KiB per session (the slope), the last RSS, and the probe percentiles."""
        counts, rss = zip(*self.points, strict=True)
        return {
            "kb_per_session": slope(counts, rss),
            "rss_mb": rss[-1] / 1024,
            "p50_ms": percentile(self.probe_ms, 50),
            "p99_ms": percentile(self.probe_ms, 99),
        }


def run(quick: bool) -> dict[str, float]:
    """Measure both servers `plan.repeats` times with fresh processes; return the medians."""
    plan = QUICK if quick else FULL
    repeats = [_measure_once(plan) for _ in range(plan.repeats)]

    def median(flavor: Flavor, key: str) -> float:
        return statistics.median(figures[flavor][key] for figures in repeats)

    ratios = [figures["toolkit"]["kb_per_session"] / figures["raw"]["kb_per_session"] for figures in repeats]
    return {
        "sessions": float(plan.sessions),
        "session_memory_ratio": statistics.median(ratios),
        "kb_per_session": median("toolkit", "kb_per_session"),
        "kb_per_session_raw": median("raw", "kb_per_session"),
        "rss_mb_at_sessions": median("toolkit", "rss_mb"),
        "rss_mb_at_sessions_raw": median("raw", "rss_mb"),
        "load_round_trip_p50_ms": median("toolkit", "p50_ms"),
        "load_round_trip_p99_ms": median("toolkit", "p99_ms"),
        "load_round_trip_p50_ms_raw": median("raw", "p50_ms"),
        "load_round_trip_p99_ms_raw": median("raw", "p99_ms"),
    }


def _measure_once(plan: Plan) -> dict[Flavor, dict[str, float]]:
    with serving("raw") as raw, serving("toolkit") as toolkit:
        return anyio.run(_measure, {"raw": raw, "toolkit": toolkit}, plan)


async def _measure(servers: dict[Flavor, RunningServer], plan: Plan) -> dict[Flavor, dict[str, float]]:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=OPEN_CONCURRENCY * 2)
    async with (
        httpx.AsyncClient(limits=limits, timeout=TIMEOUT) as http,
        httpx.AsyncClient(timeout=TIMEOUT) as probe_http,
    ):
        loads = {flavor: Load(http, server) for flavor, server in servers.items()}
        probes = {flavor: await RawSession.open(probe_http, server.url) for flavor, server in servers.items()}
        for flavor in FLAVORS:
            await loads[flavor].round_trip(probes[flavor])  # warm-up, not counted
        await _add_in_steps(loads, plan)
        for index in range(plan.probes):
            for flavor in _order(index):
                loads[flavor].probe_ms.append(await loads[flavor].round_trip(probes[flavor]))
        for load in loads.values():
            await load.drop()
        return {flavor: load.figures() for flavor, load in loads.items()}


async def _add_in_steps(loads: dict[Flavor, Load], plan: Plan) -> None:
    """Warm both servers up, then add `plan.sessions` in `plan.steps`, sampling RSS after each."""
    per_step = plan.sessions // plan.steps
    sizes = [plan.warm] + [per_step] * plan.steps
    for step, size in enumerate(sizes):
        for flavor in _order(step):
            await loads[flavor].add(size)
        await anyio.sleep(SETTLE)
        for load in loads.values():
            load.sample()


def _order(index: int) -> tuple[Flavor, Flavor]:
    """Both flavors, the first one alternating with `index`."""
    return FLAVORS if index % 2 == 0 else FLAVORS[::-1]
