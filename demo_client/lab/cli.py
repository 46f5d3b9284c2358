"""`python -m demo_client negotiate URL`: the capability negotiation lab on the command line.

    python -m demo_client negotiate URL [--tools a,b] [--profiles nothing,form] [--answers FILE]
                                        [--json | --markdown] [--timeout S] [--protocol P]

Without `--protocol`, the matrix runs once per protocol revision the server speaks (2025-11-25
and, on mcp 2.x, 2026-07-28), followed by the cells whose outcome differs between them.

Before the first call it says on standard error which tools may change data, since each is
called once per profile. Prints the tools-by-profiles matrix as a table (or JSON, or
Markdown for the docs). Exit codes: 0 when the server sent no request a profile did not
declare, 1 when it did, 2 when the lab could not run.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping

import httpx
from rich.console import Console, RenderableType

from ..client.connection import PROTOCOLS
from ..client.protocol import Tool
from .answers import LabAnswers
from .negotiation import DEFAULT_CALL_TIMEOUT, is_destructive, negotiate_revisions, side_effect_tools
from .profiles import PROFILES, choose_profiles
from .report import revisions_json, revisions_markdown, rich_revisions

__all__ = ["EXIT_VIOLATIONS", "add_negotiate_command", "run_negotiate", "side_effects_notice"]

EXIT_VIOLATIONS = 1
#: The narrowest terminal the table is made for; `rich_matrix` keeps to it.
TABLE_WIDTH = 120


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
    command.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        help="run the matrix in this protocol revision only (default: once per revision the server speaks)",
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
    profiles = choose_profiles(options.profiles)
    # Standard error, so the notice reaches the person even when the matrix goes to a file.
    notices = Console(stderr=True, soft_wrap=True, emoji=False, highlight=False)
    matrices = await negotiate_revisions(
        url,
        protocols=[options.protocol] if options.protocol else None,
        tools=_names(options.tools),
        profiles=profiles,
        answers=LabAnswers.from_file(options.answers) if options.answers else None,
        headers=headers,
        auth=auth,
        call_timeout=options.timeout,
        before_calls=lambda tools: notices.print(side_effects_notice(tools, len(profiles)), markup=False),
    )
    if options.json:
        console.out(json.dumps(revisions_json(matrices), indent=2), highlight=False)
    elif options.markdown:
        console.out(revisions_markdown(matrices), highlight=False, end="")
    else:
        _print_table(console, rich_revisions(matrices))
    return EXIT_VIOLATIONS if any(matrix.violations for matrix in matrices) else 0


def side_effects_notice(tools: list[Tool], profiles: int) -> str:
    """What the lab is about to call, naming the tools that may change data on the server."""
    calls = f"negotiate calls {len(tools)} tool(s) once per profile ({profiles} profile(s))"
    writers = side_effect_tools(tools)
    if not writers:
        return f"{calls}; every one is marked read-only (readOnlyHint)."
    names = ", ".join(f"{tool.name} (destructive)" if is_destructive(tool) else tool.name for tool in writers)
    return (
        f"{calls}. Not marked read-only, so they may change data on the server {profiles} time(s) each: "
        f"{names}. Use a throwaway server, or leave tools out with --tools."
    )


def _print_table(console: Console, matrix: RenderableType) -> None:
    """Print the `matrix` table laid out for at least `TABLE_WIDTH` columns.

    The table fits that width (long tool names wrap), so it is whole in a terminal that
    wide or wider; a narrower terminal wraps its lines but no cell is cut to an ellipsis,
    and output piped to a file gets the same layout.
    """
    width = max(console.width, TABLE_WIDTH) if console.is_terminal else TABLE_WIDTH
    if width == console.width:
        console.print(matrix)
        return
    sized = Console(
        file=console.file,
        width=width,
        color_system=console.color_system,  # type: ignore[arg-type]
        force_terminal=console.is_terminal,
        emoji=False,
    )
    sized.print(matrix)


def _names(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [name.strip() for name in raw.split(",") if name.strip()]
