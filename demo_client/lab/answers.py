"""Elicitation answers for the negotiation lab: scripted ones first, then the form's defaults.

Every tool call in the lab is its own experiment, so the script starts over at each call.
An answers file holds either a JSON list of answers, used for every tool, or an object
that maps tool names to lists, with ``"*"`` for the tools not named:

    {"add_expense_interactive": [{"action": "accept", "content": {"amount": 12.5}}, {"action": "decline"}],
     "*": [{"action": "accept"}]}

When a call asks more questions than its script answers, the rest are accepted with the
form's defaults (`accept_defaults`), as they are when there is no file at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidAnswers
from ..handlers.answers import ScriptedAnswers, accept_defaults
from ..handlers.requests import Answer, ElicitationRequest

__all__ = ["LabAnswers"]

ANY_TOOL = "*"


class LabAnswers:
    """The elicitation handler of the lab; call `start(tool)` before each tool call.

    Args:
        scripts: Answers per tool name (``"*"`` for any other tool); each list is checked now.

    Raises:
        InvalidAnswers: An answer is malformed; the message names the tool and the answer.
    """

    def __init__(self, scripts: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> None:
        self._scripts = {tool: list(answers) for tool, answers in (scripts or {}).items()}
        for tool, answers in self._scripts.items():
            try:
                ScriptedAnswers(answers)
            except InvalidAnswers as exc:
                raise InvalidAnswers(f"Answers for {tool!r}: {exc}") from exc
        self._current: ScriptedAnswers | None = None

    @classmethod
    def from_file(cls, path: str | Path) -> LabAnswers:
        """Load a list (for every tool) or an object of lists per tool from a JSON file.

        Raises:
            InvalidAnswers: The file is missing, is not JSON, or is not shaped as above.
        """
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidAnswers(f"Cannot read answers file {path}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise InvalidAnswers(f"Answers file {path} is not valid JSON: {exc.msg} at line {exc.lineno}.") from exc
        if isinstance(loaded, list):
            return cls({ANY_TOOL: loaded})
        if isinstance(loaded, dict) and all(isinstance(answers, list) for answers in loaded.values()):
            return cls(loaded)
        raise InvalidAnswers(
            f"Answers file {path} must hold a JSON list of answers, or an object mapping tool names to lists."
        )

    def start(self, tool: str) -> None:
        """Begin a call of `tool`: its script (or the ``"*"`` one) starts from the first answer."""
        answers = self._scripts.get(tool, self._scripts.get(ANY_TOOL))
        self._current = ScriptedAnswers(answers) if answers else None

    def __call__(self, request: ElicitationRequest) -> Answer:
        """The next scripted answer of the current call, or the form's defaults once none is left."""
        if self._current is not None and self._current.remaining > 0:
            return self._current(request)
        return accept_defaults(request)
