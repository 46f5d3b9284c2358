"""`DynamoDBTaskStore`: task records in a DynamoDB table, shared by every server instance.

Table layout (made by `create_task_table`, on-demand billing):

| key or index | attributes | used for |
| --- | --- | --- |
| partition key | `task_id` (S) | get, guarded update |
| GSI `by_owner` | `owner` (S) + `created_at` (N), all attributes | a caller's tasks, newest first |
| GSI `by_active` | `active` (S) + `heartbeat_at` (N), all attributes | lease checks (sparse: see below) |
| TTL attribute | `ttl` (N, whole seconds) | DynamoDB deletes finished tasks after their time to live |

Other attributes: `kind`, `status`, `message`, `error`, `sink_error`, `runner` (S);
`arguments`, `metadata`, `result` (S, JSON text); `resumable` (BOOL); `attempts`,
`progress`, `updated_at`, `started_at`, `finished_at`, `expires_at` (N, POSIX seconds).
Only pending and running tasks carry `active`, so `by_active` stays as small as the work
in flight. Attributes whose value is None are absent. DynamoDB deletes expired items lazily
(within days), so reads also skip items whose `expires_at` has passed. The `by_owner` index
is eventually consistent: a task can take a moment to appear in a list, while `get` is
strongly consistent. botocore errors become `TaskStoreError` here and nowhere else.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import anyio.to_thread
import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..errors import ConfigurationError, TaskStoreError
from ..tasks.record import ACTIVE_STATUSES, TaskRecord, TaskStatus
from ..tasks.store import Guard, check_changes

__all__ = ["DynamoDBTaskStore", "create_task_table"]

T = TypeVar("T")
TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
OWNER_INDEX = "by_owner"
ACTIVE_INDEX = "by_active"
# Fail within seconds, not minutes, when the endpoint is unreachable.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})
TYPES: dict[str, str] = {
    "task_id": "S",
    "owner": "S",
    "kind": "S",
    "status": "S",
    "arguments": "S",
    "metadata": "S",
    "resumable": "BOOL",
    "attempts": "N",
    "progress": "N",
    "message": "S",
    "result": "S",
    "error": "S",
    "sink_error": "S",
    "runner": "S",
    "heartbeat_at": "N",
    "created_at": "N",
    "updated_at": "N",
    "started_at": "N",
    "finished_at": "N",
    "expires_at": "N",
    "active": "S",
    "ttl": "N",
}
JSON_FIELDS = frozenset({"arguments", "metadata", "result"})
INT_FIELDS = frozenset({"attempts", "ttl"})


def create_task_table(
    table: str, *, client: Any | None = None, region: str | None = None, endpoint_url: str | None = None
) -> bool:
    """Create the task table with its two indexes and TTL, and wait until it is active.

    Args:
        table: The table name.
        client: A boto3 DynamoDB client; made from `region` and `endpoint_url` when omitted.
        region: The AWS region, if no client is given.
        endpoint_url: A local endpoint instead of AWS, if no client is given.

    Returns:
        True if the table was created, False if it already existed.

    Raises:
        TaskStoreError: DynamoDB refused or could not be reached.
    """
    client = client or _client(_check_table(table), region, endpoint_url)
    try:
        client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", **_TABLE_LAYOUT)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceInUseException":
            return False
        raise _translate(table, exc) from exc
    except BotoCoreError as exc:
        raise _translate(table, exc) from exc
    try:
        client.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        client.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    except (ClientError, BotoCoreError) as exc:
        raise _translate(table, exc) from exc
    return True


_TABLE_LAYOUT: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": TYPES[name]}
        for name in ("task_id", "owner", "created_at", "active", "heartbeat_at")
    ],
    "KeySchema": [{"AttributeName": "task_id", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": index,
            "KeySchema": [
                {"AttributeName": hash_key, "KeyType": "HASH"},
                {"AttributeName": range_key, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for index, hash_key, range_key in (
            (OWNER_INDEX, "owner", "created_at"),
            (ACTIVE_INDEX, "active", "heartbeat_at"),
        )
    ],
}


class DynamoDBTaskStore:
    """A `TaskStore` in a DynamoDB table laid out as `create_task_table` makes it.

    Args:
        table: The table name.
        region: The AWS region (else boto3's configuration, e.g. `AWS_REGION`).
        endpoint_url: A local endpoint such as DynamoDB Local or moto instead of AWS.
        create: Create the table on open if it does not exist.
        client: A ready boto3 DynamoDB client; overrides `region` and `endpoint_url`.
    """

    def __init__(
        self,
        table: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        create: bool = False,
        client: Any | None = None,
    ) -> None:
        self.table = _check_table(table)
        self.create = create
        self.client = client or _client(table, region, endpoint_url)

    async def open(self) -> None:
        """Check that the table exists, creating it first when `create` is set."""
        if self.create:
            await anyio.to_thread.run_sync(lambda: create_task_table(self.table, client=self.client))
            return
        await self._call(lambda: self.client.describe_table(TableName=self.table))

    async def aclose(self) -> None:
        """Close the client's connection pool."""
        self.client.close()

    async def insert(self, record: TaskRecord) -> None:
        """Add a new record; an existing id is never overwritten."""
        await self._call(
            lambda: self.client.put_item(
                TableName=self.table,
                Item=_to_item(record),
                ConditionExpression="attribute_not_exists(task_id)",
            )
        )

    async def get(self, task_id: str, now: float) -> TaskRecord | None:
        """The unexpired record with this id (a strongly consistent read)."""
        response = await self._call(
            lambda: self.client.get_item(TableName=self.table, Key=_key(task_id), ConsistentRead=True)
        )
        item = response.get("Item")
        record = None if item is None else _to_record(item)
        return None if record is None or record.expired(now) else record

    async def update(self, task_id: str, guard: Guard, changes: Mapping[str, Any]) -> TaskRecord | None:
        """Apply `changes` with the guard as the condition expression."""
        check_changes(changes)
        request = _UpdateRequest(task_id)
        request.change(changes)
        request.guard(guard)
        try:
            response = await self._call(
                lambda: self.client.update_item(TableName=self.table, ReturnValues="ALL_NEW", **request.build())
            )
        except TaskStoreError as exc:
            if _code(exc.__cause__) == "ConditionalCheckFailedException":
                return None
            raise
        return _to_record(response["Attributes"])

    async def list_owned(
        self, owner: str, now: float, *, status: TaskStatus | None = None, limit: int = 20
    ) -> list[TaskRecord]:
        """The owner's unexpired records, newest first (eventually consistent)."""
        condition = "(attribute_not_exists(#expires_at) OR #expires_at > :now)"
        values = {":owner": {"S": owner}, ":now": _number(now)}
        names = {"#owner": "owner", "#expires_at": "expires_at"}
        if status is not None:
            condition += " AND #status = :status"
            values[":status"] = {"S": status.value}
            names["#status"] = "status"
        query = {
            "IndexName": OWNER_INDEX,
            "KeyConditionExpression": "#owner = :owner",
            "FilterExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        return (await self._query(query, limit))[:limit]

    async def list_active(self) -> list[TaskRecord]:
        """Every pending or running record, from the sparse `by_active` index."""
        found: list[TaskRecord] = []
        for status in ACTIVE_STATUSES:
            query = {
                "IndexName": ACTIVE_INDEX,
                "KeyConditionExpression": "#active = :status",
                "ExpressionAttributeNames": {"#active": "active"},
                "ExpressionAttributeValues": {":status": {"S": status.value}},
            }
            found.extend(await self._query(query, None))
        return found

    async def renew(self, runner: str, task_ids: Collection[str], heartbeat_at: float) -> set[str]:
        """Renew each lease with a guarded update; the ids whose update failed are lost."""
        guard = Guard(ACTIVE_STATUSES, runner=runner)
        held = set()
        for task_id in task_ids:
            if await self.update(task_id, guard, {"heartbeat_at": heartbeat_at}) is not None:
                held.add(task_id)
        return held

    async def purge_expired(self, now: float) -> int:
        """Nothing to do: DynamoDB's TTL deletes expired items, and reads skip them until then."""
        return 0

    async def _query(self, query: dict[str, Any], limit: int | None) -> list[TaskRecord]:
        def run() -> list[TaskRecord]:
            records: list[TaskRecord] = []
            start: dict[str, Any] | None = None
            while limit is None or len(records) < limit:
                page = self.client.query(
                    TableName=self.table, **query, **({"ExclusiveStartKey": start} if start else {})
                )
                records.extend(_to_record(item) for item in page.get("Items", []))
                start = page.get("LastEvaluatedKey")
                if start is None:
                    break
            return records

        return await self._call(run)

    async def _call(self, operation: Callable[[], T]) -> T:
        try:
            return await anyio.to_thread.run_sync(operation)
        except (ClientError, BotoCoreError) as exc:
            raise _translate(self.table, exc) from exc


class _UpdateRequest:
    """Builds one guarded `UpdateItem` request from field changes."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        self.sets: list[str] = []
        self.removes: list[str] = []
        self.conditions = ["attribute_exists(#task_id)"]
        self.names = {"#task_id": "task_id"}
        self.values: dict[str, Any] = {}

    def change(self, changes: Mapping[str, Any]) -> None:
        derived = dict(changes)
        if "status" in changes:
            status = TaskStatus(changes["status"])
            derived["active"] = status.value if status in ACTIVE_STATUSES else None
        if "expires_at" in changes:
            derived["ttl"] = _ttl(changes["expires_at"])
        for name, value in derived.items():
            self.names[f"#{name}"] = name
            if value is None:
                self.removes.append(f"#{name}")
            else:
                self.values[f":{name}"] = _attribute(name, value)
                self.sets.append(f"#{name} = :{name}")

    def guard(self, guard: Guard) -> None:
        statuses = sorted(s.value for s in guard.statuses)
        placeholders = [f":guard_status{i}" for i in range(len(statuses))]
        self.values.update({p: {"S": s} for p, s in zip(placeholders, statuses, strict=True)})
        self.names["#status"] = "status"
        self.conditions.append(f"#status IN ({', '.join(placeholders)})")
        if guard.runner is not None:
            self.names["#runner"] = "runner"
            self.values[":guard_runner"] = {"S": guard.runner}
            self.conditions.append("#runner = :guard_runner")
        if guard.heartbeat_at is not None:
            self.names["#heartbeat_at"] = "heartbeat_at"
            self.values[":guard_heartbeat"] = _number(guard.heartbeat_at)
            self.conditions.append("#heartbeat_at = :guard_heartbeat")

    def build(self) -> dict[str, Any]:
        expression = []
        if self.sets:
            expression.append("SET " + ", ".join(self.sets))
        if self.removes:
            expression.append("REMOVE " + ", ".join(self.removes))
        return {
            "Key": _key(self.task_id),
            "UpdateExpression": " ".join(expression),
            "ConditionExpression": " AND ".join(self.conditions),
            "ExpressionAttributeNames": self.names,
            "ExpressionAttributeValues": self.values,
        }


def _client(table: str, region: str | None, endpoint_url: str | None) -> Any:
    try:
        return boto3.session.Session().client(
            "dynamodb", region_name=region, endpoint_url=endpoint_url, config=CLIENT_CONFIG
        )
    except BotoCoreError as exc:
        raise ConfigurationError(
            f"Cannot create a DynamoDB client for task table {table!r}: {exc}. "
            "Add ?region=... to the store URL or set AWS_REGION."
        ) from exc


def _check_table(table: str) -> str:
    if not TABLE_NAME.fullmatch(table):
        raise ConfigurationError(
            f"{table!r} is not a DynamoDB table name: use 3-255 letters, digits, '_', '-' or '.' "
            "(dynamodb://table?region=us-east-1)."
        )
    return table


def _translate(table: str, exc: ClientError | BotoCoreError) -> TaskStoreError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", str(exc))
        if code == "ResourceNotFoundException":
            return TaskStoreError(
                f"DynamoDB task table {table!r} does not exist. Create it with "
                "toolkit.aws.create_task_table(table, region=...) or add &create=true to the store URL."
            )
        return TaskStoreError(f"DynamoDB task table {table!r} refused the request ({code}: {message}).")
    return TaskStoreError(
        f"DynamoDB task table {table!r} is unreachable: {exc}. Check AWS credentials, region and endpoint_url."
    )


def _code(exc: BaseException | None) -> str | None:
    return exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None


def _key(task_id: str) -> dict[str, Any]:
    return {"task_id": {"S": task_id}}


def _number(value: float) -> dict[str, str]:
    # repr() round-trips a float exactly, which guarded updates on heartbeat_at rely on.
    return {"N": repr(float(value))}


def _ttl(expires_at: float | None) -> int | None:
    return None if expires_at is None else math.ceil(expires_at)


def _attribute(name: str, value: Any) -> dict[str, Any]:
    kind = TYPES[name]
    if name in JSON_FIELDS:
        return {"S": json.dumps(value)}
    if kind == "BOOL":
        return {"BOOL": bool(value)}
    if kind == "N":
        return {"N": str(int(value))} if name in INT_FIELDS else _number(value)
    return {"S": value.value if isinstance(value, TaskStatus) else str(value)}


def _to_item(record: TaskRecord) -> dict[str, Any]:
    fields = {name: getattr(record, name) for name in TYPES if name not in ("task_id", "active", "ttl")}
    fields["task_id"] = record.id
    fields["active"] = record.status.value if record.status in ACTIVE_STATUSES else None
    fields["ttl"] = _ttl(record.expires_at)
    if fields["result"] is None:
        del fields["result"]
    return {name: _attribute(name, value) for name, value in fields.items() if value is not None}


def _to_record(item: Mapping[str, Any]) -> TaskRecord:
    values: dict[str, Any] = {}
    for name, wrapped in item.items():
        if name in ("active", "ttl") or name not in TYPES:
            continue
        ((kind, raw),) = wrapped.items()
        values[name] = _decode(name, kind, raw)
    values["id"] = values.pop("task_id")
    values["status"] = TaskStatus(values["status"])
    return TaskRecord(**values)


def _decode(name: str, kind: str, raw: Any) -> Any:
    if name in JSON_FIELDS:
        return json.loads(raw)
    if kind == "N":
        return int(raw) if name in INT_FIELDS else float(raw)
    return raw
