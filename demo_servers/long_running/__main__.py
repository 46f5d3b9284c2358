"""Run the training demo: `python -m demo_servers.long_running [--host H] [--port P] [--log-level L] [options]`.

| option | environment variable | default |
| --- | --- | --- |
| `--epoch-seconds` | `TRAINING_EPOCH_SECONDS` | 5 |
| `--task-store` | `TASK_STORE` | a SQLite file in the user's data directory |
| `--memory-id` | `BEDROCK_AGENTCORE_MEMORY_ID` | none: no AgentCore Memory sink |
| `--actor-header` | `TASK_ACTOR_HEADER` | `X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id` |
| `--runner-id` | `TASK_RUNNER_ID` | a fresh name per process |
"""

from __future__ import annotations

import os
import sys

import toolkit

from ..cli import positive_seconds, server_parser, use_log_level
from ..data_dir import data_dir
from .server import ACTOR_HEADER, TrainingSettings, create_server

RUNNER_HELP = (
    "stable runner name for a single process, so tasks it left running are settled at once "
    "after a restart (default: TASK_RUNNER_ID, else a fresh name)"
)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, build the server and serve until interrupted."""
    parser = server_parser("python -m demo_servers.long_running", "Long-running training MCP server.")
    env = os.environ
    parser.add_argument(
        "--epoch-seconds",
        type=positive_seconds,
        default=env.get("TRAINING_EPOCH_SECONDS") or 5.0,
        help="seconds one simulated epoch takes (default: TRAINING_EPOCH_SECONDS, else 5)",
    )
    parser.add_argument(
        "--task-store", help="sqlite:///PATH, dynamodb://TABLE or memory:// (default: TASK_STORE, else SQLite)"
    )
    parser.add_argument(
        "--memory-id",
        default=env.get("BEDROCK_AGENTCORE_MEMORY_ID") or None,
        help="AgentCore Memory id; finished background tasks are also written there",
    )
    parser.add_argument(
        "--actor-header",
        default=env.get("TASK_ACTOR_HEADER", ACTOR_HEADER),
        help="request header naming the owner of background tasks; empty for session-owned tasks",
    )
    parser.add_argument("--runner-id", default=env.get("TASK_RUNNER_ID") or None, help=RUNNER_HELP)
    args = parser.parse_args(argv)
    use_log_level(args.log_level)
    settings = TrainingSettings(
        epoch_seconds=args.epoch_seconds,
        task_store_url=args.task_store or env.get("TASK_STORE") or _default_task_store(),
        memory_id=args.memory_id,
        actor_header=args.actor_header or None,
        runner_id=args.runner_id,
    )
    try:
        server = create_server(settings)
    except toolkit.ConfigurationError as exc:
        parser.exit(2, f"error: {exc}\n")
    print(f"long_running: tasks in {settings.task_store_url}", file=sys.stderr)
    server.serve(args.host, args.port)


def _default_task_store() -> str:
    # SQLite creates the file but not its folder.
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'tasks.db'}"


if __name__ == "__main__":
    main()
