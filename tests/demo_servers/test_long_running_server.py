"""The training server in memory: its tool surface and its settings checks."""

from __future__ import annotations

import pytest
from harness import in_memory_client
from sdk_compat import to_wire

import toolkit
from demo_servers.long_running.server import TrainingSettings, create_server
from demo_servers.long_running.training import epoch_loss, training_result

pytestmark = pytest.mark.anyio

TOOLS = {
    "model_training",
    "model_training_heartbeat",
    "start_model_training",
    "check_task_status",
    "get_task_results",
    "cancel_task",
    "list_tasks",
    "client_capabilities",
}


async def test_every_tool_is_registered_with_structured_output():
    async with in_memory_client(create_server(TrainingSettings(task_store_url="memory://"))) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}

    assert set(tools) == TOOLS
    assert all(to_wire(tool).get("outputSchema") is not None for tool in tools.values())
    epochs = to_wire(tools["start_model_training"])["inputSchema"]["properties"]["epochs"]
    assert (epochs["minimum"], epochs["maximum"]) == (1, 1000)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (TrainingSettings(task_store_url="nosuch://x"), "not supported"),
        (TrainingSettings(task_store_url="memory://", memory_id="bad"), "memoryId"),
    ],
)
def test_bad_settings_are_configuration_errors(settings, problem):
    with pytest.raises(toolkit.ConfigurationError, match=problem):
        create_server(settings)


def test_the_simulated_curves_improve_with_epochs():
    losses = [epoch_loss(epoch) for epoch in range(1, 50)]
    assert losses == sorted(losses, reverse=True)
    short, long = training_result("m", 2), training_result("m", 200)
    assert long.train_score > short.train_score
    assert all(r.validation_score < r.train_score for r in (short, long))
