"""The expense store protocol, and `open_expense_store(url)` that picks an implementation.

| URL | store |
| --- | --- |
| `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` | `SqliteExpenseStore`, created on first use |
| `dynamodb://TABLE[?region=R&endpoint_url=U]` | `DynamoDBExpenseStore`, single-table layout |

Stores are synchronous: sqlite3 and boto3 block, so the server calls them from a worker thread.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from ..data_dir import data_dir
from .errors import UnsupportedStoreUrl
from .records import Budget, Expense

__all__ = ["STORE_ENV", "ExpenseStore", "default_store_url", "open_expense_store"]

#: Environment variable read when `--store` is not given.
STORE_ENV = "EXPENSES_STORE"


class ExpenseStore(Protocol):
    """What the expense tools need from storage. Inputs are already validated records."""

    def add_expense(self, expense: Expense, *, idempotency_key: str | None = None) -> Expense:
        """Store a new expense and return the expense stored.

        With `idempotency_key`, only the first write under that key (for the expense's user)
        stores anything; a later one, even from another process, returns the expense the
        first one stored. `add_expense_interactive` passes its flow's id, so a round of the
        conversation that arrives twice, or on two replicas at once, stores one expense.
        """
        ...

    def list_expenses(self, user_alias: str) -> list[Expense]:
        """Every expense of `user_alias`, oldest first."""
        ...

    def set_budget(self, budget: Budget) -> None:
        """Create or replace the budget for `(budget.user_alias, budget.category)`."""
        ...

    def list_budgets(self, user_alias: str) -> list[Budget]:
        """Every budget of `user_alias`; the overall budget (category None) first."""
        ...

    def describe(self) -> str:
        """A short human-readable name of where data lives, for logs and reports."""
        ...


def default_store_url() -> str:
    """The store URL from `EXPENSES_STORE`, else a SQLite file in the user's data directory.

    The default lives outside the working directory so a demo run leaves no file in a
    checkout; `XDG_DATA_HOME` moves it like other per-user data.
    """
    configured = os.environ.get(STORE_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'expenses.db'}"


def open_expense_store(url: str) -> ExpenseStore:
    """Open the store named by `url` (see the module table).

    Raises:
        UnsupportedStoreUrl: The scheme is unknown or the URL is malformed.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        from .sqlite_store import SqliteExpenseStore

        return SqliteExpenseStore(_sqlite_path(url, parts.netloc, parts.path))
    if parts.scheme == "dynamodb":
        from .dynamodb_store import DynamoDBExpenseStore, check_table_name

        options = _query_options(url, parts.query, allowed=("region", "endpoint_url"))
        if parts.path not in ("", "/"):
            raise UnsupportedStoreUrl(url, "has a path after the table name")
        return DynamoDBExpenseStore(check_table_name(url, parts.netloc), **options)
    raise UnsupportedStoreUrl(url, "has an unknown scheme")


def _sqlite_path(url: str, netloc: str, path: str) -> Path:
    if netloc:
        raise UnsupportedStoreUrl(url, "has a host part; SQLite URLs start with three slashes")
    # `sqlite:///x.db` has path `/x.db` (relative) and `sqlite:////x.db` has `//x.db` (absolute).
    relative = path[1:]
    if not relative or relative.endswith("/") or relative == ":memory:":
        raise UnsupportedStoreUrl(url, "names no database file")
    return Path(relative)


def _query_options(url: str, query: str, allowed: tuple[str, ...]) -> dict[str, str]:
    parsed = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(parsed) - set(allowed))
    if unknown:
        raise UnsupportedStoreUrl(url, f"has unknown option(s) {', '.join(unknown)}")
    options: dict[str, str] = {}
    for key, values in parsed.items():
        if len(values) != 1 or not values[0]:
            raise UnsupportedStoreUrl(url, f"needs exactly one non-empty value for {key}")
        options[key] = values[0]
    return options
