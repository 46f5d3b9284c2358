"""`model_training` and `model_training_heartbeat` over real HTTP, through the reference client."""

from __future__ import annotations

import pytest

from demo_client import connect

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

# epochs=5: loss 1/(1+2.5), train 0.95-0.45/6, validation 0.05 below it.
FIVE_EPOCHS = {
    "model_name": "resnet",
    "epochs": 5,
    "final_loss": 0.2857,
    "train_score": 0.875,
    "validation_score": 0.825,
    "artifact": "artifacts/resnet/epoch-5.model",
}


async def test_training_reports_progress_per_epoch(training_server):
    updates = []
    async with connect(training_server.url) as client:
        result = await client.call_tool(
            "model_training",
            {"model_name": "resnet", "epochs": 5},
            on_progress=lambda progress, total, message: updates.append((progress, total, message)),
        )

    assert not result.is_error, result.content
    assert result.structured_content == FIVE_EPOCHS
    assert [(p, t) for p, t, _ in updates] == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert updates[0][2] == "Epoch 1/5: loss 0.6667"
    assert updates[-1][2] == "Epoch 5/5: loss 0.2857"


async def test_training_without_a_progress_token_still_answers(training_server):
    async with connect(training_server.url) as client:
        result = await client.call_tool("model_training", {"model_name": "resnet", "epochs": 5})
    assert result.structured_content == FIVE_EPOCHS


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"model_name": "resnet", "epochs": 0}, "epochs"),
        ({"model_name": "resnet", "epochs": 1001}, "epochs"),
        ({"model_name": "no spaces allowed", "epochs": 1}, "model_name"),
        ({"model_name": "", "epochs": 1}, "model_name"),
    ],
)
async def test_bad_arguments_are_refused(training_server, arguments, problem):
    async with connect(training_server.url) as client:
        for tool in ("model_training", "model_training_heartbeat", "start_model_training"):
            result = await client.call_tool(tool, arguments)
            assert result.is_error, tool
            assert problem in result.text, (tool, result.text)


async def test_work_longer_than_one_request_may_last_is_sent_to_the_background(spawn_server, task_store_url):
    server = spawn_server("demo_servers.long_running", "--epoch-seconds", "1", "--task-store", task_store_url)
    async with connect(server.url) as client:
        for tool in ("model_training", "model_training_heartbeat"):
            result = await client.call_tool(tool, {"model_name": "big", "epochs": 900})
            assert result.is_error
            assert "15.0 min" in result.text and "start_model_training" in result.text


async def test_heartbeats_keep_an_uncountable_call_alive(spawn_server, task_store_url):
    # 0.2 s epochs: beats every 0.2 s through a 1 s blocking call.
    server = spawn_server("demo_servers.long_running", "--epoch-seconds", "0.2", "--task-store", task_store_url)
    beats = []
    async with connect(server.url) as client:
        result = await client.call_tool(
            "model_training_heartbeat",
            {"model_name": "bert", "epochs": 5},
            on_progress=lambda progress, total, message: beats.append((progress, total, message)),
        )

    assert result.structured_content["model_name"] == "bert"
    assert result.structured_content["epochs"] == 5
    assert beats, "at least one heartbeat during the call"
    values = [progress for progress, _, _ in beats]
    assert values == sorted(set(values)), "elapsed seconds only grow"
    assert all(total is None for _, total, _ in beats), "uncountable work has no total"
    assert all(message.startswith("Training bert (") for _, _, message in beats)


async def test_heartbeats_without_a_progress_token_are_log_messages(spawn_server, task_store_url):
    server = spawn_server("demo_servers.long_running", "--epoch-seconds", "0.2", "--task-store", task_store_url)
    logs = []
    async with connect(server.url, on_log=lambda level, data: logs.append((level, data))) as client:
        result = await client.call_tool("model_training_heartbeat", {"model_name": "bert", "epochs": 5})

    assert not result.is_error
    assert logs, "at least one heartbeat during the call"
    assert all(level == "info" and "Training bert" in str(data) for level, data in logs)
