"""The expense stores: the same tests run over SQLite and over DynamoDB on a local endpoint."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import boto3
import pytest

from demo_servers.expenses.dynamodb_store import DynamoDBExpenseStore, create_expense_table, dynamodb_client
from demo_servers.expenses.errors import ExpenseTableMissing, StoreUnavailable, UnsupportedStoreUrl
from demo_servers.expenses.records import new_budget, new_expense
from demo_servers.expenses.sqlite_store import SqliteExpenseStore
from demo_servers.expenses.store import ExpenseStore, default_store_url, open_expense_store


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path: Path) -> Iterator[ExpenseStore]:
    if request.param == "sqlite":
        yield open_expense_store(f"sqlite:///{tmp_path / 'expenses.db'}")
        return
    endpoint = request.getfixturevalue("dynamodb_endpoint")
    table = f"expenses-{uuid.uuid4().hex[:12]}"
    client = dynamodb_client(endpoint_url=endpoint)
    assert create_expense_table(table, client)
    yield open_expense_store(f"dynamodb://{table}?endpoint_url={endpoint}&region=us-east-1")
    client.delete_table(TableName=table)


def test_expenses_round_trip_exactly(store):
    first = new_expense("alice", "0.10", "bus", "transport", date(2025, 3, 1))
    second = new_expense("alice", 12.3, "lunch", "food", date(2025, 3, 2))
    store.add_expense(first)
    store.add_expense(second)

    listed = store.list_expenses("alice")

    assert listed == [first, second]
    assert [e.amount for e in listed] == [Decimal("0.10"), Decimal("12.30")]
    assert sum(e.amount for e in listed) == Decimal("12.40")


def test_expenses_are_listed_oldest_first(store):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    later = new_expense("bob", 2, "second", "other", now=start + timedelta(seconds=5))
    earlier = new_expense("bob", 1, "first", "other", now=start)
    store.add_expense(later)
    store.add_expense(earlier)

    assert [e.description for e in store.list_expenses("bob")] == ["first", "second"]


def test_users_see_only_their_own_expenses(store):
    store.add_expense(new_expense("alice", 5, "tea", "food"))
    store.add_expense(new_expense("alice.b", 7, "cinema", "entertainment"))

    assert [e.description for e in store.list_expenses("alice")] == ["tea"]
    assert [e.description for e in store.list_expenses("alice.b")] == ["cinema"]
    assert store.list_expenses("nobody") == []


def test_budgets_are_replaced_per_category(store):
    store.set_budget(new_budget("carol", 100, "food"))
    store.set_budget(new_budget("carol", "150.50", "food"))
    store.set_budget(new_budget("carol", 900))
    store.set_budget(new_budget("carol", 40, "bills"))

    budgets = store.list_budgets("carol")

    assert [(b.category, b.monthly_limit) for b in budgets] == [
        (None, Decimal("900.00")),
        ("bills", Decimal("40.00")),
        ("food", Decimal("150.50")),
    ]
    assert store.list_budgets("dave") == []


def test_budgets_and_expenses_do_not_mix(store):
    store.set_budget(new_budget("erin", 50, "food"))
    store.add_expense(new_expense("erin", 3, "apple", "food"))

    assert len(store.list_expenses("erin")) == 1
    assert len(store.list_budgets("erin")) == 1


def test_many_expenses_are_all_listed(store):
    # More than one DynamoDB page would need 1 MB; this checks the query loop end to end.
    expenses = [new_expense("frank", i + 1, f"item {i}", "other") for i in range(30)]
    for expense in expenses:
        store.add_expense(expense)

    assert [e.expense_id for e in store.list_expenses("frank")] == sorted(e.expense_id for e in expenses)


def test_sqlite_file_and_folder_are_created_on_first_use(tmp_path):
    path = tmp_path / "nested" / "deeper" / "expenses.db"
    store = open_expense_store(f"sqlite:///{path}")
    assert not path.exists(), "opening alone creates nothing"

    assert store.list_expenses("alice") == []

    assert path.exists()


def test_sqlite_data_survives_reopening(tmp_path):
    url = f"sqlite:///{tmp_path / 'expenses.db'}"
    expense = new_expense("alice", "19.99", "book", "other")
    open_expense_store(url).add_expense(expense)

    assert open_expense_store(url).list_expenses("alice") == [expense]


def test_sqlite_relative_url_is_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = open_expense_store("sqlite:///data/expenses.db")

    store.list_budgets("x")

    assert (tmp_path / "data" / "expenses.db").exists()


def test_sqlite_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SqliteExpenseStore(blocker / "expenses.db")

    with pytest.raises(StoreUnavailable, match="Cannot open SQLite file"):
        store.list_expenses("alice")


def test_sqlite_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "expenses.db"
    path.write_bytes(b"this is not a database" * 100)

    with pytest.raises(StoreUnavailable, match="failed"):
        open_expense_store(f"sqlite:///{path}").list_expenses("alice")


def test_dynamodb_items_use_the_single_table_layout(dynamodb_endpoint):
    table = f"layout-{uuid.uuid4().hex[:12]}"
    client = dynamodb_client(endpoint_url=dynamodb_endpoint)
    create_expense_table(table, client)
    store = DynamoDBExpenseStore(table, client=client)
    expense = new_expense("alice", "12.50", "lunch", "food")
    store.add_expense(expense)
    store.set_budget(new_budget("alice", 300))

    resource = boto3.resource("dynamodb", endpoint_url=dynamodb_endpoint)
    items = resource.Table(table).scan()["Items"]

    keys = {(item["pk"], item["sk"]) for item in items}
    assert keys == {("USER#alice", f"TRANSACTION#{expense.expense_id}"), ("USER#alice", "BUDGET#ALL")}
    transaction = next(item for item in items if item["sk"].startswith("TRANSACTION#"))
    assert transaction["amount"] == Decimal("12.5")
    assert isinstance(transaction["amount"], Decimal)
    described = client.describe_table(TableName=table)["Table"]
    assert described["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    client.delete_table(TableName=table)


def test_create_table_is_idempotent(dynamodb_endpoint):
    table = f"twice-{uuid.uuid4().hex[:12]}"
    client = dynamodb_client(endpoint_url=dynamodb_endpoint)

    assert create_expense_table(table, client) is True
    assert create_expense_table(table, client) is False
    client.delete_table(TableName=table)


def test_dynamodb_missing_table_is_a_clear_error(dynamodb_endpoint):
    store = open_expense_store(f"dynamodb://never-created?endpoint_url={dynamodb_endpoint}")

    with pytest.raises(ExpenseTableMissing, match="--create-table"):
        store.add_expense(new_expense("alice", 1, "x", "other"))
    with pytest.raises(ExpenseTableMissing):
        store.list_expenses("alice")


def test_early_years_round_trip(store):
    ancient = new_expense("ana", 1, "a very old receipt", "other", date(1, 1, 1))
    medieval = new_expense("ana", 2, "a receipt from 999", "other", date(999, 12, 31))
    store.add_expense(ancient)
    store.add_expense(medieval)

    assert store.list_expenses("ana") == [ancient, medieval]


def test_dynamodb_refusals_say_nothing_was_stored_only_for_writes(dynamodb_endpoint):
    # A table someone else made, with another key schema: DynamoDB refuses reads and writes alike.
    table = f"foreign-{uuid.uuid4().hex[:12]}"
    client = dynamodb_client(endpoint_url=dynamodb_endpoint, region="us-east-1")
    client.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    store = DynamoDBExpenseStore(table, client=client)
    try:
        with pytest.raises(StoreUnavailable, match="refused the request") as read:
            store.list_expenses("alice")
        with pytest.raises(StoreUnavailable, match="refused the request") as written:
            store.add_expense(new_expense("alice", 1, "x", "other"))
    finally:
        client.delete_table(TableName=table)
    assert "stored" not in str(read.value)
    assert str(written.value).endswith("Nothing was stored.")


def test_dynamodb_unreachable_endpoint_is_a_clear_error(dynamodb_endpoint):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = open_expense_store(f"dynamodb://t-unreachable?endpoint_url=http://127.0.0.1:{port}")

    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.list_budgets("alice")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgres://db/expenses", "unknown scheme"),
        ("expenses.db", "unknown scheme"),
        ("sqlite://host/expenses.db", "host part"),
        ("sqlite://", "names no database file"),
        ("sqlite:///", "names no database file"),
        ("sqlite:///:memory:", "names no database file"),
        ("dynamodb://", "table name"),
        ("dynamodb://a#b", "table name"),
        ("dynamodb://expenses/extra", "path after the table name"),
        ("dynamodb://expenses?colour=red", "unknown option"),
        ("dynamodb://expenses?region=", "non-empty value"),
    ],
)
def test_bad_store_urls_are_refused(url, problem):
    with pytest.raises(UnsupportedStoreUrl, match=problem) as caught:
        open_expense_store(url)
    assert "sqlite:///" in str(caught.value), "the message shows what works"


def test_default_store_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPENSES_STORE", "dynamodb://from-env")
    assert default_store_url() == "dynamodb://from-env"

    monkeypatch.delenv("EXPENSES_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_store_url() == f"sqlite:///{tmp_path}/stateful-mcp-toolkit/expenses.db"


# --- idempotency keys: one flow stores one expense, however often its last round arrives -------------


def test_a_write_repeated_with_its_idempotency_key_stores_once_and_returns_the_first(store):
    first = new_expense("ivy", "12.50", "lunch", "food")
    again = new_expense("ivy", "12.50", "lunch", "food")  # the replayed round builds a new record

    stored_first = store.add_expense(first, idempotency_key="flow-1")
    stored_again = store.add_expense(again, idempotency_key="flow-1")

    assert stored_first == first
    assert stored_again == first
    assert store.list_expenses("ivy") == [first]


def test_different_idempotency_keys_and_writes_without_one_all_store(store):
    expenses = [new_expense("jo", i + 1, f"item {i}", "other") for i in range(4)]

    store.add_expense(expenses[0], idempotency_key="flow-a")
    store.add_expense(expenses[1], idempotency_key="flow-b")
    store.add_expense(expenses[2])
    store.add_expense(expenses[3])

    assert sorted(e.expense_id for e in store.list_expenses("jo")) == sorted(e.expense_id for e in expenses)


def test_an_idempotency_key_belongs_to_its_user(store):
    store.add_expense(new_expense("kim", 1, "tea", "food"), idempotency_key="flow-1")
    store.add_expense(new_expense("lee", 2, "tea", "food"), idempotency_key="flow-1")

    assert len(store.list_expenses("kim")) == 1
    assert len(store.list_expenses("lee")) == 1


def test_concurrent_writes_with_one_key_store_one_expense(store):
    from concurrent.futures import ThreadPoolExecutor

    writes = [new_expense("max", "9.99", f"attempt {i}", "other") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda e: store.add_expense(e, idempotency_key="flow-x"), writes))

    stored = store.list_expenses("max")
    assert len(stored) == 1
    assert all(result == stored[0] for result in results)


def test_sqlite_file_from_before_idempotency_keys_gains_them(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE expenses (user_alias TEXT NOT NULL, expense_id TEXT NOT NULL, amount TEXT NOT NULL, "
            "description TEXT NOT NULL, category TEXT NOT NULL, spent_on TEXT NOT NULL, recorded_at TEXT NOT NULL, "
            "PRIMARY KEY (user_alias, expense_id));"
        )
    db.close()
    old = new_expense("nia", 3, "old", "other")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO expenses VALUES (?, ?, ?, ?, ?, ?, ?)",
            (old.user_alias, old.expense_id, "3.00", "old", "other", old.spent_on.isoformat(),
             old.recorded_at.isoformat()),
        )
    db.close()
    store = SqliteExpenseStore(path)
    new = new_expense("nia", 4, "new", "other")

    store.add_expense(new, idempotency_key="flow-1")
    store.add_expense(new_expense("nia", 4, "new", "other"), idempotency_key="flow-1")

    assert [e.description for e in store.list_expenses("nia")] == ["old", "new"]
