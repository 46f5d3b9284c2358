"""`SqliteExpenseStore`: the embedded default, a single SQLite file created on first use.

Amounts are stored as decimal text, not REAL, so they come back exactly as written. Each
operation opens its own short connection: the server calls the store from worker threads,
and sqlite3 connections must not be shared across threads. Several server processes may
share one file: a write with an idempotency key is unique per user by a UNIQUE index, so two
processes writing the same key at once store one row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import StoreUnavailable
from .records import Budget, Expense

__all__ = ["SqliteExpenseStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS expenses (
    user_alias  TEXT NOT NULL,
    expense_id  TEXT NOT NULL,
    amount      TEXT NOT NULL,
    description TEXT NOT NULL,
    category    TEXT NOT NULL,
    spent_on    TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    idempotency_key TEXT,
    PRIMARY KEY (user_alias, expense_id)
);
CREATE TABLE IF NOT EXISTS budgets (
    user_alias    TEXT NOT NULL,
    category      TEXT NOT NULL,
    monthly_limit TEXT NOT NULL,
    PRIMARY KEY (user_alias, category)
);
"""
# Files made before writes had idempotency keys lack the column; it is added on first use.
ADD_IDEMPOTENCY = "ALTER TABLE expenses ADD COLUMN idempotency_key TEXT"
# NULL keys never collide, so expenses written without a key are not limited by it.
IDEMPOTENCY_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS expenses_idempotency ON expenses (user_alias, idempotency_key)"
)
COLUMNS = "user_alias, expense_id, amount, description, category, spent_on, recorded_at, idempotency_key"
# Budgets for all spending are keyed by this marker, which is never a category name.
ALL_CATEGORIES = "*"


class SqliteExpenseStore:
    """Expenses and budgets in one SQLite file; the file and its folder appear on first use."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._ready = False

    def describe(self) -> str:
        """Where the data lives."""
        return f"SQLite file {self.path}"

    def add_expense(self, expense: Expense, *, idempotency_key: str | None = None) -> Expense:
        """Store a new expense and return the expense stored (the earlier one for a key already used)."""
        with self._connect() as db:
            inserted = db.execute(
                f"INSERT INTO expenses ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (user_alias, idempotency_key) DO NOTHING",
                (
                    expense.user_alias,
                    expense.expense_id,
                    str(expense.amount),
                    expense.description,
                    expense.category,
                    expense.spent_on.isoformat(),
                    expense.recorded_at.isoformat(),
                    idempotency_key,
                ),
            )
            if inserted.rowcount == 1:
                return expense
            row = db.execute(
                f"SELECT {COLUMNS} FROM expenses WHERE user_alias = ? AND idempotency_key = ?",
                (expense.user_alias, idempotency_key),
            ).fetchone()
        return _expense(row)

    def list_expenses(self, user_alias: str) -> list[Expense]:
        """Every expense of `user_alias`, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM expenses WHERE user_alias = ? ORDER BY expense_id", (user_alias,)
            ).fetchall()
        return [_expense(row) for row in rows]

    def set_budget(self, budget: Budget) -> None:
        """Create or replace a budget."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO budgets VALUES (?, ?, ?)",
                (budget.user_alias, budget.category or ALL_CATEGORIES, str(budget.monthly_limit)),
            )

    def list_budgets(self, user_alias: str) -> list[Budget]:
        """Every budget of `user_alias`, the overall one first."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM budgets WHERE user_alias = ? ORDER BY category", (user_alias,)).fetchall()
        # `*` sorts before every lower-case category name, so the overall budget comes first.
        return [_budget(row) for row in rows]

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(
                f"Cannot open {self.describe()}: {exc}. Check the path and its permissions."
            ) from exc
        db.row_factory = sqlite3.Row
        try:
            with db:  # one transaction: committed on success, rolled back on any error
                if not self._ready:
                    db.executescript(SCHEMA)
                    columns = {row["name"] for row in db.execute("PRAGMA table_info(expenses)")}
                    if "idempotency_key" not in columns:
                        db.execute(ADD_IDEMPOTENCY)
                    db.execute(IDEMPOTENCY_INDEX)
                    self._ready = True
                yield db
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"{self.describe()} failed: {exc}. Nothing was changed.") from exc
        finally:
            db.close()


def _expense(row: Any) -> Expense:
    return Expense(
        user_alias=row["user_alias"],
        expense_id=row["expense_id"],
        amount=Decimal(row["amount"]),
        description=row["description"],
        category=row["category"],
        spent_on=date.fromisoformat(row["spent_on"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
    )


def _budget(row: Any) -> Budget:
    category = row["category"]
    return Budget(
        user_alias=row["user_alias"],
        category=None if category == ALL_CATEGORIES else category,
        monthly_limit=Decimal(row["monthly_limit"]),
    )
