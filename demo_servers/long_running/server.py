"""The long-running training tools, registered on a toolkit stateful server by `create_server`.

Three ways to run the same (simulated) training:

| tool | pattern | what the client sees |
| --- | --- | --- |
| `model_training` | context messaging, countable | one progress notification per epoch |
| `model_training_heartbeat` | context messaging, not countable | a heartbeat every few seconds |
| `start_model_training` + task tools | async task management | a task id at once; status and result later |

The first two stay in the call, so they must finish within AgentCore Runtime's 15-minute
request limit and refuse longer work up front; the background task has no such limit and
its state survives restarts in the task store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import anyio

import toolkit
from toolkit import Context
from toolkit.errors import ToolError

from ..capability_report import CapabilityReport, capability_report
from .tool_support import training_tool_support
from .training import Epochs, ModelName, TrainingResult, epoch_loss, train_blocking, training_result

__all__ = ["ACTOR_HEADER", "MAX_CALL_SECONDS", "TrainingSettings", "TrainingTooLong", "create_server"]

#: The header naming who owns background tasks; AgentCore Runtime forwards this prefix.
ACTOR_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id"
#: AgentCore Runtime cuts synchronous requests off at 15 minutes; stay a minute below.
MAX_CALL_SECONDS = 14 * 60
#: Heartbeats go out at least this often, however long an epoch is.
MAX_HEARTBEAT_SECONDS = 5.0
INSTRUCTIONS = (
    "Simulated model training. model_training reports progress per epoch; model_training_heartbeat "
    "sends heartbeats; start_model_training runs in the background: poll check_task_status, then "
    "get_task_results."
)


class TrainingTooLong(ToolError, ValueError):
    """The training would outlast one request; it should run as a background task."""

    def __init__(self, epochs: int, seconds: float) -> None:
        super().__init__(
            f"{epochs} epochs would take about {seconds / 60:.1f} min, beyond the {MAX_CALL_SECONDS // 60} min "
            "one call may last on AgentCore Runtime. Use start_model_training to run it in the background."
        )


@dataclass(frozen=True)
class TrainingSettings:
    """How the server trains and where it keeps tasks.

    Attributes:
        epoch_seconds: How long one simulated epoch takes.
        task_store_url: `sqlite:///…`, `dynamodb://table` or `memory://` (see `toolkit.open_task_store`).
        memory_id: An AgentCore Memory id; when set, each finished background task is also
            written there (actor and session ids come from the memory ids header).
        actor_header: The request header that names a task's owner, so tasks outlive sessions;
            None leaves tasks owned by the session (or the authenticated user).
        runner_id: A stable runner name for a single process, so tasks it left running are
            settled as soon as it restarts rather than after their lease runs out.
    """

    epoch_seconds: float = 5.0
    task_store_url: str = "memory://"
    memory_id: str | None = None
    actor_header: str | None = ACTOR_HEADER
    runner_id: str | None = None


def create_server(settings: TrainingSettings) -> toolkit.StatefulServer:
    """Build the training server; run it with `.serve(host, port)`.

    Raises:
        ConfigurationError: The task store URL or the memory id is invalid.
    """
    server = toolkit.stateful_server("long-running", instructions=INSTRUCTIONS)
    epoch_seconds = settings.epoch_seconds
    heartbeat_every = min(MAX_HEARTBEAT_SECONDS, epoch_seconds)

    @server.tool()
    async def model_training(model_name: ModelName, epochs: Epochs, ctx: Context) -> TrainingResult:
        """Train in this call, with one progress notification per epoch."""
        _check_call_length(epochs, epoch_seconds)
        async with toolkit.Progress(ctx, total=epochs, min_interval=0) as progress:
            for epoch in range(1, epochs + 1):
                await anyio.sleep(epoch_seconds)
                await progress.advance(message=f"Epoch {epoch}/{epochs}: loss {epoch_loss(epoch)}")
        return training_result(model_name, epochs)

    @server.tool()
    async def model_training_heartbeat(model_name: ModelName, epochs: Epochs, ctx: Context) -> TrainingResult:
        """Train in this call through a blocking library that reports nothing; heartbeats keep the call alive."""
        _check_call_length(epochs, epoch_seconds)
        beat = f"Training {model_name}"
        return await toolkit.run_blocking(
            ctx, train_blocking, model_name, epochs, epoch_seconds, every=heartbeat_every, message=beat
        )

    async def background_training(task: toolkit.TaskContext, model_name: ModelName, epochs: Epochs) -> dict[str, Any]:
        """Train in the background; the task's progress is updated after every epoch."""
        for epoch in range(1, epochs + 1):
            await anyio.sleep(epoch_seconds)
            await task.report_progress(epoch / epochs, f"Epoch {epoch}/{epochs}: loss {epoch_loss(epoch)}")
        return asdict(training_result(model_name, epochs))

    manager = _task_manager(settings)
    job = manager.add_job(background_training, name="model_training")
    owners = toolkit.tasks.OwnerPolicy(actor_header=settings.actor_header)
    toolkit.register_task_tools(server, manager, job, owners=owners)

    @server.tool()
    async def client_capabilities(ctx: Context) -> CapabilityReport:
        """What this client declared, and which tools will work, fall back or refuse."""
        features = toolkit.client_features(ctx)
        owner = toolkit.tasks.owner_of(ctx, owners)
        return capability_report(features, training_tool_support(owner, settings.actor_header))

    return server


def _task_manager(settings: TrainingSettings) -> toolkit.TaskManager:
    sinks = [toolkit.aws.AgentCoreMemorySink(memory_id=settings.memory_id)] if settings.memory_id else []
    return toolkit.TaskManager(
        toolkit.open_task_store(settings.task_store_url), sinks=sinks, runner_id=settings.runner_id
    )


def _check_call_length(epochs: int, epoch_seconds: float) -> None:
    seconds = epochs * epoch_seconds
    if seconds > MAX_CALL_SECONDS:
        raise TrainingTooLong(epochs, seconds)
