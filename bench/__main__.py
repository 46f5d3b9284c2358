"""`python -m bench [--quick] [--json] [name ...]`: run benchmarks and print a table.

Each benchmark is a module of this package with `run(quick: bool) -> dict[str, float]`;
add it to `BENCHMARKS`. A module may also have `unavailable() -> str | None`, the reason it
cannot run on the installed SDK line; it is then left out of a run of all benchmarks and
named with the reason if asked for. A module's `HEADLINES` names the figures worth reading first; they are
gathered, flat, in a `summary`. With `--json`, the last line of output is one JSON object that
maps each benchmark's name to its results, plus `summary` to the headline figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from types import ModuleType

from rich.console import Console
from rich.table import Table

from . import client_call, client_mrtr, elicit, mrtr, reinit, session_memory, session_release, track

BENCHMARKS: list[ModuleType] = [elicit, mrtr, client_call, client_mrtr, reinit, session_memory, session_release, track]
SUMMARY = "summary"


def benchmark_name(module: ModuleType) -> str:
    """The name a benchmark is chosen by on the command line and reported under."""
    return module.__name__.rsplit(".", 1)[-1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks, print their table, and optionally the JSON object."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer items and repeats, for CI")
    parser.add_argument("--json", action="store_true", help="end the output with one JSON object")
    options = parser.parse_args(argv)
    known = {benchmark_name(module): module for module in BENCHMARKS}
    unknown = sorted(set(options.names) - set(known))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    blocked = {name: _unavailable(known[name]) for name in options.names if _unavailable(known[name])}
    if blocked:
        parser.error("; ".join(f"{name} cannot run here: {reason}" for name, reason in blocked.items()))
    chosen = [known[name] for name in options.names] or [module for module in BENCHMARKS if not _unavailable(module)]
    results = {benchmark_name(module): module.run(options.quick) for module in chosen}
    headlines = summary(chosen, results)
    console = Console()
    console.print(results_table(results))
    console.print(summary_table(headlines))
    if options.json:
        sys.stdout.write(json.dumps({**results, SUMMARY: headlines}, sort_keys=True) + "\n")
    return 0


def _unavailable(module: ModuleType) -> str | None:
    check = getattr(module, "unavailable", None)
    return check() if check is not None else None


def summary(modules: Sequence[ModuleType], results: dict[str, dict[str, float]]) -> dict[str, float]:
    """The `HEADLINES` figures of every benchmark that ran, in one flat mapping.

    A benchmark that cannot run on the installed SDK line (`mrtr` on mcp 1.x) reports nothing,
    and so adds no headline.
    """
    return {
        key: results[benchmark_name(module)][key]
        for module in modules
        for key in module.HEADLINES
        if key in results[benchmark_name(module)]
    }


def results_table(results: dict[str, dict[str, float]]) -> Table:
    """Every figure of every benchmark that ran."""
    table = Table("benchmark", "measure", "value")
    for name, measures in results.items():
        for measure, value in measures.items():
            table.add_row(name, measure, f"{value:,.2f}")
    return table


def summary_table(headlines: dict[str, float]) -> Table:
    """The headline figures alone."""
    table = Table("summary", "value")
    for measure, value in headlines.items():
        table.add_row(measure, f"{value:,.2f}")
    return table


if __name__ == "__main__":
    sys.exit(main())
