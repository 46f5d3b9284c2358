"""Non-interactive elicitation handlers: scripted answers, schema defaults, always decline.

Each handler takes the elicitation request (`FormRequest` or `UrlRequest`) and returns an `Answer`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import AnswersExhausted, InvalidAnswers
from .requests import ACTIONS, Answer, ElicitationRequest, UrlRequest
from .schema_examples import form_defaults

__all__ = ["ScriptedAnswers", "accept_defaults", "decline_all"]

_PRIMITIVES = (str, int, float, bool)


class ScriptedAnswers:
    """Answers elicitations from a list, in order, one answer per request.

    Each answer is ``{"action": "accept", "content": {...}}``, ``{"action": "decline"}`` or
    ``{"action": "cancel"}``. Answers are checked when the script is built; the content is
    sent as written (not checked against the form), so a script can also test how a server
    handles a wrong answer. A URL-mode request gets only the action.

    Args:
        answers: The answers, in the order the server will ask.

    Attributes:
        asked: The message of every request answered so far.

    Raises:
        InvalidAnswers: An answer is malformed; the message names it.
    """

    def __init__(self, answers: Iterable[Mapping[str, Any] | Answer]) -> None:
        self._answers = [_checked(index, answer) for index, answer in enumerate(answers, start=1)]
        self.asked: list[str] = []

    @classmethod
    def from_file(cls, path: str | Path) -> ScriptedAnswers:
        """Load answers from a JSON file holding a list of answers (or ``{"answers": [...]}``).

        Raises:
            InvalidAnswers: The file is missing, is not JSON, or holds a malformed answer.
        """
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidAnswers(f"Cannot read answers file {path}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise InvalidAnswers(f"Answers file {path} is not valid JSON: {exc.msg} at line {exc.lineno}.") from exc
        if isinstance(loaded, Mapping) and "answers" in loaded:
            loaded = loaded["answers"]
        if not isinstance(loaded, list):
            raise InvalidAnswers(
                f'Answers file {path} must hold a JSON list of answers, like [{{"action": "decline"}}].'
            )
        try:
            return cls(loaded)
        except InvalidAnswers as exc:
            raise InvalidAnswers(f"{path}: {exc}") from exc

    @property
    def remaining(self) -> int:
        """How many answers are left."""
        return len(self._answers) - len(self.asked)

    def __call__(self, request: ElicitationRequest) -> Answer:
        """Give the next answer.

        Raises:
            AnswersExhausted: Every answer has been used.
        """
        used = len(self.asked)
        if used >= len(self._answers):
            raise AnswersExhausted(used, request.message)
        self.asked.append(request.message)
        answer = self._answers[used]
        if isinstance(request, UrlRequest):
            return Answer(answer.action)
        return answer


def _checked(index: int, answer: Mapping[str, Any] | Answer) -> Answer:
    if isinstance(answer, Answer):
        answer = answer.to_wire()
    if not isinstance(answer, Mapping):
        raise InvalidAnswers(
            f'Answer #{index} is {type(answer).__name__}; write an object like {{"action": "decline"}}.'
        )
    action = answer.get("action")
    if action not in ACTIONS:
        raise InvalidAnswers(f"Answer #{index} has action {action!r}; use one of {', '.join(ACTIONS)}.")
    unknown = sorted(set(answer) - {"action", "content"})
    if unknown:
        raise InvalidAnswers(f"Answer #{index} has unknown keys {unknown}; only 'action' and 'content' are allowed.")
    content = answer.get("content")
    if content is not None and action != "accept":
        raise InvalidAnswers(f"Answer #{index} is '{action}' with content; only an 'accept' answer carries content.")
    if action == "accept" and content is not None:
        _check_content(index, content)
    return Answer(action, dict(content) if content is not None else None)


def _check_content(index: int, content: Any) -> None:
    if not isinstance(content, Mapping):
        raise InvalidAnswers(f"Answer #{index}: 'content' must be an object of field values.")
    for name, value in content.items():
        flat = isinstance(value, _PRIMITIVES) or (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        )
        if not flat:
            raise InvalidAnswers(
                f"Answer #{index}: field {name!r} is {type(value).__name__}; form values are text, numbers, "
                "booleans or lists of text."
            )


def accept_defaults(request: ElicitationRequest) -> Answer:
    """Accept every request: a form with its defaults (and a plausible value for required
    fields without one), a URL without opening it."""
    if isinstance(request, UrlRequest):
        return Answer("accept")
    return Answer("accept", form_defaults(request.requested_schema))


def decline_all(request: ElicitationRequest) -> Answer:
    """Decline every request; the default when no person is at the keyboard."""
    return Answer("decline")
