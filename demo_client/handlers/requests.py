"""What a handler is asked and what it answers, in the client's own types.

An elicitation handler receives a `FormRequest` or a `UrlRequest` and returns an `Answer` (or
a dict such as ``{"action": "accept", "content": {...}}``), synchronously or not. A sampling
handler receives the `sampling/createMessage` params in wire form and returns the result in
wire form. Either refuses a request by raising `demo_client.RequestRefused`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from ..errors import InvalidAnswers

__all__ = [
    "Answer",
    "ElicitationHandler",
    "ElicitationRequest",
    "FormRequest",
    "SamplingHandler",
    "UrlRequest",
    "elicitation_request",
]

Action: TypeAlias = Literal["accept", "decline", "cancel"]
ACTIONS: tuple[Action, ...] = ("accept", "decline", "cancel")


@dataclass(frozen=True, slots=True)
class FormRequest:
    """A form-mode elicitation: questions the person answers in the client.

    Attributes:
        message: What the server asks, in words.
        requested_schema: The form: a flat JSON schema of primitive properties.
    """

    message: str
    requested_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})


@dataclass(frozen=True, slots=True)
class UrlRequest:
    """A URL-mode elicitation: the person is sent to a page, outside the client.

    Attributes:
        message: Why, in words.
        url: The page to open.
        elicitation_id: The server's id for it; `notifications/elicitation/complete` names it.
            Empty when the server gave none (2026-07-28 makes it optional).
    """

    message: str
    url: str
    elicitation_id: str = ""


#: What an elicitation handler receives.
ElicitationRequest: TypeAlias = FormRequest | UrlRequest


def elicitation_request(params: Mapping[str, Any]) -> ElicitationRequest:
    """The `elicitation/create` params (wire form) as a `FormRequest` or `UrlRequest`."""
    if params.get("mode") == "url":
        return UrlRequest(str(params.get("message", "")), str(params["url"]), str(params.get("elicitationId") or ""))
    return FormRequest(str(params.get("message", "")), dict(params.get("requestedSchema") or {}))


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to an elicitation.

    Attributes:
        action: ``"accept"``, ``"decline"`` or ``"cancel"``.
        content: The form's values (accept in form mode only).
    """

    action: Action
    content: dict[str, Any] | None = None

    @classmethod
    def of(cls, answer: Answer | Mapping[str, Any]) -> Answer:
        """An `Answer` from an `Answer` or its wire form ``{"action": ..., "content": ...}``.

        Raises:
            InvalidAnswers: `answer` is neither.
        """
        if isinstance(answer, Answer):
            return answer
        if isinstance(answer, Mapping) and answer.get("action") in ACTIONS and set(answer) <= {"action", "content"}:
            content = answer.get("content")
            if content is None or isinstance(content, Mapping):
                return cls(answer["action"], dict(content) if content is not None else None)
        raise InvalidAnswers(
            f"The elicitation handler returned {answer!r}; return {{'action': 'accept', 'content': {{...}}}}, "
            "{'action': 'decline'} or {'action': 'cancel'}."
        )

    def to_wire(self) -> dict[str, Any]:
        """The `ElicitResult` in wire form."""
        return {"action": self.action} if self.content is None else {"action": self.action, "content": self.content}


#: An elicitation handler: returns an `Answer` or its wire form, synchronously or not.
ElicitationHandler: TypeAlias = Callable[
    [ElicitationRequest], Answer | Mapping[str, Any] | Awaitable[Answer | Mapping[str, Any]]
]
#: A sampling handler: `sampling/createMessage` params -> `CreateMessageResult`, both in wire form.
SamplingHandler: TypeAlias = Callable[[dict[str, Any]], dict[str, Any] | Awaitable[dict[str, Any]]]
