"""A server whose tools sample through the toolkit, used by the sampling end-to-end tests.

`--fallback offline` registers an `OfflineSampler` fallback; `--fallback-on-reject` also
uses it when the user rejects. Tools answer toolkit errors as `{"error", "message"}` so
tests can check the exact error type that reached the tool.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel

import toolkit

server = toolkit.stateful_server("sampling-test")


class Expense(BaseModel):
    """An expense read out of free text by the LLM."""

    amount: float
    currency: str
    category: Literal["food", "travel", "rent", "other"]


def _options(raw: dict[str, Any]) -> dict[str, Any]:
    # Preferences and tools arrive in wire form, which is what the toolkit takes.
    return dict(raw)


def _prompt(prompt: str | list[list[str]]) -> Any:
    return prompt if isinstance(prompt, str) else [tuple(pair) for pair in prompt]


def _error(exc: toolkit.ToolkitError) -> dict[str, Any]:
    return {"error": type(exc).__name__, "message": str(exc)}


@server.tool()
async def ask(
    prompt: str | list[list[str]], ctx: toolkit.Context, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Sample with `toolkit.sample` and report the whole result."""
    try:
        result = await toolkit.sample(ctx, _prompt(prompt), **_options(options or {}))
    except toolkit.ToolkitError as exc:
        return _error(exc)
    answer = asdict(result)
    answer["tool_uses"] = list(result.tool_uses)
    return answer


@server.tool()
async def ask_text(prompt: str, ctx: toolkit.Context, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sample with `toolkit.sample_text`."""
    try:
        return {"text": await toolkit.sample_text(ctx, prompt, **_options(options or {}))}
    except toolkit.ToolkitError as exc:
        return _error(exc)


@server.tool()
async def read_expense(text: str, ctx: toolkit.Context, max_retries: int = 2) -> dict[str, Any]:
    """Turn free text into an `Expense` with `toolkit.sample_structured`."""
    try:
        expense = await toolkit.sample_structured(ctx, f"Read the expense in: {text}", Expense, max_retries=max_retries)
    except toolkit.ToolkitError as exc:
        return _error(exc)
    return {"expense": expense.model_dump()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--fallback", choices=["none", "offline"], default="none")
    parser.add_argument("--fallback-on-reject", action="store_true")
    opts = parser.parse_args()
    if opts.fallback == "offline":
        toolkit.use_fallback_sampler(server, toolkit.OfflineSampler(), on_reject=opts.fallback_on_reject)
    server.serve(opts.host, opts.port)
