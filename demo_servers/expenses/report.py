"""`generate_report`: a month-by-month spending report, built in steps that report progress.

The steps are: load the expenses, load the budgets, summarise each month, write the text.
Progress goes out after each step (and after each month) when the request carried a
progress token; the report is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import anyio

import toolkit
from toolkit import Context

from .records import CATEGORY_TITLES, Budget, Expense
from .summary import MonthSummary, month_of, summarize_month

__all__ = ["SpendingReport", "build_report", "report_text"]

# Steps that are not a month: loading expenses, loading budgets, writing the text.
FIXED_STEPS = 3


@dataclass(frozen=True)
class SpendingReport:
    """A user's spending, month by month.

    Attributes:
        user_alias: Whose spending.
        generated_at: When the report was made (UTC).
        total_spent: Everything the user ever recorded.
        months: One summary per month with expenses, oldest first.
        text: The report as Markdown.
    """

    user_alias: str
    generated_at: datetime
    total_spent: Decimal
    months: list[MonthSummary]
    text: str


async def build_report(
    ctx: Context,
    user_alias: str,
    load_expenses: Callable[[str], list[Expense]],
    load_budgets: Callable[[str], list[Budget]],
) -> SpendingReport:
    """Load, summarise and write the report, advancing one progress step at a time.

    The loaders block (sqlite3, boto3), so they run in a worker thread.
    """
    expenses = await anyio.to_thread.run_sync(load_expenses, user_alias)
    months = sorted({month_of(e.spent_on) for e in expenses})
    # The step count depends on the months, so progress starts once the expenses are in.
    # Every step is worth showing, so nothing is coalesced (min_interval=0).
    async with toolkit.Progress(ctx, total=FIXED_STEPS + len(months), min_interval=0) as progress:
        await progress.advance(message=f"Loaded {len(expenses)} expense(s)")
        budgets = await anyio.to_thread.run_sync(load_budgets, user_alias)
        await progress.advance(message=f"Loaded {len(budgets)} budget(s)")
        summaries = []
        for month in months:
            summaries.append(summarize_month(user_alias, expenses, budgets, month))
            await progress.advance(message=f"Summarised {month}")
        total = sum((e.amount for e in expenses), Decimal("0.00"))
        text = report_text(user_alias, total, summaries)
        await progress.advance(message="Report written")
    return SpendingReport(user_alias, datetime.now(UTC), total, summaries, text)


def report_text(user_alias: str, total_spent: Decimal, months: list[MonthSummary]) -> str:
    """The report as Markdown: one section per month, categories and budgets."""
    lines = [f"# Spending report for {user_alias}", ""]
    if not months:
        return "\n".join([*lines, "No expenses recorded yet.", ""])
    lines += [f"Total recorded: {total_spent} over {len(months)} month(s).", ""]
    for summary in months:
        lines += [f"## {summary.month}: {summary.total_spent} in {summary.expense_count} expense(s)", ""]
        lines += [
            f"- {CATEGORY_TITLES[c]}: {amount}"  # type: ignore[index]
            for c, amount in summary.by_category.items()
            if amount
        ]
        for status in summary.budgets:
            state = f"over by {-status.remaining}" if status.over_budget else f"{status.remaining} left"
            lines.append(f"- Budget ({status.category}): {status.spent} of {status.monthly_limit}, {state}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
