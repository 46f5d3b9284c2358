"""A server with durable background tasks, for the end-to-end and restart tests.

Jobs: `hold` reports half progress and then waits until cancelled (a task to kill the server
under), `echo` returns at once, `fail` raises, and `rerun_once` is resumable: its first
attempt holds like `hold`, a rerun completes.
"""

from __future__ import annotations

import argparse

import anyio

# Auth is the SDK's own (a token verifier and its settings); tests keep that one SDK import.
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

import toolkit


async def hold(task: toolkit.TaskContext, label: str = "held") -> str:
    """Report half progress, then wait until cancelled."""
    await task.report_progress(0.5, f"holding {label}")
    await anyio.sleep_forever()
    return label


async def echo(task: toolkit.TaskContext, text: str, repeat: int = 1) -> dict[str, object]:
    """Return the text, repeated."""
    return {"text": text * repeat, "attempt": task.attempt}


async def fail(task: toolkit.TaskContext, reason: str) -> None:
    """Raise with the reason."""
    raise RuntimeError(reason)


async def rerun_once(task: toolkit.TaskContext, label: str) -> dict[str, object]:
    """Hold on the first attempt; complete on a rerun."""
    if task.attempt == 1:
        await task.report_progress(0.5, "first attempt holding")
        await anyio.sleep_forever()
    return {"label": label, "attempt": task.attempt}


class StaticTokens:
    """Accepts fixed bearer tokens, each standing for one user (test only)."""

    def __init__(self, spec: str) -> None:
        self.users = dict(pair.split("=", 1) for pair in spec.split(","))

    async def verify_token(self, token: str) -> AccessToken | None:
        user = self.users.get(token)
        return None if user is None else AccessToken(token=token, client_id="test-client", scopes=[], subject=user)


def auth_options(tokens: str | None, host: str, port: int) -> dict[str, object]:
    if tokens is None:
        return {}
    settings = AuthSettings(
        issuer_url="https://auth.example.com",
        resource_server_url=f"http://{host}:{port}/mcp",
        validate_token_resource=False,
    )
    return {"auth": settings, "token_verifier": StaticTokens(tokens)}


def build(
    store_url: str, lease: float, actor_header: str | None, max_running: int, max_tasks: int, **overrides: object
) -> toolkit.StatefulServer:
    server = toolkit.stateful_server("tasks-test", **overrides)
    store = toolkit.open_task_store(store_url)
    manager = toolkit.TaskManager(store, lease=lease, max_running=max_running, max_tasks=max_tasks)
    resumable = manager.add_job(rerun_once, resumable=True)
    owners = toolkit.tasks.OwnerPolicy(actor_header=actor_header)
    toolkit.register_task_tools(server, manager, hold, echo, fail, resumable, owners=owners)
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--task-store", required=True)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--actor-header")
    parser.add_argument("--max-running", type=int, default=16)
    parser.add_argument("--max-tasks", type=int, default=1000)
    parser.add_argument("--tokens", help="token=user pairs, comma separated, to require bearer auth")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    opts = parser.parse_args()
    auth = auth_options(opts.tokens, opts.host, opts.port)
    server = build(opts.task_store, opts.lease, opts.actor_header, opts.max_running, opts.max_tasks, **auth)
    server.serve(opts.host, opts.port)
