"""Monthly totals and budget status, computed from stored records with exact `Decimal` sums.

`get_balance` returns these numbers, `generate_report` builds on them, and `analyze_spending`
falls back to `describe_summary` when the client cannot sample.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import InvalidArgument
from .records import CATEGORIES, CATEGORY_TITLES, Budget, Expense

__all__ = ["BudgetStatus", "MonthSummary", "check_month", "describe_summary", "month_of", "summarize_month"]

# ASCII digits only: `\d` would also match other scripts' digits, which no stored month has.
MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetStatus:
    """How one budget stands in a month.

    Attributes:
        category: The budgeted category, or ``"all"`` for the overall budget.
        monthly_limit: The budget.
        spent: What was spent against it in the month.
        remaining: `monthly_limit - spent`; negative when over budget.
        over_budget: Whether `spent` exceeds `monthly_limit`.
    """

    category: str
    monthly_limit: Decimal
    spent: Decimal
    remaining: Decimal
    over_budget: bool


@dataclass(frozen=True)
class MonthSummary:
    """One user's spending in one calendar month.

    Attributes:
        user_alias: Whose spending.
        month: ``YYYY-MM``.
        total_spent: Sum of the month's expenses.
        expense_count: How many expenses the month has.
        by_category: Spending per category, every category present (zero when unused).
        budgets: The status of each budget, the overall one first.
    """

    user_alias: str
    month: str
    total_spent: Decimal
    expense_count: int
    by_category: dict[str, Decimal]
    budgets: list[BudgetStatus]


def check_month(month: str) -> str:
    """Return `month` if it is ``YYYY-MM``."""
    if not isinstance(month, str) or not MONTH.fullmatch(month):
        raise InvalidArgument("month", f"{month!r} is not a month; write it as YYYY-MM, e.g. 2025-03")
    return month


def month_of(day: date) -> str:
    """The ``YYYY-MM`` month that `day` falls in, the year padded to four digits.

    Not `f"{day:%Y-%m}"`: `%Y` writes year 999 as ``999`` on glibc, a month `check_month`
    would then refuse to read back.
    """
    return f"{day.year:04d}-{day.month:02d}"


def summarize_month(
    user_alias: str, expenses: Iterable[Expense], budgets: Iterable[Budget], month: str
) -> MonthSummary:
    """Totals and budget status of `user_alias` for `month` (``YYYY-MM``)."""
    check_month(month)
    in_month = [e for e in expenses if month_of(e.spent_on) == month]
    by_category = {category: ZERO for category in CATEGORIES}
    for expense in in_month:
        by_category[expense.category] += expense.amount
    total = sum((e.amount for e in in_month), ZERO)
    statuses = [_status(b, total if b.category is None else by_category[b.category]) for b in budgets]
    return MonthSummary(user_alias, month, total, len(in_month), by_category, statuses)


def describe_summary(summary: MonthSummary) -> str:
    """A few plain sentences about a month, computed without any LLM."""
    if summary.expense_count == 0:
        return f"{summary.user_alias} recorded no expenses in {summary.month}."
    used = sorted(((amount, c) for c, amount in summary.by_category.items() if amount > 0), reverse=True)
    top_amount, top = used[0]
    share = (top_amount / summary.total_spent * 100).quantize(Decimal("1"))
    lines = [
        f"{summary.user_alias} spent {summary.total_spent} in {summary.month} "
        f"across {summary.expense_count} expense(s).",
        f"The largest category is {CATEGORY_TITLES[top]} at {top_amount} ({share}% of the month).",  # type: ignore[index]
    ]
    for status in summary.budgets:
        label = "overall" if status.category == "all" else status.category
        if status.over_budget:
            lines.append(f"Over the {label} budget of {status.monthly_limit} by {-status.remaining}.")
        else:
            lines.append(f"{status.remaining} left of the {label} budget of {status.monthly_limit}.")
    return " ".join(lines)


def _status(budget: Budget, spent: Decimal) -> BudgetStatus:
    remaining = budget.monthly_limit - spent
    return BudgetStatus(budget.category or "all", budget.monthly_limit, spent, remaining, remaining < 0)
