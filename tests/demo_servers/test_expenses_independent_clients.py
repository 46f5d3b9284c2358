"""`add_expense_interactive` on protocol revision 2026-07-28, driven by clients that are not ours.

- The TypeScript SDK's client (`@modelcontextprotocol/client`, pinned in `tests/ts_client/`),
  pinned to 2026-07-28, answers the four questions through its elicitation handler while the
  SDK drives the rounds: input-required results, retries with the answers and the echoed
  request state, no `initialize` and no session.
- strands' `MCPClient` on mcp 2.1 negotiates 2026-07-28 with the server (which answers
  `server/discover`) and the offline agent of the reference client completes the flow
  through the client's elicitation callback.

Both run against a real `python -m demo_servers.expenses` process, and both must store
exactly one expense.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conformance import NODE_PACKAGE, NODE_VERSION
from node_clients import CLIENT_PACKAGE, NodeClientError, TypeScriptClient, install, pinned_versions
from sdk_compat import SESSIONLESS_REVISION

pytestmark = [pytest.mark.e2e, pytest.mark.requires_revision(SESSIONLESS_REVISION)]

STEPS = [["amount"], ["description"], ["category"], ["confirmed"]]
GOOD_ANSWERS: list[dict[str, Any]] = [
    {"action": "accept", "content": {"amount": 12.5}},
    {"action": "accept", "content": {"description": "Lunch with Sam"}},
    {"action": "accept", "content": {"category": "food"}},
    {"action": "accept", "content": {"confirmed": True}},
]


@pytest.fixture(scope="module")
def ts_client() -> TypeScriptClient:
    try:
        return install()
    except NodeClientError as exc:
        pytest.fail(f"could not install the TypeScript client: {exc}")


def run_ts(client: TypeScriptClient, url: str, alias: str, answers: list[dict[str, Any]]) -> dict[str, Any]:
    return client.run("add_expense.mjs", url, alias, json.dumps(answers))


def test_the_client_and_its_node_are_the_pinned_ones(ts_client):
    pins = pinned_versions()
    assert pins[NODE_PACKAGE] == NODE_VERSION, "the TypeScript client runs on the Node the conformance suite runs on"
    assert ts_client.installed_version(CLIENT_PACKAGE) == pins[CLIENT_PACKAGE] == "2.4.0"
    assert ts_client.installed_version(NODE_PACKAGE) == NODE_VERSION


def test_typescript_client_completes_the_flow_in_rounds(ts_client, expenses_server, alias):
    run = run_ts(ts_client, expenses_server.url, alias, GOOD_ANSWERS)

    assert run["protocolVersion"] == SESSIONLESS_REVISION
    assert [question["fields"] for question in run["asked"]] == STEPS
    assert run["result"]["structuredContent"]["status"] == "stored"
    stored = run["listed"]["structuredContent"]["expenses"]
    assert [(e["amount"], e["description"], e["category"]) for e in stored] == [("12.50", "Lunch with Sam", "food")]
    # The 2026-07-28 wire: no handshake and no session; every request says its revision.
    requests = run["requests"]
    assert "initialize" not in [request["method"] for request in requests]
    assert all(request["sessionId"] is None for request in requests)
    assert {request["protocolVersionHeader"] for request in requests} == {SESSIONLESS_REVISION}
    # One round per question: the first call asks the amount, each retry answers one question
    # and echoes the state the round before sealed.
    calls = [request for request in requests if request["method"] == "tools/call"][:-1]
    assert [(len(call["inputResponses"]), call["requestState"]) for call in calls] == [
        (0, False),
        (1, True),
        (1, True),
        (1, True),
        (1, True),
    ]


def test_typescript_client_declining_a_step_stores_nothing(ts_client, expenses_server, alias):
    answers = [GOOD_ANSWERS[0], {"action": "decline"}]

    run = run_ts(ts_client, expenses_server.url, alias, answers)

    assert run["protocolVersion"] == SESSIONLESS_REVISION
    assert [question["fields"] for question in run["asked"]] == STEPS[:2]
    outcome = run["result"]["structuredContent"]
    assert (outcome["status"], outcome["step"]) == ("declined", "description")
    assert run["listed"]["structuredContent"]["expenses"] == []
