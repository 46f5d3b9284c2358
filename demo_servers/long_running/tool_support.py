"""How each training tool behaves for a client, for `client_capabilities`."""

from __future__ import annotations

from ..capability_report import ToolSupport

__all__ = ["training_tool_support"]

TASK_TOOLS = "start_model_training, check_task_status, get_task_results, cancel_task, list_tasks"


def training_tool_support(owner: str | None, actor_header: str | None) -> list[ToolSupport]:
    """One verdict per tool; `owner` is who this request's background tasks belong to (None: anonymous)."""
    return [
        ToolSupport(
            "model_training",
            "progressToken on the request",
            "works",
            "One progress notification per epoch when the call carries a progressToken; none otherwise.",
        ),
        ToolSupport(
            "model_training_heartbeat",
            "progressToken on the request",
            "works",
            "Heartbeats as progress notifications with a progressToken, as log notifications without one.",
        ),
        _tasks(owner, actor_header),
    ]


def _tasks(owner: str | None, actor_header: str | None) -> ToolSupport:
    if owner is not None:
        return ToolSupport(TASK_TOOLS, "nothing", "works", f"Tasks belong to {owner} and survive server restarts.")
    hint = f" Send the {actor_header} header to own them and list them." if actor_header else ""
    return ToolSupport(
        TASK_TOOLS,
        "nothing",
        "falls back",
        "Tasks are anonymous: anyone holding a task_id can read it, from any session and after a restart, "
        f"but list_tasks shows none.{hint}",
    )
