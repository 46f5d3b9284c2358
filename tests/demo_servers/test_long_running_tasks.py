"""Background training on the durable task manager, over real HTTP, through the reference client."""

from __future__ import annotations

import json
import uuid

import anyio
import boto3
import pytest

from demo_client import connect

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

ACTOR = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id"
MEMORY_IDS = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Memory-Ids"
POLLS = 400  # x 50 ms: a generous bound for work of well under a second


async def wait_for_status(client, task_id: str, *statuses: str) -> dict:
    for _ in range(POLLS):
        status = (await client.call_tool("check_task_status", {"task_id": task_id})).structured_content
        if status["status"] in statuses:
            return status
        await anyio.sleep(0.05)
    raise AssertionError(f"task {task_id} never reached {statuses}; last seen {status}")


async def wait_for_progress(client, task_id: str) -> dict:
    for _ in range(POLLS):
        status = (await client.call_tool("check_task_status", {"task_id": task_id})).structured_content
        if status["progress"] > 0:
            return status
        await anyio.sleep(0.05)
    raise AssertionError(f"task {task_id} never reported progress; last seen {status}")


async def start(client, model_name: str = "resnet", epochs: int = 3) -> dict:
    result = await client.call_tool("start_model_training", {"model_name": model_name, "epochs": epochs})
    assert not result.is_error, result.content
    return result.structured_content


async def test_a_background_training_runs_to_completion(training_server):
    async with connect(training_server.url, headers={ACTOR: "alice"}) as client:
        started = await start(client)
        assert started["status"] in ("pending", "running")
        assert started["result_ready"] is False
        status = await wait_for_status(client, started["task_id"], "completed")
        results = (await client.call_tool("get_task_results", {"task_id": started["task_id"]})).structured_content
        listed = (await client.call_tool("list_tasks", {})).structured_content

    assert status["progress"] == 1.0
    assert status["message"] == "completed"
    assert results["result"] == {
        "model_name": "resnet",
        "epochs": 3,
        "final_loss": 0.4,
        "train_score": 0.8375,
        "validation_score": 0.7875,
        "artifact": "artifacts/resnet/epoch-3.model",
    }
    assert [t["task_id"] for t in listed["tasks"]] == [started["task_id"]]


async def test_results_of_a_running_task_are_refused_and_a_task_can_be_cancelled(training_server):
    async with connect(training_server.url, headers={ACTOR: "bob"}) as client:
        started = await start(client, epochs=1000)  # 50 s: far longer than this test
        running = await wait_for_progress(client, started["task_id"])
        early = await client.call_tool("get_task_results", {"task_id": started["task_id"]})
        cancelled = (await client.call_tool("cancel_task", {"task_id": started["task_id"]})).structured_content
        status = await wait_for_status(client, started["task_id"], "cancelled")
        late = await client.call_tool("get_task_results", {"task_id": started["task_id"]})

    assert running["status"] == "running"
    assert running["message"].startswith("Epoch ") and "/1000: loss " in running["message"]
    assert early.is_error
    assert "running" in early.text
    assert cancelled["status"] == "cancelled"
    assert status["result_ready"] is False
    assert not late.is_error
    assert late.structured_content["status"] == "cancelled"
    assert "result" not in late.structured_content


async def test_unknown_and_malformed_task_ids_are_clear_errors(training_server):
    async with connect(training_server.url, headers={ACTOR: "carol"}) as client:
        unknown = await client.call_tool("check_task_status", {"task_id": uuid.uuid4().hex})
        malformed = await client.call_tool("get_task_results", {"task_id": "../../etc/passwd"})

    assert unknown.is_error and "No task with id" in unknown.text
    assert malformed.is_error and "not a valid task id" in malformed.text


async def test_another_actor_cannot_see_or_cancel_a_task(training_server):
    async with connect(training_server.url, headers={ACTOR: "dave"}) as client:
        started = await start(client, epochs=1000)
    async with connect(training_server.url, headers={ACTOR: "eve"}) as other:
        peek = await other.call_tool("check_task_status", {"task_id": started["task_id"]})
        cancel = await other.call_tool("cancel_task", {"task_id": started["task_id"]})
        listed = (await other.call_tool("list_tasks", {})).structured_content
    async with connect(training_server.url, headers={ACTOR: "dave"}) as client:
        status = (await client.call_tool("check_task_status", {"task_id": started["task_id"]})).structured_content
        await client.call_tool("cancel_task", {"task_id": started["task_id"]})

    assert peek.is_error and "No task with id" in peek.text
    assert cancel.is_error
    assert listed["tasks"] == []
    assert status["status"] in ("pending", "running"), "eve's cancel did nothing"


