"""The expense tracker's tools, registered on a toolkit stateful server by `create_server`.

Every tool validates its arguments before touching the store, so bad input gets a clear
error naming the field; tools that write add that nothing was stored. Store calls block
(sqlite3, boto3) and run in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated

import anyio
from pydantic import Field

import toolkit
from toolkit import Context

from ..capability_report import CapabilityReport, capability_report
from .analysis import SpendingAnalysis, analyze
from .interactive import InteractiveResult, ask_and_store
from .records import Budget, Category, Expense, check_alias, check_lookup_alias, new_budget, new_expense
from .report import SpendingReport, build_report
from .store import ExpenseStore
from .summary import MonthSummary, check_month, month_of, summarize_month
from .tool_support import expense_tool_support

__all__ = ["ExpenseList", "create_server"]

INSTRUCTIONS = (
    "Track expenses per user. add_expense_interactive asks the user step by step; add_expense "
    "stores one directly. analyze_spending asks your LLM for advice, generate_report reports progress."
)

Alias = Annotated[str, Field(description="Whose expenses: 1-64 letters, digits or . _ @ + -")]
Month = Annotated[str | None, Field(description="Month as YYYY-MM; the current month when omitted")]


@dataclass(frozen=True)
class ExpenseList:
    """A user's expenses, oldest first, with their exact total."""

    user_alias: str
    count: int
    total: Decimal
    expenses: list[Expense]


def create_server(store: ExpenseStore, *, fallback_sampler: toolkit.Sampler | None = None) -> toolkit.StatefulServer:
    """Build the expense tracker server on `store`; run it with `.serve(host, port)`.

    Args:
        store: Where expenses and budgets live.
        fallback_sampler: Answers `analyze_spending` when the client cannot sample (for
            example a `toolkit.BedrockSampler`); without one a computed summary answers.
    """
    server = toolkit.stateful_server("expenses", instructions=INSTRUCTIONS)
    if fallback_sampler is not None:
        toolkit.use_fallback_sampler(server, fallback_sampler)

    async def month_of_user(user_alias: str, month: str | None) -> tuple[MonthSummary, list[Expense]]:
        chosen = check_month(month) if month is not None else month_of(datetime.now(UTC).date())
        expenses = await anyio.to_thread.run_sync(store.list_expenses, check_lookup_alias(user_alias))
        budgets = await anyio.to_thread.run_sync(store.list_budgets, user_alias)
        return summarize_month(user_alias, expenses, budgets, chosen), expenses

    @server.tool()
    async def add_expense(
        user_alias: Alias,
        amount: Annotated[Decimal, Field(description="Positive amount with at most two decimals, e.g. 12.50")],
        description: Annotated[str, Field(description="What the money was spent on")],
        category: Category,
        spent_on: Annotated[date | None, Field(description="Day of the expense; today when omitted")] = None,
    ) -> Expense:
        """Store one expense and return it as stored."""
        expense = new_expense(user_alias, amount, description, category, spent_on)
        await anyio.to_thread.run_sync(store.add_expense, expense)
        return expense

    @server.tool()
    async def add_expense_interactive(user_alias: Alias, ctx: Context) -> InteractiveResult:
        """Ask the user for amount, description and category, confirm, then store the expense.

        Needs a client with form elicitation. Declining or cancelling any question stores nothing.
        """

        async def store_expense(expense: Expense) -> Expense:
            # The flow's id: a last round answered twice (a retry, two replicas) stores once.
            write = partial(store.add_expense, expense, idempotency_key=toolkit.flow_id(ctx))
            return await anyio.to_thread.run_sync(write)

        return await ask_and_store(ctx, check_alias(user_alias), store_expense)

    @server.tool()
    async def list_expenses(user_alias: Alias) -> ExpenseList:
        """List a user's expenses, oldest first, with the total."""
        expenses = await anyio.to_thread.run_sync(store.list_expenses, check_lookup_alias(user_alias))
        return ExpenseList(user_alias, len(expenses), sum((e.amount for e in expenses), Decimal("0.00")), expenses)

    @server.tool()
    async def set_budget(
        user_alias: Alias,
        monthly_limit: Annotated[Decimal, Field(description="Monthly limit, positive, at most two decimals")],
        category: Annotated[Category | None, Field(description="Budgeted category; all spending when omitted")] = None,
    ) -> Budget:
        """Set (or replace) a monthly budget for one category or for all spending."""
        budget = new_budget(user_alias, monthly_limit, category)
        await anyio.to_thread.run_sync(store.set_budget, budget)
        return budget

    @server.tool()
    async def get_balance(user_alias: Alias, month: Month = None) -> MonthSummary:
        """Spending of one month per category, and what is left of each budget."""
        summary, _ = await month_of_user(user_alias, month)
        return summary

    @server.tool()
    async def analyze_spending(user_alias: Alias, ctx: Context, month: Month = None) -> SpendingAnalysis:
        """Ask the client's LLM for advice on a user's spending; without sampling, a computed summary."""
        summary, expenses = await month_of_user(user_alias, month)
        return await analyze(ctx, summary, expenses)

    @server.tool()
    async def generate_report(user_alias: Alias, ctx: Context) -> SpendingReport:
        """A month-by-month spending report, with progress while it is built."""
        return await build_report(ctx, check_lookup_alias(user_alias), store.list_expenses, store.list_budgets)

    @server.tool()
    async def client_capabilities(ctx: Context) -> CapabilityReport:
        """What this client declared, and which tools will work, fall back or refuse."""
        features = toolkit.client_features(ctx)
        return capability_report(features, expense_tool_support(features))

    return server
