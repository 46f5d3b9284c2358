"""What the README's server example does, and the commands it points to.

That every block runs at all is `test_docs_examples.py`'s job; this file checks behaviour.
"""

from __future__ import annotations

import sys
import types

import pytest
from doc_blocks import python_blocks
from harness import ROOT, in_memory_client
from sdk_compat import text_of, wire_callbacks

README = (ROOT / "README.md").read_text()

pytestmark = pytest.mark.anyio


async def test_the_server_example_elicits_and_answers(monkeypatch):
    # A registered module, so the form's annotations resolve as they would in a file.
    module = types.ModuleType("readme_example")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    (example,) = python_blocks(ROOT / "README.md")
    exec(compile(example.compilable(), "README.md", "exec", dont_inherit=True), module.__dict__)
    namespace = module.__dict__
    seen: list[dict] = []

    def answer(params: dict) -> dict:
        seen.append(params["requestedSchema"])
        return {"action": "accept", "content": {"amount": 2.5}}

    async with in_memory_client(namespace["server"], **wire_callbacks(elicitation=answer)) as client:
        result = await client.call_tool("tip", {})
    assert text_of(result) == "Thank you for 2.5!"
    assert seen[0]["properties"]["amount"]["minimum"] == 0.01


def test_quickstart_scripts_exist_and_ci_runs_the_test_command():
    for script in ("scripts/demo.sh", "scripts/test.sh"):
        assert f"./{script}" in README
        assert (ROOT / script).stat().st_mode & 0o111
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
