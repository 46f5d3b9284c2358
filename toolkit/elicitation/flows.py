"""Multi-step flows: several forms in sequence, each step's message built from the answers so far.

```python
ADD_EXPENSE = Flow(
    Step(Amount, "How much did you spend?"),
    Step(Details, lambda answers: f"What were the {answers[Amount].amount} EUR for?"),
    Step(Confirmation, lambda answers: f"Store {answers[Amount].amount} EUR for {answers[Details].description}?"),
)

match await ADD_EXPENSE.run(ctx):
    case FlowCompleted(answers=answers):
        amount = answers[Amount].amount  # typed: Amount
    case FlowStopped(step=step, outcome=outcome):
        ...  # `step` is the name of the step the user declined or cancelled
```

Every form of a flow is checked when the flow is defined, so no step can fail on its
form halfway through a conversation. The flow stops at the first decline or cancel. On a
2026-07-28 request each step is one round, asked under the step's name as its key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from ..errors import ConfigurationError
from .forms import requested_schema
from .requests import CONFIGURED, DEFAULT_MAX_ATTEMPTS, Accepted, Cancelled, Declined, Timeout, check_limits, elicit

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["Flow", "FlowAnswers", "FlowCompleted", "FlowStopped", "Step"]

ModelT = TypeVar("ModelT", bound=BaseModel)

#: A step's message: fixed text, or built from the answers of the steps before it.
StepMessage = str | Callable[["FlowAnswers"], str]


# No slots: with them, subscripted construction (`Accepted[int](1)`) fails on Python 3.11.
@dataclass(frozen=True)
class Step(Generic[ModelT]):
    """One form of a flow.

    Attributes:
        form: The form asked at this step.
        message: The text shown above it, or a function of the answers so far.
        name: How outcomes refer to the step; defaults to the form's class name.
    """

    form: type[ModelT]
    message: StepMessage
    name: str = ""

    @property
    def label(self) -> str:
        """The step's name, or its form's class name when it has none."""
        return self.name or self.form.__name__

    def text(self, answers: FlowAnswers) -> str:
        """The message for this step, given the answers so far."""
        return self.message if isinstance(self.message, str) else self.message(answers)


class FlowAnswers:
    """The accepted answers of a flow, looked up by form class (typed) or by step name."""

    def __init__(self) -> None:
        self._by_form: dict[type[BaseModel], BaseModel] = {}
        self._by_step: dict[str, BaseModel] = {}

    def __getitem__(self, form: type[ModelT]) -> ModelT:
        try:
            return self._by_form[form]  # type: ignore[return-value]
        except KeyError:
            raise KeyError(f"no answer for {form.__name__} yet; only earlier steps have answers") from None

    def __contains__(self, form: object) -> bool:
        return form in self._by_form

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_step)

    def __len__(self) -> int:
        return len(self._by_step)

    def step(self, name: str) -> BaseModel:
        """The answer given at the step called `name`."""
        return self._by_step[name]

    def record(self, step: Step[Any], answer: BaseModel) -> None:
        """Store the answer of `step`."""
        self._by_form[step.form] = answer
        self._by_step[step.label] = answer


@dataclass(frozen=True, slots=True)
class FlowCompleted:
    """Every step was accepted; `answers` holds them all."""

    answers: FlowAnswers
    action: Literal["accept"] = field(default="accept", init=False)


@dataclass(frozen=True, slots=True)
class FlowStopped:
    """The user declined or cancelled a step, which ended the flow.

    Attributes:
        step: The name of the step that ended the flow.
        index: Its position, counting from 0.
        outcome: `Declined()` or `Cancelled(...)`, as returned for that step.
        answers: The answers of the steps before it.
    """

    step: str
    index: int
    outcome: Declined | Cancelled
    answers: FlowAnswers

    @property
    def action(self) -> Literal["decline", "cancel"]:
        """The action that ended the flow."""
        return self.outcome.action


class Flow:
    """Forms asked one after another, stopping at the first decline or cancel.

    Args:
        *steps: The steps, in order. Each form class may appear once, and names must be unique.
        max_attempts: Attempts per step before invalid answers end the flow (see `elicit`).
        timeout: Seconds to wait for each answer; by default the server-wide setting, read
            when the flow runs, not when it is defined; None for no limit (see `elicit`).

    Raises:
        ConfigurationError: No steps, a repeated form or name, or bad limits.
        UnsupportedFieldType: A step's form cannot go on the wire.
    """

    def __init__(
        self, *steps: Step[Any], max_attempts: int = DEFAULT_MAX_ATTEMPTS, timeout: Timeout = CONFIGURED
    ) -> None:
        _check_steps(steps)
        check_limits(max_attempts, timeout)
        self.steps = steps
        self.max_attempts = max_attempts
        self.timeout = timeout

    async def run(self, ctx: Context) -> FlowCompleted | FlowStopped:
        """Ask every step in order.

        Returns:
            `FlowCompleted(answers)` when every step was accepted, else `FlowStopped`
            naming the step that was declined or cancelled.

        Raises:
            ElicitationUnsupported: The client did not declare `elicitation.form`.
            ElicitationAttemptsExhausted: A step kept getting invalid answers.
            ConfigurationError: `MCP_ELICITATION_TIMEOUT` is malformed.
        """
        answers = FlowAnswers()
        for index, step in enumerate(self.steps):
            outcome = await elicit(
                ctx,
                step.text(answers),
                step.form,
                max_attempts=self.max_attempts,
                timeout=self.timeout,
                key=step.label,
            )
            if not isinstance(outcome, Accepted):
                return FlowStopped(step.label, index, outcome, answers)
            answers.record(step, outcome.data)
        return FlowCompleted(answers)


def _check_steps(steps: tuple[Step[Any], ...]) -> None:
    if not steps:
        raise ConfigurationError("A Flow needs at least one Step.")
    for step in steps:
        requested_schema(step.form)
    forms = [step.form for step in steps]
    if len(set(forms)) != len(forms):
        raise ConfigurationError(
            "Each form class may appear in only one step of a Flow, so answers[Form] is unambiguous; "
            "subclass the form for the second step."
        )
    names = [step.label for step in steps]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigurationError(
            f"Step names must be unique in a Flow; {repeated} repeat. Pass name= to tell them apart."
        )
