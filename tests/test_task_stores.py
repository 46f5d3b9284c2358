"""The task store contract: the same tests over memory, SQLite and DynamoDB (moto's server mode)."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace

import anyio
import boto3
import pytest
from task_support import ALL_STORES, DURABLE_STORES, eventually, store_url

from toolkit import ConfigurationError, TaskStatus, open_task_store
from toolkit.aws import DynamoDBTaskStore, create_task_table
from toolkit.errors import TaskStoreError
from toolkit.tasks import MemoryTaskStore, SQLiteTaskStore, TaskRecord, TaskStore
from toolkit.tasks.record import ACTIVE_STATUSES, new_task_id
from toolkit.tasks.store import Guard

pytestmark = pytest.mark.anyio

NOW = 1_800_000_000.0


def make_record(owner: str = "user:alice", **changes: object) -> TaskRecord:
    record = TaskRecord(
        id=new_task_id(),
        owner=owner,
        kind="train",
        status=TaskStatus.PENDING,
        created_at=NOW,
        updated_at=NOW,
        arguments={"model": "m", "epochs": 3, "nested": {"a": [1, 2.5, None]}},
        metadata={"memory_id": "mem-0123456789"},
        runner="runner-a",
        heartbeat_at=NOW,
    )
    return replace(record, **changes)


@pytest.fixture(params=ALL_STORES)
async def store(request, tmp_path):
    with store_url(request.param, tmp_path, request) as url:
        opened = open_task_store(url)
        await opened.open()
        try:
            yield opened
        finally:
            await opened.aclose()


@pytest.fixture(params=DURABLE_STORES)
def durable_url(request, tmp_path):
    with store_url(request.param, tmp_path, request) as url:
        yield url


async def test_every_store_is_a_task_store(store):
    assert isinstance(store, TaskStore)


async def test_insert_then_get_round_trips_every_field(store):
    record = make_record(
        progress=0.25, message="epoch 1", error=None, result={"score": 0.87, "items": [1, "two"]}, attempts=2
    )
    await store.insert(record)
    assert await store.get(record.id, NOW) == record


async def test_get_unknown_id_is_none(store):
    assert await store.get(new_task_id(), NOW) is None


async def test_insert_twice_is_refused(store):
    record = make_record()
    await store.insert(record)
    with pytest.raises(TaskStoreError):
        await store.insert(replace(record, owner="user:mallory"))
    assert (await store.get(record.id, NOW)).owner == "user:alice"


async def test_update_applies_changes_when_the_guard_admits(store):
    record = make_record()
    await store.insert(record)
    updated = await store.update(
        record.id,
        Guard(frozenset({TaskStatus.PENDING}), runner="runner-a"),
        {"status": TaskStatus.RUNNING, "progress": 0.5, "message": "half", "started_at": NOW + 1},
    )
    assert updated == replace(record, status=TaskStatus.RUNNING, progress=0.5, message="half", started_at=NOW + 1)
    assert await store.get(record.id, NOW) == updated


async def test_update_refuses_a_wrong_status_runner_or_lease(store):
    record = make_record()
    await store.insert(record)
    refused = [
        Guard(frozenset({TaskStatus.RUNNING})),
        Guard(ACTIVE_STATUSES, runner="runner-b"),
        Guard(ACTIVE_STATUSES, runner="runner-a", heartbeat_at=NOW + 0.001),
    ]
    for guard in refused:
        assert await store.update(record.id, guard, {"message": "changed"}) is None
    assert await store.get(record.id, NOW) == record


async def test_update_of_unknown_id_is_none(store):
    assert await store.update(new_task_id(), Guard(ACTIVE_STATUSES), {"message": "x"}) is None


async def test_update_can_clear_and_set_a_result(store):
    record = make_record(status=TaskStatus.RUNNING)
    await store.insert(record)
    done = await store.update(
        record.id, Guard(frozenset({TaskStatus.RUNNING})), {"status": TaskStatus.COMPLETED, "result": None}
    )
    assert done.result is None and done.status is TaskStatus.COMPLETED
    again = await store.update(record.id, Guard(frozenset({TaskStatus.COMPLETED})), {"result": ["x", 1]})
    assert again.result == ["x", 1]


async def test_update_of_a_fixed_field_is_refused_and_changes_nothing(store):
    record = make_record()
    await store.insert(record)
    with pytest.raises(TaskStoreError, match="owner"):
        await store.update(record.id, Guard(ACTIVE_STATUSES), {"owner": "user:mallory"})
    assert await store.get(record.id, NOW) == record


async def test_expired_records_are_invisible_then_purged(store):
    expired = make_record(status=TaskStatus.COMPLETED, expires_at=NOW - 1)
    fresh = make_record(status=TaskStatus.COMPLETED, expires_at=NOW + 60)
    for record in (expired, fresh):
        await store.insert(record)
    assert await store.get(expired.id, NOW) is None
    assert [r.id for r in await store.list_owned("user:alice", NOW)] == [fresh.id]
    await store.purge_expired(NOW)
    assert await store.get(fresh.id, NOW) == fresh


async def test_list_owned_is_newest_first_filtered_and_limited(store):
    records = [make_record(created_at=NOW + i, updated_at=NOW + i) for i in range(4)]
    other = make_record(owner="user:bob")
    done = make_record(created_at=NOW + 10, status=TaskStatus.FAILED)
    for record in [*records, other, done]:
        await store.insert(record)
    # The DynamoDB owner index is eventually consistent.
    await eventually(lambda: store.list_owned("user:alice", NOW, limit=10), lambda listed: len(listed) == 5)
    listed = await store.list_owned("user:alice", NOW, limit=3)
    assert [r.id for r in listed] == [done.id, records[3].id, records[2].id]
    failed = await store.list_owned("user:alice", NOW, status=TaskStatus.FAILED)
    assert [r.id for r in failed] == [done.id]
    assert [r.id for r in await store.list_owned("user:bob", NOW)] == [other.id]


async def test_list_active_holds_only_pending_and_running(store):
    pending = make_record()
    running = make_record(status=TaskStatus.RUNNING)
    finished = [make_record(status=s) for s in TaskStatus if s.finished]
    for record in [pending, running, *finished]:
        await store.insert(record)
    active = await store.list_active()
    assert sorted(r.id for r in active) == sorted([pending.id, running.id])


async def test_finishing_a_task_takes_it_out_of_the_active_list(store):
    record = make_record(status=TaskStatus.RUNNING)
    await store.insert(record)
    await store.update(record.id, Guard(frozenset({TaskStatus.RUNNING})), {"status": TaskStatus.CANCELLED})
    assert await store.list_active() == []


async def test_renew_moves_only_the_runners_active_leases(store):
    mine = make_record(status=TaskStatus.RUNNING)
    theirs = make_record(runner="runner-b")
    finished = make_record(status=TaskStatus.COMPLETED)
    for record in (mine, theirs, finished):
        await store.insert(record)
    held = await store.renew("runner-a", [mine.id, theirs.id, finished.id, new_task_id()], NOW + 5)
    assert held == {mine.id}
    assert (await store.get(mine.id, NOW)).heartbeat_at == NOW + 5
    assert (await store.get(theirs.id, NOW)).heartbeat_at == NOW


async def test_a_claim_succeeds_exactly_once_among_concurrent_claimers(durable_url):
    stores = [open_task_store(durable_url) for _ in range(4)]
    for each in stores:
        await each.open()
    record = make_record(runner="dead", heartbeat_at=NOW - 100)
    await stores[0].insert(record)
    wins: list[str] = []

    async def claim(each: TaskStore, name: str) -> None:
        guard = Guard(frozenset({TaskStatus.PENDING}), runner="dead", heartbeat_at=NOW - 100)
        if await each.update(record.id, guard, {"runner": name, "heartbeat_at": NOW}) is not None:
            wins.append(name)

    async with anyio.create_task_group() as tg:
        for number, each in enumerate(stores):
            tg.start_soon(claim, each, f"runner-{number}")
    for each in stores:
        await each.aclose()
    assert len(wins) == 1


async def test_sqlite_store_is_in_wal_mode_and_survives_reopening(tmp_path):
    path = tmp_path / "tasks.db"
    first = SQLiteTaskStore(path)
    await first.open()
    record = make_record()
    await first.insert(record)
    await first.aclose()
    second = SQLiteTaskStore(path)
    await second.open()
    assert await second.get(record.id, NOW) == record
    await second.aclose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_sqlite_store_in_a_missing_directory_fails_clearly(tmp_path):
    store = SQLiteTaskStore(tmp_path / "missing" / "tasks.db")
    with pytest.raises(TaskStoreError, match="directory exists") as caught:
        await store.open()
    assert isinstance(caught.value.__cause__, sqlite3.Error)


async def test_sqlite_store_from_a_newer_toolkit_is_refused(tmp_path):
    path = tmp_path / "tasks.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(TaskStoreError, match="schema version 99"):
        await SQLiteTaskStore(path).open()


async def test_sqlite_store_used_before_open_says_so(tmp_path):
    with pytest.raises(TaskStoreError, match="not open"):
        await SQLiteTaskStore(tmp_path / "t.db").get(new_task_id(), NOW)


async def test_dynamodb_store_without_its_table_says_how_to_create_it(dynamodb_endpoint):
    store = DynamoDBTaskStore("no-such-table", region="us-east-1", endpoint_url=dynamodb_endpoint)
    with pytest.raises(TaskStoreError, match="create_task_table"):
        await store.open()


async def test_dynamodb_store_unreachable_endpoint_fails_clearly(dynamodb_endpoint):
    store = DynamoDBTaskStore("tasks", region="us-east-1", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(TaskStoreError, match="unreachable"):
        await store.open()


def test_create_task_table_builds_the_documented_layout_once(dynamodb_endpoint):
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=dynamodb_endpoint)
    table = f"tasks-{uuid.uuid4().hex[:12]}"
    assert create_task_table(table, client=client) is True
    assert create_task_table(table, client=client) is False
    description = client.describe_table(TableName=table)["Table"]
    assert description["KeySchema"] == [{"AttributeName": "task_id", "KeyType": "HASH"}]
    indexes = {
        i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in description["GlobalSecondaryIndexes"]
    }
    assert indexes == {"by_owner": ["owner", "created_at"], "by_active": ["active", "heartbeat_at"]}
    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "ttl" and ttl["TimeToLiveStatus"] == "ENABLED"
    client.delete_table(TableName=table)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("memory://", MemoryTaskStore),
        ("sqlite:///tasks.db", SQLiteTaskStore),
        ("sqlite:////var/lib/tasks.db", SQLiteTaskStore),
    ],
)
def test_open_task_store_picks_the_store_by_scheme(url, expected):
    assert type(open_task_store(url)) is expected


def test_sqlite_urls_follow_the_three_and_four_slash_convention():
    assert str(open_task_store("sqlite:///data/tasks.db").path) == "data/tasks.db"
    assert str(open_task_store("sqlite:////var/tasks.db").path) == "/var/tasks.db"


def test_dynamodb_url_options_reach_the_store(dynamodb_endpoint):
    store = open_task_store(f"dynamodb://my_tasks?region=eu-west-1&endpoint_url={dynamodb_endpoint}&create=true")
    assert isinstance(store, DynamoDBTaskStore)
    assert store.table == "my_tasks" and store.create is True
    assert store.client.meta.region_name == "eu-west-1"
    assert store.client.meta.endpoint_url == dynamodb_endpoint


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgres://db/tasks", "not supported"),
        ("tasks.db", "not supported"),
        ("sqlite://", "names no file"),
        ("sqlite:///", "names no file"),
        ("dynamodb://?region=us-east-1", "table name"),
        ("dynamodb://t!?region=us-east-1", "table name"),
        ("dynamodb://tasks?region=us-east-1&colour=red", "unknown option"),
        ("dynamodb://tasks?region=us-east-1&create=maybe", "create must be"),
    ],
)
def test_bad_store_urls_are_refused_with_the_reason(url, problem):
    with pytest.raises(ConfigurationError, match=problem):
        open_task_store(url)
