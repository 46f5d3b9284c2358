"""Terminal output for a running call: a progress bar and the server's log lines.

`Display.progress` and `Display.log` have the shapes of `on_progress` and `on_log`, so they
plug straight into `connect()`. The bar is determinate while the server reports a total and
a spinner otherwise; log lines print above it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..client.protocol import LoggingLevel

__all__ = ["Display", "ProgressState"]

_LEVEL_STYLES: dict[str, str] = {
    "debug": "dim",
    "info": "blue",
    "notice": "cyan",
    "warning": "yellow",
    "error": "red",
    "critical": "bold red",
    "alert": "bold red",
    "emergency": "bold white on red",
}


@dataclass(frozen=True, slots=True)
class ProgressState:
    """What the bar shows now.

    Attributes:
        progress: The latest progress value.
        total: The total, or None while the server reports none (spinner).
        message: The latest message.
    """

    progress: float
    total: float | None
    message: str | None


class Display:
    """A progress bar and log lines on a rich console.

    Args:
        console: Where to draw; default a new `Console` on standard output.
        label: Shown before the message on the bar, e.g. the tool's name.
    """

    def __init__(self, console: Console | None = None, *, label: str = "working") -> None:
        self.console = console or Console(emoji=False)
        self.label = label
        self.state: ProgressState | None = None
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._task: TaskID | None = None

    def progress(self, progress: float, total: float | None, message: str | None) -> None:
        """Show a progress notification (the `on_progress` callback)."""
        self.state = ProgressState(progress, total, message)
        description = f"{self.label}: {message}" if message else self.label
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task(description, total=total, completed=progress)
        else:
            self._bar.update(self._task, description=description, total=total, completed=progress)

    def log(self, level: LoggingLevel, data: Any) -> None:
        """Print a log notification (the `on_log` callback)."""
        style = _LEVEL_STYLES.get(level, "")
        text = data if isinstance(data, str) else repr(data)
        self.console.print(Text.assemble((f"{level:>9}", style), " ", text))

    def stop(self) -> None:
        """Stop drawing the bar, leaving its last state on screen."""
        if self._task is not None:
            self._bar.stop()
            self._task = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hide the live bar while something else uses the terminal (a form prompt)."""
        live = self._task is not None
        if live:
            self._bar.stop()
        try:
            yield
        finally:
            if live:
                self._bar.start()
