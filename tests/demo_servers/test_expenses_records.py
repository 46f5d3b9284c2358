"""Validation of expense and budget fields, shared by both stores."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo_servers.expenses.errors import InvalidArgument, InvalidExpense
from demo_servers.expenses.records import (
    CATEGORIES,
    CATEGORY_TITLES,
    check_alias,
    check_description,
    check_lookup_alias,
    new_budget,
    new_expense,
    parse_amount,
)
from demo_servers.expenses.summary import check_month, month_of


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2))
def test_two_place_amounts_are_kept_exactly(amount):
    assert parse_amount(str(amount)) == amount
    assert parse_amount(amount).as_tuple().exponent == -2


@pytest.mark.parametrize(("raw", "expected"), [(12.3, "12.30"), (0.1, "0.10"), (7, "7.00"), (" 5.5 ", "5.50")])
def test_floats_ints_and_text_become_exact_amounts(raw, expected):
    assert parse_amount(raw) == Decimal(expected)
    assert str(parse_amount(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (0, "greater than zero"),
        (-3, "greater than zero"),
        ("-0.01", "greater than zero"),
        ("12.345", "more than two decimal places"),
        ("abc", "not a number"),
        ("", "not a number"),
        ("NaN", "not a finite number"),
        ("Infinity", "not a finite number"),
        ("1000000.01", "more than the limit"),
        (True, "boolean"),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(raw, problem):
    with pytest.raises(InvalidExpense, match=problem) as caught:
        parse_amount(raw)
    assert caught.value.field == "amount"
    assert "Nothing was stored" in str(caught.value)


@pytest.mark.parametrize("alias", ["", "has space", "a#b", "x" * 65, "ünïcode"])
def test_bad_aliases_are_refused(alias):
    with pytest.raises(InvalidExpense, match="user_alias"):
        check_alias(alias)


@pytest.mark.parametrize("alias", ["alice", "a", "bob.smith@example.com", "x" * 64, "u_1-2+3"])
def test_good_aliases_pass(alias):
    assert check_alias(alias) == alias


def test_descriptions_are_stripped_and_bounded():
    assert check_description("  lunch  ") == "lunch"
    with pytest.raises(InvalidExpense, match="must not be empty"):
        check_description("   ")
    with pytest.raises(InvalidExpense, match="201 characters"):
        check_description("x" * 201)


@pytest.mark.parametrize("text", ["\ud800", "lunch \udc00", "\udfff\ud800"])
def test_text_that_cannot_be_stored_is_refused_naming_the_field(text):
    with pytest.raises(InvalidExpense, match="not valid text") as caught:
        new_expense("alice", 1, text, "food")
    assert caught.value.field == "description"
    str(caught.value).encode("utf-8")  # the error itself can be sent


def test_a_lookup_alias_error_does_not_talk_about_storing():
    with pytest.raises(InvalidArgument, match="user_alias") as caught:
        check_lookup_alias("has space")
    assert not isinstance(caught.value, InvalidExpense)
    assert "stored" not in str(caught.value)
    assert check_lookup_alias("alice") == "alice"


@pytest.mark.parametrize(("day", "month"), [(date(999, 1, 1), "0999-01"), (date(1, 12, 31), "0001-12")])
def test_months_of_early_years_have_four_digits(day, month):
    assert month_of(day) == month
    assert check_month(month) == month


def test_expense_ids_of_early_years_still_sort_by_recording_time():
    early = new_expense("a", 1, "x", "food", now=datetime(999, 1, 1, tzinfo=UTC))
    late = new_expense("a", 1, "x", "food", now=datetime(1000, 1, 1, tzinfo=UTC))
    assert early.expense_id < late.expense_id


def test_unknown_category_is_refused():
    with pytest.raises(InvalidExpense, match="food, transport, bills, entertainment, other"):
        new_expense("alice", 1, "x", "groceries")


def test_every_category_has_a_title():
    assert set(CATEGORY_TITLES) == set(CATEGORIES)


def test_new_expense_ids_sort_by_recording_time():
    early = new_expense("a", 1, "x", "food", now=datetime(2025, 1, 1, 9, tzinfo=UTC))
    late = new_expense("a", 1, "x", "food", now=datetime(2025, 1, 1, 10, tzinfo=UTC))
    assert early.expense_id < late.expense_id
    assert early.spent_on == date(2025, 1, 1)


def test_budget_without_category_covers_all_spending():
    assert new_budget("a", "250").category is None
    with pytest.raises(InvalidExpense, match="monthly_limit"):
        new_budget("a", 0)
