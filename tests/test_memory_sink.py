"""The AgentCore Memory sink: the exact `create_event` request, checked by botocore's Stubber offline."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber
from task_support import eventually, wait_for

from toolkit import ConfigurationError, TaskContext, TaskManager, TaskStatus, open_task_store
from toolkit.aws import AgentCoreMemorySink
from toolkit.aws.memory_sink import MAX_EVENT_TEXT, strands_message_text
from toolkit.tasks import TaskRecord

pytestmark = pytest.mark.anyio

FINISHED = 1_800_000_000.5
TASK_ID = "8d0c3a9e-6f51-4f7e-9a59-2b1c6f9f3e10"
IDS = {"memory_id": "training_mem-0123456789", "actor_id": "user:alice", "session_id": "session-42"}


def agentcore_client():
    return boto3.client(
        "bedrock-agentcore", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def completed(result: object = "score 0.87", metadata: dict[str, str] | None = None) -> TaskRecord:
    return TaskRecord(
        id=TASK_ID,
        owner="actor:user:alice",
        kind="model_training",
        status=TaskStatus.COMPLETED,
        created_at=FINISHED - 60,
        updated_at=FINISHED,
        finished_at=FINISHED,
        result=result,
        metadata=IDS if metadata is None else metadata,
    )


def event_response(memory_id: str = IDS["memory_id"]) -> dict[str, object]:
    return {
        "event": {
            "memoryId": memory_id,
            "actorId": IDS["actor_id"],
            "sessionId": IDS["session_id"],
            "eventId": "0000001756147154000#ffa53e54",
            "eventTimestamp": datetime.fromtimestamp(FINISHED, UTC),
            "payload": [],
        }
    }


async def test_the_request_is_one_conversational_user_message_in_strands_format():
    client = agentcore_client()
    text = (
        '{"message": {"role": "user", "content": [{"text": "Background task model_training '
        '(8d0c3a9e-6f51-4f7e-9a59-2b1c6f9f3e10) completed. Result: score 0.87"}]}, "message_id": 0}'
    )
    expected = {
        "memoryId": "training_mem-0123456789",
        "actorId": "user:alice",
        "sessionId": "session-42",
        "eventTimestamp": datetime(2027, 1, 15, 8, 0, 0, 500000, tzinfo=UTC),
        "payload": [{"conversational": {"content": {"text": text}, "role": "USER"}}],
        "clientToken": TASK_ID,
        "metadata": {"task_id": {"stringValue": TASK_ID}, "task_kind": {"stringValue": "model_training"}},
    }
    with Stubber(client) as stubber:
        stubber.add_response("create_event", event_response(), expected)
        await AgentCoreMemorySink(client)(completed())
        stubber.assert_no_pending_responses()


@pytest.mark.requires_strands
async def test_strands_reads_the_text_back_as_a_user_message():
    from strands.types.session import SessionMessage

    client = agentcore_client()
    sent: list[dict[str, object]] = []
    client.meta.events.register(
        "before-parameter-build.bedrock-agentcore.CreateEvent", lambda params, **_: sent.append(params)
    )
    with Stubber(client) as stubber:
        stubber.add_response("create_event", event_response())
        await AgentCoreMemorySink(client)(completed({"score": 0.87, "artifact": "s3://bucket/model.pickle"}))
    text = sent[0]["payload"][0]["conversational"]["content"]["text"]
    message = SessionMessage.from_dict(json.loads(text))
    assert message.message_id == 0
    assert message.to_message() == {
        "role": "user",
        "content": [
            {
                "text": f"Background task model_training ({TASK_ID}) completed. "
                'Result: {"score": 0.87, "artifact": "s3://bucket/model.pickle"}'
            }
        ],
    }


async def test_configured_ids_win_over_the_tasks_header_ids():
    client = agentcore_client()
    sink = AgentCoreMemorySink(client, memory_id="pinned_mem-9876543210")
    assert sink.ids_for(completed()).memory_id == "pinned_mem-9876543210"
    assert sink.ids_for(completed()).actor_id == "user:alice"
    with Stubber(client) as stubber:
        stubber.add_response(
            "create_event",
            event_response("pinned_mem-9876543210"),
            {**_any_params(), "memoryId": "pinned_mem-9876543210"},
        )
        await sink(completed())


def _any_params() -> dict[str, object]:
    return {
        "actorId": ANY,
        "sessionId": ANY,
        "eventTimestamp": ANY,
        "payload": ANY,
        "clientToken": ANY,
        "metadata": ANY,
    }


async def test_missing_ids_are_a_clear_error_and_nothing_is_sent():
    client = agentcore_client()
    # No response is queued: a request reaching the stub would raise UnStubbedResponseError instead.
    with Stubber(client), pytest.raises(ConfigurationError, match="actor_id, session_id"):
        await AgentCoreMemorySink(client, memory_id="pinned_mem-9876543210")(completed(metadata={}))


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [("memory_id", "nope", "memoryId"), ("actor_id", "has space", "actorId"), ("session_id", "-x", "sessionId")],
)
def test_bad_configured_ids_are_refused_at_construction(option, value, problem):
    with pytest.raises(ConfigurationError, match=problem):
        AgentCoreMemorySink(agentcore_client(), **{option: value})


def test_a_sink_without_a_region_says_how_to_set_one(monkeypatch):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    with pytest.raises(ConfigurationError, match="region_name"):
        AgentCoreMemorySink()


def test_long_results_are_cut_to_the_event_limit_and_stay_valid_json():
    text = strands_message_text('"quoted"\n' * 30_000)
    assert len(text) <= MAX_EVENT_TEXT
    inner = json.loads(text)["message"]["content"][0]["text"]
    assert inner.endswith("[truncated: call get_task_results for the full result]")
    assert strands_message_text("short") == json.dumps(
        {"message": {"role": "user", "content": [{"text": "short"}]}, "message_id": 0}
    )


async def model_training(task: TaskContext, model_name: str) -> str:
    return f"{model_name} trained"


async def test_through_a_manager_the_sink_writes_once_per_completed_task():
    client = agentcore_client()
    manager = TaskManager(open_task_store("memory://"), sinks=[AgentCoreMemorySink(client)])
    manager.add_job(model_training)
    with Stubber(client) as stubber:
        stubber.add_response("create_event", event_response(), {**_any_params(), "memoryId": IDS["memory_id"]})
        async with manager:
            task = await manager.start("model_training", {"model_name": "m"}, owner="actor:a", metadata=IDS)
            done = await wait_for(manager, task.id, "actor:a", TaskStatus.COMPLETED)
        stubber.assert_no_pending_responses()
    assert done.sink_error is None


async def test_a_failing_memory_write_is_recorded_and_never_fails_the_task():
    client = agentcore_client()
    manager = TaskManager(open_task_store("memory://"), sinks=[AgentCoreMemorySink(client)])
    manager.add_job(model_training)
    with Stubber(client) as stubber:
        stubber.add_client_error("create_event", "AccessDeniedException", "not allowed to write to this memory")
        async with manager:
            task = await manager.start("model_training", {"model_name": "m"}, owner="actor:a", metadata=IDS)
            record = await eventually(lambda: manager.get(task.id, owner="actor:a"), lambda r: r.sink_error)
    assert record.status is TaskStatus.COMPLETED and record.result == "m trained"
    assert record.sink_error.startswith("agentcore-memory: AccessDeniedException")
    assert "AccessDeniedException" in record.sink_error
