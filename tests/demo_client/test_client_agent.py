"""The Strands agent, offline: strands' MCPClient against a real server, elicitations answered
by the client's handlers."""

from __future__ import annotations

import pytest

# strands-agents (the `agent` extra) requires mcp<2.2, so an environment on a newer mcp has none.
pytest.importorskip("strands", reason="strands-agents (the agent extra) is not installed")

from pydantic import BaseModel
from strands.models.bedrock import BedrockModel

from demo_client import ScriptedAnswers, accept_defaults
from demo_client.agent import OfflineToolModel, agent_tools, build_agent

pytestmark = pytest.mark.e2e


@pytest.fixture
def plain_url(spawn_server, test_server_script) -> str:
    return spawn_server(test_server_script("plain_server")).url


def test_the_agent_calls_the_named_tool_and_answers_its_elicitation(plain_url):
    answers = ScriptedAnswers([{"action": "accept", "content": {"name": "Ada", "age": 36}}])
    with agent_tools(plain_url, elicitation=answers) as tools:
        agent = build_agent(tools, model=OfflineToolModel())
        reply = str(agent("Please run ask_person for me"))
    assert "accept:Ada:36" in reply
    assert answers.asked == ["Who are you?"]


def test_the_agent_reports_progress_and_uses_given_arguments(plain_url):
    seen: list[float] = []
    with agent_tools(plain_url, elicitation=accept_defaults, on_progress=lambda p, t, m: seen.append(p)) as tools:
        agent = build_agent(tools, model=OfflineToolModel(arguments={"steps": {"count": 2}}))
        reply = str(agent("count some steps"))
    assert "2 steps" in reply
    assert seen == [1, 2]


def test_without_a_handler_the_tools_still_load_and_declare_no_elicitation(plain_url):
    with agent_tools(plain_url) as tools:
        agent = build_agent(tools, model=OfflineToolModel())
        reply = str(agent("declared_capabilities"))
    assert '"capabilities": {}' in reply


def test_the_default_model_is_bedrock(plain_url):
    with agent_tools(plain_url) as tools:
        agent = build_agent(tools)
    assert isinstance(agent.model, BedrockModel)
    assert {tool.tool_name for tool in tools} >= {"ask_person", "summarize", "steps"}


@pytest.mark.anyio
async def test_offline_structured_output_follows_the_schema():
    class Verdict(BaseModel):
        approved: bool = True
        reason: str

    events = [event async for event in OfflineToolModel().structured_output(Verdict, [])]
    assert events[-1]["output"] == Verdict(approved=True, reason="x")
