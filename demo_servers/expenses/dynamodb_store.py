"""`DynamoDBExpenseStore`: expenses and budgets in one DynamoDB table.

Single-table layout, one partition per user:

| item | pk | sk | attributes |
| --- | --- | --- | --- |
| expense | `USER#alias` | `TRANSACTION#<expense_id>` | amount (Number), description, category, spent_on, recorded_at |
| budget | `USER#alias` | `BUDGET#<category>` or `BUDGET#ALL` | monthly_limit (Number), category |
| idempotency key | `USER#alias` | `IDEMPOTENCY#<key>` | expense_id (of the expense its write stored) |

An expense written with an idempotency key goes in one transaction with its key's item, each
on the condition that it does not exist yet: of two writes with the same key (two replicas
answering the same round at once) exactly one stores, and the other reads back what it stored.

Expense ids start with their recording time, so a `begins_with(sk, "TRANSACTION#")` query
returns a user's expenses oldest first. Amounts travel as `Decimal`, which boto3 maps to
DynamoDB's exact Number type. `create_expense_table` creates the table (on-demand billing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .errors import ExpenseTableMissing, StoreUnavailable, UnsupportedStoreUrl
from .records import Budget, Expense

__all__ = ["DynamoDBExpenseStore", "check_table_name", "create_expense_table", "dynamodb_client"]

TRANSACTION = "TRANSACTION#"
BUDGET = "BUDGET#"
IDEMPOTENCY = "IDEMPOTENCY#"
ALL_CATEGORIES = "ALL"
TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
# Fail within seconds, not minutes, when the endpoint is unreachable.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})

T = TypeVar("T")
_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize


def check_table_name(url: str, table: str) -> str:
    """Return `table` if DynamoDB accepts it as a table name."""
    if not TABLE_NAME.fullmatch(table):
        raise UnsupportedStoreUrl(url, "needs a table name of 3-255 letters, digits, '_', '-' or '.'")
    return table


def dynamodb_client(region: str | None = None, endpoint_url: str | None = None) -> Any:
    """A DynamoDB client; `endpoint_url` points it at a local endpoint instead of AWS.

    Without arguments boto3's usual configuration applies, including `AWS_REGION` and
    `AWS_ENDPOINT_URL_DYNAMODB`.
    """
    try:
        return boto3.session.Session().client(
            "dynamodb", region_name=region, endpoint_url=endpoint_url, config=CLIENT_CONFIG
        )
    except BotoCoreError as exc:
        raise StoreUnavailable(f"Cannot create a DynamoDB client: {exc}. Set AWS_REGION or add ?region=.") from exc


def create_expense_table(table: str, client: Any | None = None) -> bool:
    """Create the expense table with the single-table key schema, and wait until it is active.

    Returns:
        True if the table was created, False if it already existed.
    """
    client = client or dynamodb_client()
    try:
        client.create_table(
            TableName=table,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceInUseException":
            raise _translate(table, exc, writing=False) from exc
        return False
    except BotoCoreError as exc:
        raise _translate(table, exc, writing=False) from exc
    client.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return True


class DynamoDBExpenseStore:
    """Expenses and budgets in a DynamoDB table made by `create_expense_table`."""

    def __init__(
        self, table: str, *, region: str | None = None, endpoint_url: str | None = None, client: Any | None = None
    ) -> None:
        self.table = table
        self.client = client or dynamodb_client(region, endpoint_url)

    def describe(self) -> str:
        """Where the data lives."""
        return f"DynamoDB table {self.table}"

    def add_expense(self, expense: Expense, *, idempotency_key: str | None = None) -> Expense:
        """Store a new expense and return the expense stored; an existing item is never overwritten.

        With `idempotency_key`, a key already used returns the expense its first write stored.
        """
        item = {
            "pk": _pk(expense.user_alias),
            "sk": TRANSACTION + expense.expense_id,
            "entity": "TRANSACTION",
            "user_alias": expense.user_alias,
            "expense_id": expense.expense_id,
            "amount": expense.amount,
            "description": expense.description,
            "category": expense.category,
            "spent_on": expense.spent_on.isoformat(),
            "recorded_at": expense.recorded_at.isoformat(),
        }
        if idempotency_key is None:
            self._call(
                lambda: self.client.put_item(
                    TableName=self.table, Item=_to_wire(item), ConditionExpression="attribute_not_exists(sk)"
                ),
                writing=True,
            )
            return expense
        marker = {
            "pk": _pk(expense.user_alias),
            "sk": IDEMPOTENCY + idempotency_key,
            "entity": "IDEMPOTENCY",
            "expense_id": expense.expense_id,
        }
        condition = "attribute_not_exists(sk)"
        puts = [
            {"Put": {"TableName": self.table, "Item": _to_wire(entry), "ConditionExpression": condition}}
            for entry in (marker, item)
        ]
        try:
            self.client.transact_write_items(TransactItems=puts)
        except ClientError as exc:
            if not _key_taken(exc):
                raise _translate(self.table, exc, writing=True) from exc
            return self._stored_under(expense.user_alias, idempotency_key)
        except BotoCoreError as exc:
            raise _translate(self.table, exc, writing=True) from exc
        return expense

    def _stored_under(self, user_alias: str, idempotency_key: str) -> Expense:
        """The expense the first write with `idempotency_key` stored."""
        marker = self._get(user_alias, IDEMPOTENCY + idempotency_key)
        stored = self._get(user_alias, TRANSACTION + marker["expense_id"]) if marker is not None else None
        if stored is None:
            raise StoreUnavailable(
                f"DynamoDB table {self.table!r} holds the idempotency key of this write but not its expense. "
                "Nothing was stored."
            )
        return _expense(stored)

    def _get(self, user_alias: str, sort_key: str) -> dict[str, Any] | None:
        key = _to_wire({"pk": _pk(user_alias), "sk": sort_key})
        found = self._call(
            lambda: self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True), writing=False
        )
        item = found.get("Item")
        return _from_wire(item) if item is not None else None

    def list_expenses(self, user_alias: str) -> list[Expense]:
        """Every expense of `user_alias`, oldest first."""
        return [_expense(item) for item in self._query(user_alias, TRANSACTION)]

    def set_budget(self, budget: Budget) -> None:
        """Create or replace a budget."""
        item: dict[str, Any] = {
            "pk": _pk(budget.user_alias),
            "sk": BUDGET + (budget.category or ALL_CATEGORIES),
            "entity": "BUDGET",
            "user_alias": budget.user_alias,
            "monthly_limit": budget.monthly_limit,
        }
        if budget.category is not None:
            item["category"] = budget.category
        self._call(lambda: self.client.put_item(TableName=self.table, Item=_to_wire(item)), writing=True)

    def list_budgets(self, user_alias: str) -> list[Budget]:
        """Every budget of `user_alias`, the overall one first."""
        budgets = [_budget(item) for item in self._query(user_alias, BUDGET)]
        return sorted(budgets, key=lambda b: (b.category is not None, b.category or ""))

    def _query(self, user_alias: str, prefix: str) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=_to_wire({":pk": _pk(user_alias), ":prefix": prefix}),
        )
        # Read every page inside _call so a failure on a later page is translated too.
        items = self._call(lambda: [item for page in pages for item in page.get("Items", [])], writing=False)
        return (_from_wire(item) for item in items)

    def _call(self, operation: Callable[[], T], *, writing: bool) -> T:
        try:
            return operation()
        except (ClientError, BotoCoreError) as exc:
            raise _translate(self.table, exc, writing=writing) from exc


def _translate(table: str, exc: ClientError | BotoCoreError, *, writing: bool) -> Exception:
    """A toolkit error for a botocore one; only a failed write says that nothing was stored."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            return ExpenseTableMissing(table)
        message = exc.response.get("Error", {}).get("Message", str(exc))
        outcome = " Nothing was stored." if writing else ""
        return StoreUnavailable(f"DynamoDB table {table!r} refused the request ({code}: {message}).{outcome}")
    return StoreUnavailable(
        f"DynamoDB table {table!r} is unreachable: {exc}. Check AWS credentials, region and endpoint."
    )


def _key_taken(exc: ClientError) -> bool:
    """Whether a transaction was refused because its idempotency key (its first item) exists."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def _pk(user_alias: str) -> str:
    return f"USER#{user_alias}"


def _to_wire(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _serialize(value) for key, value in item.items()}


def _from_wire(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserialize(value) for key, value in item.items()}


def _expense(item: dict[str, Any]) -> Expense:
    return Expense(
        user_alias=item["user_alias"],
        expense_id=item["expense_id"],
        amount=_money(item["amount"]),
        description=item["description"],
        category=item["category"],
        spent_on=date.fromisoformat(item["spent_on"]),
        recorded_at=datetime.fromisoformat(item["recorded_at"]),
    )


def _budget(item: dict[str, Any]) -> Budget:
    return Budget(
        user_alias=item["user_alias"], category=item.get("category"), monthly_limit=_money(item["monthly_limit"])
    )


def _money(value: Decimal) -> Decimal:
    # DynamoDB normalises numbers (12.50 comes back as 12.5); restore the two places.
    return value.quantize(Decimal("0.01"))
