"""The records the expense tracker stores, and the validation every store relies on.

Amounts are `Decimal` with at most two decimal places, never floats: 0.1 + 0.2 must stay 0.30.
Validation happens here, once, before anything reaches a store, so both stores hold the same
shapes and reject the same input with the same message.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal, get_args

from .errors import InvalidArgument, InvalidExpense

__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "MAX_AMOUNT",
    "Budget",
    "Category",
    "Expense",
    "check_alias",
    "check_category",
    "check_description",
    "check_lookup_alias",
    "check_text",
    "new_budget",
    "new_expense",
    "parse_amount",
]

Category = Literal["food", "transport", "bills", "entertainment", "other"]
CATEGORIES: tuple[Category, ...] = get_args(Category)
CATEGORY_TITLES: dict[Category, str] = {
    "food": "Food & groceries",
    "transport": "Transport",
    "bills": "Bills & utilities",
    "entertainment": "Entertainment",
    "other": "Other",
}

#: The largest single amount or budget accepted; larger values are almost always typos.
MAX_AMOUNT = Decimal("1000000.00")
MAX_DESCRIPTION = 200
CENT = Decimal("0.01")
# Aliases become part of DynamoDB keys (`USER#alias`), so `#` and spaces are kept out.
ALIAS_PATTERN = re.compile(r"[A-Za-z0-9._@+-]{1,64}")
ALIAS_RULE = "use 1-64 letters, digits or . _ @ + - (no spaces or '#')"


@dataclass(frozen=True)
class Expense:
    """One stored expense.

    Attributes:
        user_alias: Whose expense it is.
        expense_id: Unique per user and sortable by recording time.
        amount: Positive, two decimal places.
        description: What the money was spent on.
        category: One of `CATEGORIES`.
        spent_on: The day the money was spent.
        recorded_at: When the expense was stored (UTC).
    """

    user_alias: str
    expense_id: str
    amount: Decimal
    description: str
    category: Category
    spent_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class Budget:
    """A monthly spending limit for one category, or for all spending when `category` is None."""

    user_alias: str
    category: Category | None
    monthly_limit: Decimal


def check_alias(user_alias: str) -> str:
    """Return `user_alias` if it is 1-64 letters, digits or `._@+-`."""
    if not isinstance(user_alias, str) or not ALIAS_PATTERN.fullmatch(user_alias):
        raise InvalidExpense("user_alias", ALIAS_RULE)
    return user_alias


def check_lookup_alias(user_alias: str) -> str:
    """`check_alias` for tools that only read: the same rule, and an error without "Nothing was stored"."""
    if not isinstance(user_alias, str) or not ALIAS_PATTERN.fullmatch(user_alias):
        raise InvalidArgument("user_alias", ALIAS_RULE)
    return user_alias


def check_text(field: str, text: str) -> str:
    """Return `text` if it can be stored: valid Unicode, so UTF-8 can encode it.

    A lone surrogate (half of a UTF-16 pair) reaches Python from some clients; SQLite,
    DynamoDB and the JSON of every response refuse it, so it is refused here by name.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidExpense(
            field,
            f"character {exc.start + 1} is not valid text (a lone surrogate {text[exc.start]!a}); "
            "type the text again",
        ) from None
    return text


def parse_amount(value: Decimal | str | int | float, field: str = "amount") -> Decimal:
    """Turn `value` into a positive money amount with two decimal places.

    Floats go through `str()` first, so `12.3` becomes `Decimal("12.30")` and not the binary
    approximation. More than two decimal places is refused rather than silently rounded.
    """
    if isinstance(value, bool):
        raise InvalidExpense(field, "expected a number such as 12.50, got a boolean")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidExpense(field, f"{value!r} is not a number; write it like 12.50") from None
    if not amount.is_finite():
        raise InvalidExpense(field, f"{value!r} is not a finite number")
    if amount <= 0:
        raise InvalidExpense(field, f"{amount} must be greater than zero")
    if amount > MAX_AMOUNT:
        raise InvalidExpense(field, f"{amount} is more than the limit of {MAX_AMOUNT}")
    if amount != amount.quantize(CENT):
        raise InvalidExpense(field, f"{amount} has more than two decimal places")
    return amount.quantize(CENT)


def check_description(description: str) -> str:
    """Return `description` stripped, if it is 1-200 characters of storable text."""
    text = check_text("description", description).strip() if isinstance(description, str) else ""
    if not text:
        raise InvalidExpense("description", "it must not be empty")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidExpense("description", f"it has {len(text)} characters; keep it to {MAX_DESCRIPTION}")
    return text


def check_category(category: str) -> Category:
    """Return `category` if it is one of `CATEGORIES`."""
    if category not in CATEGORIES:
        raise InvalidExpense("category", f"{category!r} is not one of {', '.join(CATEGORIES)}")
    return category  # type: ignore[return-value]  # narrowed by the membership test


def new_expense(
    user_alias: str,
    amount: Decimal | str | int | float,
    description: str,
    category: str,
    spent_on: date | None = None,
    *,
    now: datetime | None = None,
) -> Expense:
    """Validate the fields and build an `Expense` with a fresh, time-ordered id."""
    recorded_at = now or datetime.now(UTC)
    return Expense(
        user_alias=check_alias(user_alias),
        # The timestamp prefix makes ids (and so DynamoDB sort keys) sort by recording time.
        # `%Y` does not pad years below 1000 on every platform, so the year is padded by hand.
        expense_id=f"{recorded_at.year:04d}{recorded_at:%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}",
        amount=parse_amount(amount),
        description=check_description(description),
        category=check_category(category),
        spent_on=spent_on or recorded_at.date(),
        recorded_at=recorded_at,
    )


def new_budget(user_alias: str, monthly_limit: Decimal | str | int | float, category: str | None = None) -> Budget:
    """Validate the fields and build a `Budget`; `category=None` limits all spending."""
    return Budget(
        user_alias=check_alias(user_alias),
        category=None if category is None else check_category(category),
        monthly_limit=parse_amount(monthly_limit, "monthly_limit"),
    )
