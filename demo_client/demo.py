"""The end-to-end expense demo: start the expense server, then walk through it with the client.

Run with ``python -m demo_client.demo``. It starts ``demo_servers.expenses`` on a free port of
127.0.0.1 with a SQLite store in a temporary folder, connects the reference client (offline
sampler, every capability declared) and:

1. runs ``add_expense_interactive`` — the terminal form when standard input is a terminal,
   otherwise scripted answers, printing each question and the answer given;
2. adds a few more expenses and a budget, so there is something to analyse;
3. runs ``analyze_spending``, which samples the client's (offline) LLM;
4. runs ``generate_report`` with a progress bar, or a line per progress notification as
   it arrives when the output is not a terminal (a bar there would show only its end).

The server is stopped and the temporary store removed on exit, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import anyio
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from .client.callbacks import ProgressCallback
from .client.connection import Client, connect
from .client.protocol import ToolResult
from .errors import ClientError
from .handlers.answers import ScriptedAnswers
from .handlers.requests import Answer, ElicitationHandler, ElicitationRequest
from .local_ports import free_port, wait_until_listening
from .ui.display import Display
from .ui.terminal_form import TerminalForm

__all__ = ["DEMO_ANSWERS", "DEMO_USER", "main", "run_demo"]

DEMO_USER = "demo"
#: Answers for `add_expense_interactive` when no one is at the terminal: amount, description,
#: category, confirmation.
DEMO_ANSWERS: list[dict[str, Any]] = [
    {"action": "accept", "content": {"amount": 12.5}},
    {"action": "accept", "content": {"description": "Lunch with the team"}},
    {"action": "accept", "content": {"category": "food"}},
    {"action": "accept", "content": {"confirmed": True}},
]
_MORE_EXPENSES = [
    {"amount": "45.00", "description": "Monthly train pass", "category": "transport"},
    {"amount": "89.90", "description": "Electricity bill", "category": "bills"},
    {"amount": "18.00", "description": "Cinema tickets", "category": "entertainment"},
]
_STARTUP_SECONDS = 30.0


class DemoError(ClientError):
    """The demo could not run; the message says which step failed."""


class ShownAnswers:
    """Scripted answers that print each question and the answer they give.

    Without a terminal nobody sees a form, so the demo shows the conversation instead.

    Args:
        answers: The script.
        console: Where the questions and answers go.
    """

    def __init__(self, answers: ScriptedAnswers, console: Console) -> None:
        self.answers = answers
        self.console = console

    def __call__(self, request: ElicitationRequest) -> Answer:
        """Answer from the script, and print the question and the answer."""
        answer = self.answers(request)
        self.console.print(Text.assemble(("  asked:    ", "bold"), request.message))
        self.console.print(Text.assemble(("  answered: ", "bold"), describe_answer(answer)))
        return answer


def describe_answer(answer: Answer) -> str:
    """An answer in a few words: ``accept: amount=12.5`` or ``decline``."""
    if answer.action != "accept" or not answer.content:
        return answer.action
    return "accept: " + ", ".join(f"{name}={value!r}" for name, value in answer.content.items())


def progress_lines(console: Console, label: str) -> ProgressCallback:
    """An `on_progress` callback printing one line per notification, as it arrives."""

    def show(progress: float, total: float | None, message: str | None) -> None:
        count = f"{progress:g}/{total:g}" if total is not None else f"{progress:g}"
        console.print(Text(f"  {label}: {count} {message or ''}".rstrip()))

    return show


@contextlib.contextmanager
def expense_server(store_dir: Path, log_path: Path) -> Iterator[str]:
    """Run `demo_servers.expenses` on a free loopback port; yield its URL, stop it on exit."""
    port = free_port()
    argv = [sys.executable, "-m", "demo_servers.expenses", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--store", f"sqlite:///{store_dir / 'expenses.db'}"]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        _wait_for_port(process, port, log_path)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def run_demo(url: str, *, console: Console, interactive: bool) -> None:
    """Walk through the expense tools on the server at `url`."""
    display = Display(console, label="report")
    handler: ElicitationHandler = (
        TerminalForm(console, pause=display.paused)
        if interactive
        else ShownAnswers(ScriptedAnswers(DEMO_ANSWERS), console)
    )
    # A live bar redraws in place; on a pipe or in a log only its final state would show.
    on_progress = display.progress if console.is_terminal else progress_lines(console, "report")
    async with connect(url, elicitation=handler, on_log=display.log) as client:
        console.rule("1. add_expense_interactive")
        if not interactive:
            console.print("[dim]No terminal attached: answering the four questions from a script.[/]")
        added = await _call(client, "add_expense_interactive", {"user_alias": DEMO_USER})
        console.print(added["message"])

        console.rule("2. more expenses and a budget")
        for expense in _MORE_EXPENSES:
            await _call(client, "add_expense", {"user_alias": DEMO_USER, **expense})
        await _call(client, "set_budget", {"user_alias": DEMO_USER, "monthly_limit": "150.00"})
        console.print(f"Added {len(_MORE_EXPENSES)} expenses and a monthly budget of 150.00.")

        console.rule("3. analyze_spending (sampling)")
        analysis = await _call(client, "analyze_spending", {"user_alias": DEMO_USER})
        console.print(Panel(analysis["text"], title=analysis["label"], expand=False))

        console.rule("4. generate_report (progress)")
        report = await _call(client, "generate_report", {"user_alias": DEMO_USER}, on_progress=on_progress)
        display.stop()
        console.print(Markdown(report["text"]))
        console.print(Text(session_line(client.session_id, client.reinitializations), style="dim"))


def session_line(session_id: str | None, reinitializations: int) -> str:
    """The closing line: which MCP session the demo used and whether it had to start another."""
    renewed = (
        "the server never forgot it, so the client started no new session"
        if reinitializations == 0
        else f"the server forgot it {reinitializations} time(s) and the client started a new one each time"
    )
    return f"All four steps ran in MCP session {session_id} (the Mcp-Session-Id header); {renewed}."


async def _call(client: Client, tool: str, arguments: dict[str, Any], **options: Any) -> dict[str, Any]:
    result: ToolResult = await client.call_tool(tool, arguments, **options)
    if result.is_error or result.structured_content is None:
        raise DemoError(f"{tool} failed: {result.text or 'no structured result'}")
    return result.structured_content


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m demo_client.demo", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--interactive", action="store_true", help="ask with the terminal form (default on a tty)")
    mode.add_argument("--scripted", action="store_true", help="answer the form from a script")
    options = parser.parse_args(argv)
    interactive = options.interactive or (not options.scripted and sys.stdin.isatty())
    console = Console(emoji=False)
    with tempfile.TemporaryDirectory(prefix="expense-demo-") as scratch:
        log_path = Path(scratch) / "server.log"
        try:
            with expense_server(Path(scratch), log_path) as url:
                console.print(f"Expense server on {url} (SQLite store in a temporary folder)")
                anyio.run(lambda: run_demo(url, console=console, interactive=interactive))
        except KeyboardInterrupt:
            console.print("Interrupted; the server was stopped.")
            return 130
        except ClientError as exc:
            console.print(f"[red]{exc}[/]")
            if log_path.exists():
                console.print(log_path.read_text(errors="replace")[-2000:])
            return 1
    return 0


def _wait_for_port(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    if wait_until_listening(port, process, timeout=_STARTUP_SECONDS):
        return
    if process.poll() is not None:
        raise DemoError(f"the expense server exited with {process.returncode}: {log_path.read_text()[-2000:]}")
    raise DemoError(f"the expense server did not listen on port {port} within {_STARTUP_SECONDS:g} s")


if __name__ == "__main__":
    sys.exit(main())
