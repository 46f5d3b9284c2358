"""The negotiation matrix for people: a rich table for the terminal, a Markdown table for docs.

With more than one protocol revision, each revision's matrix is shown under its name, followed
by the cells whose outcome differs between them (`revisions_markdown`, `rich_revisions`,
`revisions_json`); with one, the matrix alone, as before.

Each cell is the outcome, with its reason in brackets: the capability an undeclared request
needed (violation), the capability family an error names (refused), or the fallback marker
(fell back). The terminal table puts the reasons in numbered notes under it, to fit 120
columns. The last row counts the undeclared requests of each profile's whole session.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from .negotiation import CellDifference, NegotiationMatrix, differences
from .outcomes import CallOutcome, Outcome

__all__ = [
    "cell_text",
    "difference_lines",
    "markdown_matrix",
    "revisions_json",
    "revisions_markdown",
    "rich_matrix",
    "rich_revisions",
    "summary_line",
]

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


def rich_matrix(matrix: NegotiationMatrix) -> Group:
    """The matrix for the terminal: a title, the table coloured by outcome, its notes, `summary_line`.

    The table is narrow enough for a 120-column terminal. A cell shows the outcome and, when
    there is a reason, a note number such as ``[1]`` on a second line; the notes under the
    table spell each one out (``[1] refused (elicitation)``). Nine columns of full reasons
    would be twice as wide as a terminal.
    """
    notes = _notes(matrix)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    # Only the tool names give way when space runs out; outcomes are short and stay whole.
    table.add_column("tool", style="bold", overflow="fold")
    for profile in matrix.profiles:
        # Break long names at their "+" so the header is no wider than the cells.
        table.add_column(profile.name.replace("+", "\n+"), no_wrap=True)
    for tool in matrix.tools:
        table.add_row(tool, *[_cell(run.calls[tool], notes) for run in matrix.runs])
    table.add_section()
    table.add_row(
        VIOLATIONS_ROW, *[Text(str(run.violations), style="bold red" if run.violations else "") for run in matrix.runs]
    )
    return Group(
        Text(f"Capability negotiation: {matrix.server}", style="bold"),
        table,
        *[Text(f"[{number}] {text}") for text, number in notes.items()],
        Text(summary_line(matrix)),
    )


def _notes(matrix: NegotiationMatrix) -> dict[str, int]:
    """A number for each distinct cell text with a reason, in reading order."""
    notes: dict[str, int] = {}
    for tool in matrix.tools:
        for run in matrix.runs:
            call = run.calls[tool]
            if call.detail:
                notes.setdefault(cell_text(call), len(notes) + 1)
    return notes


def _cell(call: CallOutcome, notes: dict[str, int]) -> Text:
    # The note goes on a line of its own, so the column is as wide as the outcome's name.
    text = f"{call.outcome.value}\n[{notes[cell_text(call)]}]" if call.detail else call.outcome.value
    return Text(text, style=STYLES[call.outcome])


def markdown_matrix(matrix: NegotiationMatrix) -> str:
    """The matrix as a Markdown table, followed by `summary_line`."""
    header = ["tool", *(profile.name for profile in matrix.profiles)]
    lines = [_row(header), _row(["---"] * len(header))]
    lines += [_row([f"`{tool}`", *(cell_text(run.calls[tool]) for run in matrix.runs)]) for tool in matrix.tools]
    lines.append(_row([f"*{VIOLATIONS_ROW}*", *(str(run.violations) for run in matrix.runs)]))
    return "\n".join([*lines, "", summary_line(matrix)]) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def difference_lines(matrices: list[NegotiationMatrix]) -> list[str]:
    """One line per cell whose outcome depends on the revision, or one line saying none does."""
    found = differences(matrices)
    names = " and ".join(matrix.protocol for matrix in matrices)
    if not found:
        return [f"The outcomes are the same in {names}."]
    return [f"{len(found)} cell(s) differ between {names}:", *(_difference(cell) for cell in found)]


def _difference(cell: CellDifference) -> str:
    outcomes = ", ".join(f"{protocol} {cell_text(call)}" for protocol, call in cell.outcomes.items())
    return f"- `{cell.tool}` under `{cell.profile}`: {outcomes}"


def revisions_markdown(matrices: list[NegotiationMatrix]) -> str:
    """`markdown_matrix` of each revision under its name, then the differences; one matrix alone as is."""
    if len(matrices) == 1:
        return markdown_matrix(matrices[0])
    parts = [f"**Protocol {matrix.protocol}**\n\n{markdown_matrix(matrix)}" for matrix in matrices]
    parts.append("**Where the revisions differ**\n\n" + "\n".join(difference_lines(matrices)) + "\n")
    return "\n".join(parts)


def rich_revisions(matrices: list[NegotiationMatrix]) -> Group:
    """`rich_matrix` of each revision under its name, then the differences; one matrix alone as is."""
    if len(matrices) == 1:
        return rich_matrix(matrices[0])
    parts: list[Any] = []
    for matrix in matrices:
        parts += [Text(f"Protocol {matrix.protocol}", style="bold underline"), rich_matrix(matrix), Text("")]
    parts.append(Text("Where the revisions differ", style="bold"))
    parts += [Text(line) for line in difference_lines(matrices)]
    return Group(*parts)


def revisions_json(matrices: list[NegotiationMatrix]) -> dict[str, Any]:
    """The first revision's `to_json()`, plus, with several, every revision's and the differences."""
    data = matrices[0].to_json()
    if len(matrices) > 1:
        data["revisions"] = {matrix.protocol: matrix.to_json() for matrix in matrices}
        data["differences"] = [
            {
                "tool": cell.tool,
                "profile": cell.profile,
                "outcomes": {protocol: cell_text(call) for protocol, call in cell.outcomes.items()},
            }
            for cell in differences(matrices)
        ]
    return data
