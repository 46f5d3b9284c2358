"""`add_expense_interactive`: four questions, then the expense is stored only if confirmed.

The steps are amount, description, category and a confirmation that repeats what will be
stored; accepting the confirmation as shown stores the expense. A decline or cancel at any
step ends the conversation with nothing stored, and the answer names the step; so does a
step left unanswered past the elicitation timeout (`MCP_ELICITATION_TIMEOUT`, else 300 s).
Invalid answers are asked again by `toolkit.elicit`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import toolkit
from toolkit import Context

from .errors import NothingStored
from .forms import AmountForm, CategoryForm, ConfirmForm, DescriptionForm
from .records import CATEGORY_TITLES, Expense, new_expense

__all__ = ["InteractiveResult", "add_expense_flow", "ask_and_store"]

Status = Literal["stored", "declined", "cancelled", "not_confirmed"]


@dataclass(frozen=True)
class InteractiveResult:
    """How the conversation ended.

    Attributes:
        status: ``stored``, ``declined``, ``cancelled`` or ``not_confirmed``.
        message: A sentence for the user; it says when nothing was stored.
        step: The step that was declined or cancelled (amount, description, category,
            confirmation), or None.
        expense: The stored expense, only when `status` is ``stored``.
    """

    status: Status
    message: str
    step: str | None = None
    expense: Expense | None = None


def add_expense_flow(user_alias: str) -> toolkit.Flow:
    """The four steps; the confirmation message repeats every answer and the user."""

    def confirmation(answers: toolkit.FlowAnswers) -> str:
        amount = answers[AmountForm].amount
        description = answers[DescriptionForm].description
        category = CATEGORY_TITLES[answers[CategoryForm].category]
        return f'Store {amount:.2f} for "{description}" under {category} for {user_alias}?'

    return toolkit.Flow(
        toolkit.Step(AmountForm, f"New expense for {user_alias}: how much did you spend?", name="amount"),
        toolkit.Step(DescriptionForm, lambda a: f"What were the {a[AmountForm].amount:.2f} for?", name="description"),
        toolkit.Step(CategoryForm, lambda a: f'Which category is "{a[DescriptionForm].description}"?', name="category"),
        toolkit.Step(ConfirmForm, confirmation, name="confirmation"),
    )


async def ask_and_store(
    ctx: Context, user_alias: str, store_expense: Callable[[Expense], Awaitable[Expense]]
) -> InteractiveResult:
    """Run the flow and call `store_expense` only after an accepted, still ticked, confirmation.

    `store_expense` returns the expense stored, which for a repeated write is the first one.

    Raises:
        NothingStored: The client cannot show forms, or kept sending invalid answers.
    """
    try:
        outcome = await add_expense_flow(user_alias).run(ctx)
    except toolkit.ElicitationUnsupported as exc:
        raise NothingStored(
            "add_expense_interactive asks questions through form elicitation, which this client did not "
            "declare. Use add_expense(user_alias, amount, description, category) instead."
        ) from exc
    except toolkit.ElicitationAttemptsExhausted as exc:
        raise NothingStored(f"The answers stayed invalid after {exc.attempts} tries: {'; '.join(exc.errors)}.") from exc
    except toolkit.ConfigurationError as exc:
        raise NothingStored(f"The server is misconfigured: {exc}") from exc
    if isinstance(outcome, toolkit.FlowStopped):
        return _stopped(outcome)
    answers = outcome.answers
    if not answers[ConfirmForm].confirmed:
        return InteractiveResult("not_confirmed", "You unticked the confirmation, so nothing was stored.")
    expense = new_expense(
        user_alias, answers[AmountForm].amount, answers[DescriptionForm].description, answers[CategoryForm].category
    )
    expense = await store_expense(expense)
    title = CATEGORY_TITLES[expense.category]
    return InteractiveResult(
        "stored", f'Stored {expense.amount} for "{expense.description}" under {title}.', expense=expense
    )


def _stopped(outcome: toolkit.FlowStopped) -> InteractiveResult:
    if isinstance(outcome.outcome, toolkit.Declined):
        message = f"You declined at the {outcome.step} step; nothing was stored."
        return InteractiveResult("declined", message, outcome.step)
    if outcome.outcome.timed_out:
        message = f"No answer came at the {outcome.step} step ({outcome.outcome.reason}); nothing was stored."
    else:
        message = f"You cancelled at the {outcome.step} step; nothing was stored."
    return InteractiveResult("cancelled", message, outcome.step)
