"""The forms `add_expense_interactive` asks, one question each, in order.

Each is a `toolkit.Form`, so its schema is checked against the protocol when the class is
defined, and an answer that does not fit is re-asked with the problem named.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator

import toolkit

from .records import CATEGORY_TITLES, MAX_AMOUNT, MAX_DESCRIPTION, Category

__all__ = ["AmountForm", "CategoryForm", "ConfirmForm", "DescriptionForm"]


class AmountForm(toolkit.Form):
    """Step 1: how much. A `Decimal`, so 0.10 stays 0.10; more than two decimals is re-asked."""

    amount: Decimal = Field(
        gt=0, le=MAX_AMOUNT, decimal_places=2, title="Amount", description="How much you spent, e.g. 12.50"
    )


class DescriptionForm(toolkit.Form):
    """Step 2: what for."""

    description: str = Field(
        min_length=1, max_length=MAX_DESCRIPTION, title="Description", description="What the money was spent on"
    )

    @field_validator("description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # min_length counts spaces, so "   " would pass it; the store would refuse it later.
        if not value.strip():
            raise ValueError("write a few words, not only spaces")
        return value.strip()


class CategoryForm(toolkit.Form):
    """Step 3: one of the fixed categories, shown with their titles."""

    category: Annotated[Category, toolkit.Titles(CATEGORY_TITLES)] = Field(title="Category")


class ConfirmForm(toolkit.Form):
    """Step 4: the user confirms what will be stored (the message repeats it).

    The box starts ticked: accepting the form as shown means "store it", declining means
    "don't". Unticked, a client that submits the defaults would turn every yes into a no.
    """

    confirmed: bool = Field(default=True, title="Store this expense")