async def test_finished_results_survive_a_server_restart(own_training_server):
    async with connect(own_training_server.url, headers={ACTOR: "frank"}) as client:
        started = await start(client)
        await wait_for_status(client, started["task_id"], "completed")

    own_training_server.restart(hard=True)

    async with connect(own_training_server.url, headers={ACTOR: "frank"}) as client:
        results = (await client.call_tool("get_task_results", {"task_id": started["task_id"]})).structured_content
    assert results["status"] == "completed"
    assert results["result"]["model_name"] == "resnet"


async def test_a_task_cut_off_by_a_crash_reads_interrupted_after_restart(spawn_server, task_store_url):
    # A stable runner id lets the restarted process settle its own leftovers at once.
    args = ("--epoch-seconds", "0.05", "--task-store", task_store_url, "--runner-id", "demo-runner")
    server = spawn_server("demo_servers.long_running", *args)
    async with connect(server.url, headers={ACTOR: "gina"}) as client:
        started = await start(client, epochs=1000)
        await wait_for_progress(client, started["task_id"])

    server.restart(hard=True)

    async with connect(server.url, headers={ACTOR: "gina"}) as client:
        status = await wait_for_status(client, started["task_id"], "interrupted")
        results = await client.call_tool("get_task_results", {"task_id": started["task_id"]})
    assert 0 < status["progress"] < 1, "the progress it reached was kept"
    assert results.structured_content["status"] == "interrupted"
    assert "result" not in results.structured_content


async def test_without_an_actor_header_tasks_are_found_by_id_but_not_listed(training_server):
    async with connect(training_server.url) as client:
        report = (await client.call_tool("client_capabilities", {})).structured_content
        started = await start(client)
    async with connect(training_server.url) as other_session:
        found = await other_session.call_tool("check_task_status", {"task_id": started["task_id"]})
        listed = (await other_session.call_tool("list_tasks", {})).structured_content
    async with connect(training_server.url, headers={ACTOR: "hana"}) as client:
        with_actor = (await client.call_tool("client_capabilities", {})).structured_content

    tasks = report["tools"][-1]
    assert tasks["status"] == "falls back"
    assert ACTOR in tasks["detail"]
    assert not found.is_error and found.structured_content["task_id"] == started["task_id"]
    assert listed["tasks"] == []
    assert with_actor["tools"][-1]["status"] == "works"
    assert "actor:hana" in with_actor["tools"][-1]["detail"]
    assert report["client"]["elicitation_form"] is True, "the reference client declares elicitation"


async def test_finished_tasks_are_written_to_agentcore_memory(spawn_server, task_store_url, dynamodb_endpoint):
    # moto's server mode also serves the AgentCore Memory data plane (create_event, list_events).
    memory_id = "demo_memory-abcdefghij"
    server = spawn_server(
        "demo_servers.long_running",
        *("--epoch-seconds", "0.05", "--task-store", task_store_url, "--memory-id", memory_id),
        env={"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE": dynamodb_endpoint},
    )
    session = f"s-{uuid.uuid4().hex[:8]}"
    headers = {ACTOR: "ivan", MEMORY_IDS: f"{session}@@@{memory_id}@@@ivan"}
    async with connect(server.url, headers=headers) as client:
        started = await start(client, model_name="gpt-mini", epochs=2)
        await wait_for_status(client, started["task_id"], "completed")

        # Sinks run after the task is marked completed, so the event may land a moment later.
        memory = boto3.client("bedrock-agentcore", endpoint_url=dynamodb_endpoint)
        for _ in range(POLLS):
            events = memory.list_events(memoryId=memory_id, actorId="ivan", sessionId=session, includePayloads=True)
            if events["events"]:
                break
            await anyio.sleep(0.05)
        status = (await client.call_tool("check_task_status", {"task_id": started["task_id"]})).structured_content

    assert "sink_error" not in status
    [event] = events["events"]
    turn = event["payload"][0]["conversational"]
    assert turn["role"] == "USER"
    message = json.loads(turn["content"]["text"])
    assert message["message"]["role"] == "user"
    text = message["message"]["content"][0]["text"]
    assert started["task_id"] in text and "gpt-mini" in text and "validation_score" in text


async def test_a_malformed_memory_header_refuses_the_task(spawn_server, task_store_url):
    server = spawn_server(
        "demo_servers.long_running",
        *("--epoch-seconds", "0.05", "--task-store", task_store_url, "--memory-id", "demo_memory-abcdefghij"),
    )
    async with connect(server.url, headers={ACTOR: "judy", MEMORY_IDS: "only@@@two"}) as client:
        result = await client.call_tool("start_model_training", {"model_name": "m", "epochs": 1})
        listed = (await client.call_tool("list_tasks", {})).structured_content

    assert result.is_error
    assert MEMORY_IDS in result.text
    assert listed["tasks"] == []
