"""Every ```python block of README.md and docs/*.md runs as written (see `doc_blocks` for the markers).

The blocks of a page run in order in one module namespace, in a temporary working folder,
so files an example creates (a SQLite store) land there. A block marked ``run-with`` gets a
real server process from the harness. A block marked ``not-run`` is skipped; the list of
those is pinned below, so a new one is a visible decision.

Shell blocks (```sh) are commands people type: they start long-running servers, need AWS
accounts, or install things, so they are not run here. `test_shell_commands_name_real_modules_and_files`
checks that the modules and files they name exist; the README's demo and test commands are
run by `tests/demo_client/test_demo.py` and by CI itself.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from doc_blocks import PAGES, ROOT, SHOWN_URL, Block, blocks, python_blocks
from harness import TEST_SERVERS, ServerProcess

#: Servers a ``run-with`` block may ask for: the command and its arguments ({folder}: a temporary folder).
SERVERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "expenses": ("demo_servers.expenses", ("--store", "sqlite:///{folder}/expenses.db")),
    "plain": (str(TEST_SERVERS / "plain_server.py"), ()),
    "unchecked": (str(TEST_SERVERS / "unchecked_server.py"), ()),
}

#: The blocks that are not run, per page. Each says why right above its fence.
NOT_RUN = {
    "docs/client.md": 1,
    "docs/deploy-agentcore.md": 1,
    "docs/progress.md": 7,
    "docs/sampling.md": 4,
    "docs/server.md": 3,
    "docs/tasks.md": 4,
}

RUN_PAGES = [page for page in PAGES if any(block.not_run is None for block in python_blocks(page))]


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.fixture
def servers(tmp_path) -> Iterator[dict[str, ServerProcess]]:
    """Starts the servers the page asks for, on first use; stops every one at the end."""
    started: dict[str, ServerProcess] = {}

    class Lazy(dict):
        def __missing__(self, name: str) -> ServerProcess:
            if name not in SERVERS:
                raise AssertionError(f"unknown run-with server {name!r}; choose from {sorted(SERVERS)}")
            command, args = SERVERS[name]
            folder = tmp_path / f"server-{name}"
            folder.mkdir()
            server = ServerProcess(
                command, [arg.replace("{folder}", str(folder)) for arg in args], log_path=folder / "server.log"
            )
            started[name] = self[name] = server.start()
            return server

    try:
        yield Lazy()
    finally:
        for server in started.values():
            server.stop()


def run_block(block: Block, namespace: dict[str, Any], servers: dict[str, ServerProcess]) -> None:
    """Run one block in the page's namespace; top-level ``await`` runs on a fresh event loop."""
    code = block.compilable()
    if block.server is not None:
        url = servers[block.server].url
        code = code.replace(SHOWN_URL, url)
        namespace["url"] = url
    compiled = compile(code, str(block.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    result = eval(compiled, namespace)
    if inspect.iscoroutine(result):

        async def finish() -> None:
            with anyio.fail_after(30):
                await result

        anyio.run(finish)


@pytest.mark.parametrize("page", RUN_PAGES, ids=page_id)
def test_every_python_block_of_the_page_runs(page, servers, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # A registered module, so that annotations of the examples' models resolve as in a file.
    module = types.ModuleType("docs_example_" + re.sub(r"\W", "_", page.stem))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for block in python_blocks(page):
        if block.not_run is None and not needs_missing_strands(block):
            run_block(block, module.__dict__, servers)


def needs_missing_strands(block: Block) -> bool:
    """A block of the Strands agent demo, on a line without strands-agents (mcp 2.x newest).

    It runs on every line that has the `agent` extra; `test_strands_blocks_run_where_strands_is`
    keeps that set from being empty by accident.
    """
    return STRANDS_BLOCK.search(block.code) is not None and importlib.util.find_spec("strands") is None


#: What marks a block as needing strands-agents: the agent demo's own module.
STRANDS_BLOCK = re.compile(r"^from demo_client\.agent import|^import strands|^from strands", re.M)


def test_strands_blocks_run_where_strands_is():
    needing = [block.where for page in PAGES for block in python_blocks(page) if STRANDS_BLOCK.search(block.code)]
    assert needing, "the agent demo's example block is gone; drop needs_missing_strands"


def test_blocks_that_do_not_run_are_the_listed_ones_and_say_why():
    skipped = [block for page in PAGES for block in python_blocks(page) if block.not_run is not None]
    listing = "\n".join(f"{block.where}: {block.not_run}" for block in skipped)
    counts: dict[str, int] = {}
    for block in skipped:
        counts[page_id(block.page)] = counts.get(page_id(block.page), 0) + 1
    assert counts == NOT_RUN, f"not-run blocks changed; update NOT_RUN if that is meant:\n{listing}"
    for block in skipped:
        assert len(block.not_run.split()) >= 3, f"{block.where}: say why the block is not run"


def test_run_with_names_a_known_server():
    for page in PAGES:
        for block in python_blocks(page):
            assert block.server is None or block.server in SERVERS, block.where


def test_markers_sit_right_above_a_python_fence():
    # A marker one line too high, or above another language, would be silently ignored.
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        marked = {block.line - 1 for block in python_blocks(page) if block.not_run or block.server}
        for number, line in enumerate(lines, start=1):
            if re.match(r"\s*<!--\s*(not-run|run-with):", line):
                assert number in marked, f"{page_id(page)}:{number}: the marker is not right above a ```python fence"


def test_shell_commands_name_real_modules_and_files():
    for page in PAGES:
        for block in blocks(page, "sh"):
            for module in re.findall(r"python -m ([\w.]+)", block.code):
                assert importlib.util.find_spec(module) is not None, f"{block.where}: no module {module}"
            for path in re.findall(r"(?<![\w/.])((?:scripts|tests|docs)/[\w/.-]+\.(?:sh|py|json))", block.code):
                assert (ROOT / path).is_file(), f"{block.where}: no file {path}"
