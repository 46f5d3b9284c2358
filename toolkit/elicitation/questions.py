"""One-question helpers on top of `elicit`: confirm yes/no, choose one option, ask for one value.

Each builds a one-field form, so answers are checked and re-asked exactly like any other
form, and each returns the same outcomes with the bare value in `Accepted.data`:

```python
match await choose(ctx, "Which category?", {"food": "Food & drink", "bills": "Bills"}):
    case Accepted(data=category):
        ...  # "food" or "bills"
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, create_model
from pydantic_core import PydanticUndefined

from ..errors import ConfigurationError
from .fields import Titles
from .forms import Form
from .requests import CONFIGURED, DEFAULT_MAX_ATTEMPTS, Accepted, Cancelled, Declined, Timeout, elicit

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["Confirmation", "ask", "choose", "confirm"]

ValueT = TypeVar("ValueT")


class Confirmation(Form):
    """A one-checkbox form: did the user confirm?

    The box starts ticked, so accepting the form as shown means yes and declining means
    no; a client that submits the defaults unchanged must not turn a yes into a no.
    """

    confirmed: bool = Field(default=True, title="Confirm")


async def confirm(
    ctx: Context,
    message: str,
    *,
    label: str = "Confirm",
    timeout: Timeout = CONFIGURED,  # noqa: ASYNC109 (see elicit)
    key: str | None = None,
) -> Accepted[bool] | Declined | Cancelled:
    """Ask a yes/no question: accept means yes, decline means no.

    The form is one checkbox that starts ticked, so a client that shows the form with its
    defaults and lets the user press accept gets a yes, never a silent no.

    Args:
        ctx: The tool's context.
        message: The question, e.g. "Delete all 12 expenses from March?".
        label: The checkbox's title.
        timeout: Seconds to wait for the answer (see `elicit`).
        key: The question's key on 2026-07-28 (see `elicit`).

    Returns:
        `Accepted(True)` when the user accepted the form as shown; `Accepted(False)` only
        when they unticked the box before accepting; else `Declined()` or `Cancelled(...)`.
    """
    form = _one_field("Confirmation", bool, Field(default=True, title=label))
    return _unwrapped(await elicit(ctx, message, form, timeout=timeout, key=key))


async def choose(
    ctx: Context,
    message: str,
    options: Sequence[str] | Mapping[str, str],
    *,
    label: str = "Choice",
    default: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    timeout: Timeout = CONFIGURED,  # noqa: ASYNC109 (see elicit)
    key: str | None = None,
) -> Accepted[str] | Declined | Cancelled:
    """Ask the user to pick one of several options.

    Args:
        ctx: The tool's context.
        message: The question.
        options: The option values, or a mapping from value to display title.
        label: The field's title.
        default: The option selected at first, if any.
        max_attempts: How many times to ask before giving up on invalid answers.
        timeout: Seconds to wait for each answer (see `elicit`).
        key: The question's key on 2026-07-28 (see `elicit`).

    Returns:
        `Accepted(value)` with the chosen option's value, `Declined()` or `Cancelled(...)`.
    """
    values = list(options)
    if not values:
        raise ConfigurationError("choose() needs at least one option to offer.")
    choice: Any = Literal[tuple(values)]
    if isinstance(options, Mapping):
        choice = Annotated[choice, Titles(options)]
    form = _one_field("Choice", choice, Field(default=default if default is not None else ..., title=label))
    return _unwrapped(await elicit(ctx, message, form, max_attempts=max_attempts, timeout=timeout, key=key))


async def ask(
    ctx: Context,
    message: str,
    value_type: type[ValueT],
    *,
    label: str | None = None,
    description: str | None = None,
    default: Any = PydanticUndefined,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    timeout: Timeout = CONFIGURED,  # noqa: ASYNC109 (see elicit)
    key: str | None = None,
    **constraints: Any,
) -> Accepted[ValueT] | Declined | Cancelled:
    """Ask for one value of any supported field type.

    Args:
        ctx: The tool's context.
        message: The question.
        value_type: The answer's type: `str`, `int`, `Decimal`, `date`, a `Literal`, ...
        label: The field's title.
        description: The field's description.
        default: The value the field starts with; without one, an answer is required.
        max_attempts: How many times to ask before giving up on invalid answers.
        timeout: Seconds to wait for each answer (see `elicit`).
        key: The question's key on 2026-07-28 (see `elicit`).
        **constraints: Pydantic `Field` constraints, e.g. `gt=0` or `max_length=80`.

    Returns:
        `Accepted(value)` with the validated value, `Declined()` or `Cancelled(...)`.

    Example:
        ```python
        outcome = await ask(ctx, "How much did it cost?", Decimal, gt=0, label="Amount")
        ```
    """
    spec = Field(default=default, title=label, description=description, **constraints)
    form = _one_field("Answer", value_type, spec)
    return _unwrapped(await elicit(ctx, message, form, max_attempts=max_attempts, timeout=timeout, key=key))


def _one_field(name: str, annotation: Any, spec: Any) -> type[BaseModel]:
    return create_model(name, __base__=Form, value=(annotation, spec))


def _unwrapped(outcome: Accepted[BaseModel] | Declined | Cancelled) -> Any:
    if isinstance(outcome, Accepted):
        return Accepted(outcome.data.value)  # type: ignore[attr-defined]
    return outcome
