"""`AgentCoreMemorySink`: write a completed task's result into Amazon Bedrock AgentCore Memory.

The sink calls `create_event` on boto3's `bedrock-agentcore` client with one conversational
USER message. Its text is the JSON that Strands' `AgentCoreMemorySessionManager` reads back
as a session message, so an agent using that session manager finds the result in its
conversation the next time it loads the session:

    {"message": {"role": "user", "content": [{"text": "..."}]}, "message_id": 0}

The memory, actor and session ids come from the sink's configuration or, for what the
configuration leaves unset, from the task's metadata (captured from a validated request
header when the task started). Configuration wins, so a client cannot steer events into a
memory the operator did not choose. The task id is the event's `clientToken`, so a retried
write does not add a second event.

boto3 comes with the `aws` extra and is imported when a sink makes its client, not with `toolkit`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import anyio.to_thread

from ..errors import ConfigurationError
from ..optional import import_extra
from ..tasks.memory_ids import ACTOR_ID, MEMORY_ID, SESSION_ID, IdRule, MemoryIds
from ..tasks.record import TaskRecord

__all__ = ["MAX_EVENT_TEXT", "AgentCoreMemorySink", "create_event_request", "describe_result", "strands_message_text"]

#: `CreateEvent` accepts conversational text of up to 100,000 characters.
MAX_EVENT_TEXT = 100_000
TRUNCATED = " [truncated: call get_task_results for the full result]"
#: botocore `Config` options of the client the sink makes.
CLIENT_OPTIONS: dict[str, Any] = {
    "connect_timeout": 5,
    "read_timeout": 20,
    "retries": {"max_attempts": 3, "mode": "standard"},
}


def describe_result(record: TaskRecord) -> str:
    """The default message text: what ran, its id, and its result."""
    result = record.result if isinstance(record.result, str) else json.dumps(record.result)
    return f"Background task {record.kind} ({record.id}) completed. Result: {result}"


def strands_message_text(text: str, limit: int = MAX_EVENT_TEXT) -> str:
    """`text` as the session-message JSON Strands reads, cut to fit within `limit` characters."""
    encoded = _encode(text)
    while len(encoded) > limit and text:
        excess = len(encoded) - limit
        # JSON escaping can make each cut character count for more than one; cut generously.
        text = text[: max(0, len(text) - excess - len(TRUNCATED))]
        encoded = _encode(text + TRUNCATED)
    return encoded


def create_event_request(ids: MemoryIds, record: TaskRecord, text: str) -> dict[str, Any]:
    """The keyword arguments of `create_event` for one completed task."""
    finished = record.finished_at if record.finished_at is not None else record.updated_at
    return {
        "memoryId": ids.memory_id,
        "actorId": ids.actor_id,
        "sessionId": ids.session_id,
        "eventTimestamp": datetime.fromtimestamp(finished, UTC),
        "payload": [{"conversational": {"content": {"text": strands_message_text(text)}, "role": "USER"}}],
        "clientToken": record.id,
        "metadata": {"task_id": {"stringValue": record.id}, "task_kind": {"stringValue": record.kind}},
    }


class AgentCoreMemorySink:
    """A result sink that adds each completed task to an AgentCore Memory session.

    Args:
        client: A boto3 `bedrock-agentcore` client; made from `region_name` when omitted.
        region_name: The AWS region, if no client is given (else `AWS_REGION`).
        memory_id: A fixed memory id; else the id in the task's metadata.
        actor_id: A fixed actor id; else the id in the task's metadata.
        session_id: A fixed session id; else the id in the task's metadata.
        describe: Turns a completed record into the message text.

    Raises:
        ConfigurationError: A configured id breaks AgentCore's rules, or no client can be made.
        MissingExtra: No client is given and boto3 is not installed (the `aws` extra).
    """

    name = "agentcore-memory"

    def __init__(
        self,
        client: Any | None = None,
        *,
        region_name: str | None = None,
        memory_id: str | None = None,
        actor_id: str | None = None,
        session_id: str | None = None,
        describe: Callable[[TaskRecord], str] = describe_result,
    ) -> None:
        self.memory_id = _configured(MEMORY_ID, memory_id)
        self.actor_id = _configured(ACTOR_ID, actor_id)
        self.session_id = _configured(SESSION_ID, session_id)
        self.describe = describe
        self.client = client or _client(region_name)

    async def __call__(self, record: TaskRecord) -> None:
        """Write the event; raises on failure, which the task manager records as `sink_error`."""
        request = create_event_request(self.ids_for(record), record, self.describe(record))
        await anyio.to_thread.run_sync(partial(self.client.create_event, **request), abandon_on_cancel=True)

    def ids_for(self, record: TaskRecord) -> MemoryIds:
        """The ids for `record`'s event: configured ones first, then the task's metadata.

        Raises:
            ConfigurationError: An id is neither configured nor in the task's metadata.
        """
        chosen = {
            "memory_id": self.memory_id or record.metadata.get("memory_id", ""),
            "actor_id": self.actor_id or record.metadata.get("actor_id", ""),
            "session_id": self.session_id or record.metadata.get("session_id", ""),
        }
        missing = sorted(key for key, value in chosen.items() if not value)
        if missing:
            raise ConfigurationError(
                f"No AgentCore Memory {', '.join(missing)} for task {record.id}: configure the sink with them "
                "or send the memory ids header when starting the task."
            )
        return MemoryIds(**chosen)


def _configured(rule: IdRule, value: str | None) -> str | None:
    if value is None:
        return None
    problem = rule.problem(value)
    if problem is not None:
        raise ConfigurationError(f"AgentCoreMemorySink: {problem}.")
    return value


def _client(region_name: str | None) -> Any:
    boto3 = import_extra("boto3", feature="AgentCoreMemorySink")
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    try:
        return boto3.session.Session().client(
            "bedrock-agentcore", region_name=region_name, config=Config(**CLIENT_OPTIONS)
        )
    except BotoCoreError as exc:
        raise ConfigurationError(
            f"Cannot create a bedrock-agentcore client: {exc}. Pass region_name= or set AWS_REGION."
        ) from exc


def _encode(text: str) -> str:
    return json.dumps({"message": {"role": "user", "content": [{"text": text}]}, "message_id": 0})
