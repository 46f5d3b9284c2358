"""The complete server in docs/progress.md runs as documented."""

from __future__ import annotations

import re
from typing import Any

import pytest
from harness import ROOT, in_memory_client

pytestmark = pytest.mark.anyio

DOC = ROOT / "docs" / "progress.md"


def example_server() -> dict[str, Any]:
    """Execute the code block under "A complete server" and return its globals."""
    section = DOC.read_text().split("## A complete server", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict[str, Any] = {"__name__": "progress_docs_example"}
    exec(compile(code, str(DOC), "exec"), namespace)
    namespace["EPOCH_SECONDS"] = 0.01
    return namespace


async def test_model_training_reports_every_epoch():
    example = example_server()
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, total, message))

    async with in_memory_client(example["server"]) as client:
        result = await client.call_tool(
            "model_training", {"model_name": "resnet", "epochs": 3}, progress_callback=on_progress
        )
    assert result.content[0].text == "resnet trained for 3 epochs"
    assert seen[0] == (1, 3, "epoch 1/3")
    assert seen[-1] == (3, 3, "epoch 3/3")


async def test_model_training_heartbeat_runs_the_blocking_work_in_a_thread():
    example = example_server()
    async with in_memory_client(example["server"]) as client:
        result = await client.call_tool("model_training_heartbeat", {"model_name": "resnet", "epochs": 2})
    assert result.content[0].text == "resnet trained; score 0.87"


def test_the_documented_json_keys_are_the_benchmark_keys():
    from test_bench import TRACK_KEYS

    documented = set(re.findall(r"`(\w+)`", DOC.read_text().split("Keys in the JSON:", 1)[1].split("##")[0]))
    assert documented == TRACK_KEYS
