"""The code blocks of README.md and docs/*.md, with the markers that say how a block is run.

A ```python block runs by default: the blocks of one page run in order in one namespace, like
one module, and top-level ``await`` is allowed. An HTML comment on the line right above the
fence changes that:

    <!-- not-run: REASON -->     the block is not run, for the reason given
    <!-- run-with: SERVER -->    the block needs a server: the test harness starts SERVER (see
                                 `test_docs_examples.SERVERS`), puts its URL in the name ``url``
                                 and in place of ``http://127.0.0.1:8000/mcp`` in the code

`test_docs_examples.py` runs every block; `test_readme.py`, `test_elicitation_docs.py` and
`test_progress_docs.py` use the same blocks to check what particular examples do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
#: The address the docs show for a local server; the harness swaps in the real one.
SHOWN_URL = "http://127.0.0.1:8000/mcp"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
_MARKER = re.compile(r"^[ \t]*<!--\s*(?P<kind>not-run|run-with):\s*(?P<value>.*?)\s*-->[ \t]*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block.

    Attributes:
        page: The Markdown file.
        line: The line of the opening fence (1-based).
        lang: The fence's language, e.g. ``python`` or ``sh``.
        code: The code, dedented by the fence's indent.
        not_run: The reason the block is not run, or None.
        server: The server the block needs, or None.
    """

    page: Path
    line: int
    lang: str
    code: str
    not_run: str | None = None
    server: str | None = None

    @property
    def where(self) -> str:
        """``docs/page.md:12``."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def compilable(self) -> str:
        """The code padded with blank lines, so a traceback's line numbers are the page's."""
        return "\n" * self.line + self.code


def blocks(page: Path, lang: str | None = None) -> list[Block]:
    """The fenced blocks of `page` in order, only those in `lang` if given."""
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for fence in _FENCE.finditer(text):
        line = text.count("\n", 0, fence.start()) + 1
        marker = _MARKER.match(lines[line - 2]) if line > 1 else None
        indent = fence.group("indent")
        code = "".join(
            row[len(indent) :] if row.startswith(indent) else row for row in fence.group("code").splitlines(True)
        )
        found.append(
            Block(
                page,
                line,
                fence.group("lang"),
                code,
                not_run=marker.group("value") if marker and marker.group("kind") == "not-run" else None,
                server=marker.group("value") if marker and marker.group("kind") == "run-with" else None,
            )
        )
    return [block for block in found if lang is None or block.lang == lang]


def python_blocks(page: Path) -> list[Block]:
    """The ```python blocks of `page` in order, run or not."""
    return blocks(page, "python")
