"""`TerminalForm`: answer elicitations by asking the person at the terminal.

Form mode renders the `requestedSchema` one field at a time: text, numbers, yes/no, single
choice and multi-select (options listed with their titles and numbers), defaults shown and
taken on Enter, constraints checked as each answer is typed. Before anything is asked and
again before sending, the person can decline (`d`) or cancel (`c`); end of input (Ctrl-D)
cancels. URL mode shows the URL, asks for consent, and reports when the server says the
interaction is complete.

Input is read in a worker thread so the event loop keeps serving the session meanwhile. On a
POSIX terminal that thread waits for a line and for a stop signal at once, so when the call is
cancelled (Ctrl-C, a timeout, the session closing) the open prompt ends at once: no thread is
left blocked on the keyboard, the process can exit, and no later keystroke reaches the form.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import webbrowser
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TextIO

import anyio.to_thread
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

import toolkit

from ..errors import InvalidForm
from ..handlers.requests import Answer, ElicitationRequest, FormRequest, UrlRequest
from .form_fields import FieldInputError, FormField, form_fields

__all__ = ["TerminalForm"]

_CLEAR = "-"
_TOP_LEVEL_KEYS = ("type", "properties", "required", "$schema")
# Marks "no value" for a field, distinct from any value a person can type.
_EMPTY = object()
#: Seconds a cancelled elicitation waits for its prompt to close before giving up on the thread.
_STOP_WAIT = 2.0


class _Withdrawn(Exception):
    """The person declined or cancelled part-way through."""

    def __init__(self, action: str) -> None:
        self.action = action


class _Abandoned(Exception):
    """The elicitation was cancelled from outside (Ctrl-C, the call ended) while a prompt was open."""


class _StopSignal:
    """Set on the event loop's side, seen by a prompt blocked in a worker thread.

    A pipe rather than a `threading.Event`, so one `select` waits for a typed line and for the
    stop at once. The thread that asks closes the pipe when it is done; if the stop comes
    before that thread began, the thread never touches the pipe and `set` closes it. The lock
    keeps anyone from using a closed descriptor, whose number may already be reused.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._read_end, self._write_end = os.pipe() if os.name == "posix" else (-1, -1)
        self._set = False
        self._running = False
        self._closed = False

    def begin(self) -> bool:
        """Called by the asking thread first; False when the stop came before it began."""
        with self._lock:
            self._running = not self._set
            return self._running

    def set(self) -> bool:
        """Stop the asking thread; True while it still runs (it then closes the pipe itself)."""
        with self._lock:
            self._set = True
            if not self._running:
                self._close_locked()
            elif not self._closed and self._write_end >= 0:
                os.write(self._write_end, b"x")
            return self._running and not self._closed

    def is_set(self) -> bool:
        return self._set

    def fileno(self) -> int:
        """The descriptor that becomes readable once the signal is set (-1 where `select` cannot wait on pipes)."""
        return self._read_end

    def close(self) -> None:
        """Called by the asking thread when it is done."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if not self._closed and self._read_end >= 0:
            os.close(self._read_end)
            os.close(self._write_end)
        self._closed = True


class _Keyboard:
    """Lines typed at a terminal (or read from a stream), stoppable while waiting.

    A stream with a real descriptor on POSIX is read with `select` and `os.read`, bypassing
    Python's buffering so that `select` sees every line still to come. Other streams (a
    `StringIO` in tests, Windows consoles) are read with `readline`; a stop is then noticed
    when the line arrives, and the line is dropped.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._fd = _selectable_descriptor(stream)
        self._encoding = getattr(stream, "encoding", None) or "utf-8"
        self._pending = b""

    def readline(self, stop: _StopSignal | None) -> str:
        """The next line with its newline; "" at end of input.

        Raises:
            _Abandoned: `stop` was set before a whole line arrived.
        """
        if self._fd is None:
            line = self._stream.readline()
            if stop is not None and stop.is_set():
                raise _Abandoned
            return line
        watched = [self._fd] if stop is None or stop.fileno() < 0 else [self._fd, stop.fileno()]
        while b"\n" not in self._pending:
            ready, _, _ = select.select(watched, [], [])
            if stop is not None and stop.is_set():
                raise _Abandoned
            if self._fd not in ready:
                continue
            try:
                chunk = os.read(self._fd, 4096)
            except BlockingIOError:
                # Someone set the descriptor non-blocking and another reader got there first.
                continue
            if not chunk:
                # End of input: hand over what was typed before Ctrl-D, then "" from the next call.
                rest, self._pending = self._pending, b""
                return rest.decode(self._encoding, errors="replace")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return (line + b"\n").decode(self._encoding, errors="replace")


