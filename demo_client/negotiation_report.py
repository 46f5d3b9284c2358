"""The negotiation matrix for people: a rich table for the terminal, a Markdown table for docs.

Each cell is the outcome, with its reason in brackets: the capability an undeclared request
needed (violation), the capability family an error names (refused), or the fallback marker
(fell back). The last row counts the undeclared requests of each profile's whole session.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from .negotiation import NegotiationMatrix
from .outcomes import CallOutcome, Outcome

__all__ = ["cell_text", "markdown_matrix", "rich_matrix", "summary_line"]

STYLES = {
    Outcome.OK: "green",
    Outcome.FELL_BACK: "yellow",
    Outcome.REFUSED: "cyan",
    Outcome.VIOLATION: "bold red",
    Outcome.ERROR: "magenta",
}
VIOLATIONS_ROW = "undeclared requests"


def cell_text(call: CallOutcome) -> str:
    """``outcome`` or ``outcome (reason)``, e.g. ``refused (elicitation)``."""
    return f"{call.outcome.value} ({call.detail})" if call.detail else call.outcome.value


def summary_line(matrix: NegotiationMatrix) -> str:
    """One sentence: the size of the matrix, how many cells of each outcome, and the violations."""
    counts = ", ".join(f"{count} {outcome.value}" for outcome, count in matrix.counts().items() if count)
    requests = "request" if matrix.violations == 1 else "requests"
    return (
        f"{len(matrix.tools)} tool(s) x {len(matrix.runs)} profile(s): {counts or 'no calls'}; "
        f"{matrix.violations} undeclared {requests} from the server."
    )


def rich_matrix(matrix: NegotiationMatrix) -> Table:
    """The matrix as a rich table, coloured by outcome."""
    table = Table(title=f"Capability negotiation: {matrix.server}", caption=summary_line(matrix))
    table.add_column("tool", style="bold", no_wrap=True)
    for profile in matrix.profiles:
        table.add_column(profile.name)
    for tool in matrix.tools:
        cells = [Text(cell_text(run.calls[tool]), style=STYLES[run.calls[tool].outcome]) for run in matrix.runs]
        table.add_row(tool, *cells)
    table.add_section()
    table.add_row(
        VIOLATIONS_ROW, *[Text(str(run.violations), style="bold red" if run.violations else "") for run in matrix.runs]
    )
    return table


def markdown_matrix(matrix: NegotiationMatrix) -> str:
    """The matrix as a Markdown table, followed by `summary_line`."""
    header = ["tool", *(profile.name for profile in matrix.profiles)]
    lines = [_row(header), _row(["---"] * len(header))]
    lines += [_row([f"`{tool}`", *(cell_text(run.calls[tool]) for run in matrix.runs)]) for tool in matrix.tools]
    lines.append(_row([f"*{VIOLATIONS_ROW}*", *(str(run.violations) for run in matrix.runs)]))
    return "\n".join([*lines, "", summary_line(matrix)]) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
