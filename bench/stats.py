"""Timing a subject against its baseline in the same run, and the statistics over the samples.

The machines these run on are shared and noisy, so `compare` alternates baseline and subject
call by call (the order flips every call, so neither always goes first) and reports the
median of per-round ratios: drift during the run moves both sides of each round alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

__all__ = ["Comparison", "Measure", "compare", "percentile", "slope", "timed", "timing"]

#: One timed run of something, returning the seconds it took; it may do untimed set-up.
Measure = Callable[[], Awaitable[float]]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Baseline and subject timed in alternation.

    Attributes:
        baseline_ms: Median baseline time over every round, in milliseconds.
        subject_ms: Median subject time over every round, in milliseconds.
        ratio: Median over rounds of (median subject / median baseline) within the round.
        round_ratios: The ratio of each round, for judging the spread.
    """

    baseline_ms: float
    subject_ms: float
    ratio: float
    round_ratios: tuple[float, ...]

    def figures(self, prefix: str) -> dict[str, float]:
        """The figures as benchmark results, named `<prefix>_baseline_ms` and so on."""
        return {
            f"{prefix}_baseline_ms": self.baseline_ms,
            f"{prefix}_subject_ms": self.subject_ms,
            f"{prefix}_ratio": self.ratio,
            f"{prefix}_ratio_min": min(self.round_ratios),
            f"{prefix}_ratio_max": max(self.round_ratios),
        }


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    """Seconds `call` took."""
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


def timing(call: Callable[[], Awaitable[object]]) -> Measure:
    """A `Measure` that times the whole of `call`."""
    return lambda: timed(call)


async def compare(baseline: Measure, subject: Measure, *, rounds: int, per_round: int, warmup: int = 3) -> Comparison:
    """Run `baseline` and `subject` alternately, `per_round` times each in each of `rounds`.

    `warmup` runs of each come first and are not counted (connection set-up, lazy imports).
    """
    for _ in range(warmup):
        await baseline()
        await subject()
    base_all: list[float] = []
    subject_all: list[float] = []
    ratios: list[float] = []
    for round_index in range(rounds):
        base_round: list[float] = []
        subject_round: list[float] = []
        for call_index in range(per_round):
            subject_first = (round_index + call_index) % 2 == 1
            if subject_first:
                subject_round.append(await subject())
            base_round.append(await baseline())
            if not subject_first:
                subject_round.append(await subject())
        ratios.append(statistics.median(subject_round) / statistics.median(base_round))
        base_all += base_round
        subject_all += subject_round
    return Comparison(
        baseline_ms=statistics.median(base_all) * 1000,
        subject_ms=statistics.median(subject_all) * 1000,
        ratio=statistics.median(ratios),
        round_ratios=tuple(ratios),
    )


def percentile(samples: Sequence[float], percent: int) -> float:
    """The `percent`-th percentile of `samples` (inclusive method, so never beyond the max)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The least-squares slope of `ys` over `xs`."""
    return statistics.linear_regression(xs, ys).slope
