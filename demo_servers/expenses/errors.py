"""Errors of the expense tracker, in one tree.

    ExpenseError
    ├── InvalidArgument         an argument of a tool that only reads failed validation
    │   └── InvalidExpense      a field of an expense or budget to store failed validation
    ├── NothingStored           an interactive tool could not ask, or got no usable answer
    └── StoreError              the expense store cannot be opened or used
        ├── UnsupportedStoreUrl the store URL names no known store, or is malformed
        ├── ExpenseTableMissing the DynamoDB table does not exist yet
        └── StoreUnavailable    the database or endpoint failed

Every message says what to do next, and only errors of tools that write say "Nothing was
stored": a tool that only reads has nothing to reassure about. Errors from sqlite3 and
botocore are translated in the store modules and re-raised `from` the original.
"""

from __future__ import annotations

from toolkit.errors import ToolError

__all__ = [
    "ExpenseError",
    "ExpenseTableMissing",
    "InvalidArgument",
    "InvalidExpense",
    "NothingStored",
    "StoreError",
    "StoreUnavailable",
    "UnsupportedStoreUrl",
]


class ExpenseError(ToolError):
    """Root of every error the expense tracker raises on purpose; a tool's caller reads its message."""


class InvalidArgument(ExpenseError, ValueError):
    """An argument failed validation, e.g. a month that is not ``YYYY-MM``.

    Attributes:
        field: The name of the offending field, e.g. ``"month"``.
        problem: What is wrong with it and how to write it instead.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(self._message())

    def _message(self) -> str:
        return f"Invalid {self.field}: {self.problem}."


class InvalidExpense(InvalidArgument):
    """A field of an expense or budget about to be stored failed validation; nothing was stored."""

    def _message(self) -> str:
        return f"{super()._message()} Nothing was stored."


class StoreError(ExpenseError):
    """The expense store could not be opened or used."""


class UnsupportedStoreUrl(StoreError, ValueError):
    """The store URL is not `sqlite:///PATH` or `dynamodb://TABLE`."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        super().__init__(
            f"Store URL {url!r} {problem}. Use sqlite:///relative/path.db, sqlite:////absolute/path.db "
            "or dynamodb://TABLE (optionally ?region=REGION&endpoint_url=URL)."
        )


class ExpenseTableMissing(StoreError):
    """The DynamoDB table named in the store URL does not exist."""

    def __init__(self, table: str) -> None:
        self.table = table
        super().__init__(
            f"DynamoDB table {table!r} does not exist. Create it once with "
            f"`python -m demo_servers.expenses --store dynamodb://{table} --create-table`."
        )


class StoreUnavailable(StoreError):
    """The database or endpoint failed; the message names the store and the cause.

    A failed write says that nothing was stored; a failed read does not.
    """


class NothingStored(ExpenseError):
    """An interactive tool could not finish; the message says why, and nothing was stored."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason} Nothing was stored.")
