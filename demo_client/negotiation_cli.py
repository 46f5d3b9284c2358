"""`python -m demo_client negotiate URL`: the capability negotiation lab on the command line.

    python -m demo_client negotiate URL [--tools a,b] [--profiles nothing,form] [--answers FILE]
                                        [--json | --markdown] [--timeout S]

Prints the tools-by-profiles matrix as a table (or JSON, or Markdown for the docs). Exit
codes: 0 when the server sent no request a profile did not declare, 1 when it did, 2 when
the lab could not run.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping

import httpx
from rich.console import Console
from rich.table import Table

from .negotiation import DEFAULT_CALL_TIMEOUT, negotiate
from .negotiation_answers import LabAnswers
from .negotiation_report import markdown_matrix, rich_matrix
from .profiles import PROFILES, choose_profiles

__all__ = ["EXIT_VIOLATIONS", "add_negotiate_command", "run_negotiate"]

EXIT_VIOLATIONS = 1
#: Upper bound when measuring the table's natural width.
MAX_TABLE_WIDTH = 1000


def add_negotiate_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], target: argparse.ArgumentParser
) -> None:
    """Add the `negotiate` subcommand; `target` holds the URL and authentication options."""
    command = commands.add_parser(
        "negotiate",
        parents=[target],
        help="call each tool under every client capability profile and print the outcome matrix",
    )
    command.add_argument("--tools", help="comma-separated tools to call (default: every tool the server lists)")
    command.add_argument(
        "--profiles", help=f"comma-separated profiles (default: all of {', '.join(p.name for p in PROFILES)})"
    )
    command.add_argument(
        "--answers", help="JSON file of elicitation answers: a list for every tool, or an object of lists per tool"
    )
    output = command.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the matrix as JSON")
    output.add_argument("--markdown", action="store_true", help="print the matrix as a Markdown table")
    command.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_CALL_TIMEOUT,
        help=f"seconds per tool call before it is cancelled and counted as an error (default {DEFAULT_CALL_TIMEOUT:g})",
    )


async def run_negotiate(
    options: argparse.Namespace,
    console: Console,
    *,
    url: str,
    headers: Mapping[str, str],
    auth: httpx.Auth | None,
) -> int:
    """Run the lab as `options` say and print the matrix; returns the exit code."""
    matrix = await negotiate(
        url,
        tools=_names(options.tools),
        profiles=choose_profiles(options.profiles),
        answers=LabAnswers.from_file(options.answers) if options.answers else None,
        headers=headers,
        auth=auth,
        call_timeout=options.timeout,
    )
    if options.json:
        console.out(json.dumps(matrix.to_json(), indent=2), highlight=False)
    elif options.markdown:
        console.out(markdown_matrix(matrix), highlight=False, end="")
    else:
        _print_wide(console, rich_matrix(matrix))
    return EXIT_VIOLATIONS if matrix.violations else 0


def _print_wide(console: Console, table: Table) -> None:
    """Print `table` at least as wide as its widest row, so no cell is cut to an ellipsis.

    Nine columns rarely fit 80 characters; a wider line that the terminal wraps still
    shows every word, and output piped to a file keeps the table intact.
    """
    natural = console.measure(table, options=console.options.update_width(MAX_TABLE_WIDTH)).maximum
    if natural <= console.width:
        console.print(table)
        return
    wide = Console(
        file=console.file,
        width=natural,
        color_system=console.color_system,  # type: ignore[arg-type]
        force_terminal=console.is_terminal,
        emoji=False,
    )
    wide.print(table)


def _names(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [name.strip() for name in raw.split(",") if name.strip()]
