"""The five outcome rules of the negotiation lab, one by one, and their order."""

from __future__ import annotations

from typing import Any

import pytest

from demo_client import Capabilities, Outcome, RequestFailed, RequestTimeout, ToolResult
from demo_client.lab.outcomes import classify_failure, classify_result, fallback_marker, named_missing_capability
from demo_client.lab.request_audit import ServerRequestSeen

NOTHING = Capabilities.none()
EVERYTHING = Capabilities.parse("elicitation,sampling.tools,sampling.context,roots")
TOOLKIT_REFUSAL = "The client did not declare the 'elicitation.form' capability, so the server cannot use it."


def result(text: str = "done", *, error: bool = False, structured: dict[str, Any] | None = None) -> ToolResult:
    return ToolResult([{"type": "text", "text": text}], structured_content=structured, is_error=error)


def seen(method: str, *missing: str) -> ServerRequestSeen:
    return ServerRequestSeen(method, missing or ("roots",), missing)


def test_a_plain_success_is_ok():
    call = classify_result(result("hello"), NOTHING, [])
    assert (call.outcome, call.detail, call.summary) == (Outcome.OK, None, "hello")


@pytest.mark.parametrize(
    ("structured", "marker"),
    [
        ({"source": "computed", "text": "..."}, "computed"),
        ({"source": "server_llm"}, "server_llm"),
        ({"via_fallback": True}, "via_fallback"),
        ({"fallback": True, "source": "client_llm"}, "fallback"),
    ],
)
def test_a_success_with_a_fallback_marker_fell_back(structured, marker):
    call = classify_result(result(structured=structured), NOTHING, [])
    assert (call.outcome, call.detail) == (Outcome.FELL_BACK, marker)


@pytest.mark.parametrize(
    "structured",
    [{"source": "client_llm"}, {"source": "client"}, {"via_fallback": False}, {"fallback": "yes"}, {"source": 3}, None],
)
def test_a_success_without_a_fallback_marker_is_ok(structured):
    assert classify_result(result(structured=structured), NOTHING, []).outcome is Outcome.OK


def test_fallback_marker_ignores_anything_but_an_object():
    assert fallback_marker(["computed"]) is None
    assert fallback_marker("computed") is None


@pytest.mark.parametrize(
    ("text", "declared", "family"),
    [
        (TOOLKIT_REFUSAL, NOTHING, "elicitation"),
        ("Elicitation not supported", NOTHING, "elicitation"),
        # URL mode alone leaves form mode out, so elicitation is partly missing.
        (TOOLKIT_REFUSAL, Capabilities.parse("elicitation.url"), "elicitation"),
        ("Client does not support sampling tools capability", Capabilities.parse("sampling"), "sampling"),
        ("List roots not supported", Capabilities.parse("elicitation"), "roots"),
        # The first family named that is missing wins; a declared one is skipped.
        ("elicitation worked but sampling is missing", Capabilities.parse("elicitation"), "sampling"),
    ],
)
def test_a_failure_naming_a_missing_capability_is_refused(text, declared, family):
    call = classify_result(result(text, error=True), declared, [])
    assert (call.outcome, call.detail) == (Outcome.REFUSED, family)
    assert named_missing_capability(text, declared) == family


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        ("amount: should be greater than 0", NOTHING),
        # Every elicitation capability is declared, so naming it is not a capability refusal.
        (TOOLKIT_REFUSAL, EVERYTHING),
        ("Client does not support sampling tools capability", EVERYTHING),
    ],
)
def test_any_other_failure_is_an_error(text, declared):
    call = classify_result(result(text, error=True), declared, [])
    assert (call.outcome, call.detail) == (Outcome.ERROR, None)


def test_a_violation_wins_over_success_and_failure():
    requests = [seen("elicitation/create", "elicitation.form"), seen("ping")]
    for outcome in (result("hello"), result("Elicitation not supported", error=True)):
        call = classify_result(outcome, NOTHING, requests[:1])
        assert (call.outcome, call.detail, call.requests) == (
            Outcome.VIOLATION,
            "elicitation.form",
            ("elicitation/create",),
        )


def test_a_violation_names_each_missing_capability_once_in_order():
    requests = [
        seen("sampling/createMessage", "sampling", "sampling.context"),
        seen("sampling/createMessage", "sampling"),
        seen("roots/list", "roots"),
    ]
    call = classify_result(result(), NOTHING, requests)
    assert call.detail == "sampling, sampling.context, roots"
    assert call.requests == ("sampling/createMessage", "sampling/createMessage", "roots/list")


def test_declared_requests_during_a_call_are_listed_but_change_nothing():
    requests = [ServerRequestSeen("elicitation/create", ("elicitation.form",), ())]
    call = classify_result(result(), EVERYTHING, requests)
    assert (call.outcome, call.requests) == (Outcome.OK, ("elicitation/create",))


def test_a_json_rpc_error_follows_the_same_rules():
    refused = classify_failure(RequestFailed("tools/call", -32602, "Sampling not supported"), NOTHING, [])
    assert (refused.outcome, refused.detail, refused.summary) == (Outcome.REFUSED, "sampling", "Sampling not supported")
    failed = classify_failure(RequestFailed("tools/call", -32603, "boom"), NOTHING, [])
    assert failed.outcome is Outcome.ERROR


def test_a_timeout_is_an_error():
    call = classify_failure(RequestTimeout("tools/call", 2.0), NOTHING, [])
    assert call.outcome is Outcome.ERROR
    assert "2 s" in call.summary