def _selectable_descriptor(stream: TextIO) -> int | None:
    if os.name != "posix":
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        # io.UnsupportedOperation (StringIO, pytest's captured stdin) is an OSError and a ValueError.
        return None


class TerminalForm:
    """An elicitation handler that asks the person at the terminal.

    Args:
        console: Where to print; default a new rich `Console`.
        stream: Where to read answers from; default the terminal (with line editing).
        open_browser: Open URL-mode links in the browser after consent.
        pause: A context manager factory entered while asking, e.g. to hide a live
            progress bar (`Display.paused`).
    """

    def __init__(
        self,
        console: Console | None = None,
        *,
        stream: TextIO | None = None,
        open_browser: bool = False,
        pause: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.console = console or Console(emoji=False)
        self._stream = stream
        self._open_browser = open_browser
        self._pause = pause or nullcontext
        self._waiting: dict[str, str] = {}
        self._keyboard: _Keyboard | None = None
        # The stop signal of the elicitation being asked; forms on one terminal are asked one at a time.
        self._stop: _StopSignal | None = None

    async def __call__(self, request: ElicitationRequest) -> Answer:
        """Ask in a worker thread; when the call is cancelled (Ctrl-C), the open prompt closes at once."""
        stop = _StopSignal()
        finished = threading.Event()

        # Nobody waits for this answer when the thread was stopped; it only ends the thread.
        stopped = Answer("cancel")

        def ask_until_stopped() -> Answer:
            if not stop.begin():
                return stopped
            try:
                return self._ask(request, stop)
            except _Abandoned:
                return stopped
            finally:
                stop.close()
                finished.set()

        try:
            return await anyio.to_thread.run_sync(ask_until_stopped, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            if stop.set():
                # Wait for the prompt to close, so nothing reads the keyboard or redraws the
                # screen once the cancellation has gone on (a stream `select` cannot watch may
                # not close in time).
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(finished.wait, _STOP_WAIT)
            raise

    def ask(self, request: ElicitationRequest) -> Answer:
        """Ask synchronously and return the person's answer.

        Raises:
            InvalidForm: The server sent a form the protocol does not allow.
        """
        return self._ask(request, None)

    def _ask(self, request: ElicitationRequest, stop: _StopSignal | None) -> Answer:
        self._stop = stop
        with self._pause():
            try:
                if isinstance(request, UrlRequest):
                    return self._ask_url(request)
                return self._ask_form(request)
            except _Withdrawn as withdrawn:
                self.console.print(f"[yellow]You chose to {withdrawn.action}.[/yellow]")
                return Answer(withdrawn.action)  # type: ignore[arg-type]
            except _Abandoned:
                # The cursor still sits after the prompt; later messages start on a line of their own.
                self.console.print()
                raise
            finally:
                self._stop = None

    def elicitation_complete(self, elicitation_id: str) -> None:
        """Report that the server finished a URL-mode interaction (pass as `on_elicitation_complete`)."""
        url = self._waiting.pop(elicitation_id, None)
        where = f" at {url}" if url else ""
        self.console.print(Text(f"✓ The server confirmed the interaction{where} is complete.", style="green"))

    # -- URL mode -------------------------------------------------------------------------

    def _ask_url(self, request: UrlRequest) -> Answer:
        self.console.print(Panel(Text(request.message), title="The server asks you to open a link", expand=False))
        self.console.print(Text(f"  {request.url}", style="bold underline"))
        self._choose("Open it? [bold](o)[/bold]pen, (d)ecline, (c)ancel", {"o": "accept", "": "accept"})
        self._waiting[request.elicitation_id] = request.url
        if self._open_browser:
            webbrowser.open(request.url)
        self.console.print("[dim]Waiting for the server to confirm you finished there…[/dim]")
        return Answer("accept")

    # -- form mode ------------------------------------------------------------------------

    def _ask_form(self, request: FormRequest) -> Answer:
        # Extra top-level keys (FastMCP sends the model's `title`) do not affect the form.
        schema = {key: value for key, value in request.requested_schema.items() if key in _TOP_LEVEL_KEYS}
        problems = toolkit.elicitation.requested_schema_problems(schema)
        if problems:
            raise InvalidForm([str(problem) for problem in problems])
        self.console.print(Panel(Text(request.message), title="The server asks", expand=False))
        self._choose("[bold](a)[/bold]nswer, (d)ecline, (c)ancel", {"a": "answer", "": "answer"})
        fields = form_fields(schema)
        content = {field.name: field.default for field in fields if field.has_default}
        while True:
            content = self._fill(fields, content)
            self._summarise(fields, content)
            if (
                self._choose("[bold](s)[/bold]end, (e)dit, (d)ecline, (c)ancel", {"s": "send", "": "send", "e": "edit"})
                == "send"
            ):
                return Answer("accept", content)

    def _fill(self, fields: list[FormField], current: dict[str, Any]) -> dict[str, Any]:
        self.console.print(f"[dim]Enter keeps the value in brackets; '{_CLEAR}' leaves an optional field empty.[/dim]")
        filled: dict[str, Any] = {}
        for field in fields:
            value = self._ask_field(field, current.get(field.name), field.name in current)
            if value is not _EMPTY:
                filled[field.name] = value
        return filled

    def _ask_field(self, field: FormField, current: Any, has_current: bool) -> Any:
        self._describe(field)
        shown = f" [{field.show(current)}]" if has_current else ""
        prompt = Text.assemble("  ", (field.label, "bold"), (shown, "cyan"), ": ")
        while True:
            raw = self._read(prompt)
            if raw.strip() == "" and has_current:
                return current
            if raw.strip() in ("", _CLEAR) and not field.required and field.kind != "choices":
                return _EMPTY
            try:
                return field.parse(raw)
            except FieldInputError as exc:
                self.console.print(Text(f"  {exc}", style="red"))

    def _describe(self, field: FormField) -> None:
        self.console.print(Text.assemble((field.label, "bold"), " ", (f"({field.hint()})", "dim")))
        if field.description:
            self.console.print(Text(f"  {field.description}", style="dim"))
        for number, (value, title) in enumerate(field.options, start=1):
            self.console.print(Text.assemble(f"  {number}) {title}", (f" ({value})" if title != value else "", "dim")))

    def _summarise(self, fields: list[FormField], content: dict[str, Any]) -> None:
        table = Table(title="Your answer", show_header=False)
        for field in fields:
            shown = Text(field.show(content[field.name])) if field.name in content else Text("(empty)", style="dim")
            table.add_row(Text(field.label), shown)
        self.console.print(table)

    # -- input ----------------------------------------------------------------------------

    def _choose(self, prompt: str, choices: dict[str, str]) -> str:
        """Read until a known key; `d` and `c` always withdraw."""
        while True:
            key = self._read(f"{prompt}? ").strip().lower()[:1]
            if key == "d":
                raise _Withdrawn("decline")
            if key == "c":
                raise _Withdrawn("cancel")
            if key in choices:
                return choices[key]
            self.console.print("[red]Type one of the letters in brackets.[/red]")

    def _read(self, prompt: str | Text) -> str:
        """One line of input; end of input cancels the whole elicitation.

        Raises:
            _Abandoned: The elicitation was cancelled from outside while waiting.
        """
        if self._keyboard is None:
            self._keyboard = _Keyboard(self._stream if self._stream is not None else sys.stdin)
        self.console.print(prompt, end="")
        line = self._keyboard.readline(self._stop)
        if line == "":
            raise _Withdrawn("cancel")
        return line.rstrip("\r\n")
