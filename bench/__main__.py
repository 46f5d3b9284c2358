"""`python -m bench [--quick] [--json] [name ...]`: run benchmarks and print a table.

Each benchmark is a module of this package with `run(quick: bool) -> dict[str, float]`;
add it to `BENCHMARKS`. With `--json`, the last line of output is one JSON object that maps
each benchmark's name to its results.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from types import ModuleType

from rich.console import Console
from rich.table import Table

from . import track

BENCHMARKS: list[ModuleType] = [track]


def benchmark_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer items and repeats, for CI")
    parser.add_argument("--json", action="store_true", help="end the output with one JSON object")
    options = parser.parse_args(argv)
    known = {benchmark_name(module): module for module in BENCHMARKS}
    unknown = sorted(set(options.names) - set(known))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    chosen = [known[name] for name in options.names] or BENCHMARKS
    results = {benchmark_name(module): module.run(options.quick) for module in chosen}
    Console().print(results_table(results))
    if options.json:
        sys.stdout.write(json.dumps(results, sort_keys=True) + "\n")
    return 0


def results_table(results: dict[str, dict[str, float]]) -> Table:
    table = Table("benchmark", "measure", "value")
    for name, measures in results.items():
        for measure, value in measures.items():
            table.add_row(name, measure, f"{value:,.2f}")
    return table


if __name__ == "__main__":
    sys.exit(main())
