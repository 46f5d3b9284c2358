"""Which server-to-client requests need which client capability, and the audit that flags the rest."""

from __future__ import annotations

from typing import Any

import pytest

from demo_client import Capabilities, RequestAudit
from demo_client.lab.request_audit import declares, required_capabilities

FORM = {"message": "Name?", "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}}
URL = {"mode": "url", "message": "Sign in", "url": "https://example.com/", "elicitationId": "e1"}
MESSAGES = [{"role": "user", "content": {"type": "text", "text": "hi"}}]
TOOL = {"name": "weather", "inputSchema": {"type": "object"}}


def wire(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A request as the client's session parses it from the wire."""
    return {"jsonrpc": "2.0", "id": 1, "method": method, **({"params": params} if params is not None else {})}


@pytest.mark.parametrize(
    ("request_", "needs"),
    [
        (wire("elicitation/create", FORM), ("elicitation.form",)),
        (wire("elicitation/create", {**FORM, "mode": "form"}), ("elicitation.form",)),
        (wire("elicitation/create", URL), ("elicitation.url",)),
        (wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5}), ("sampling",)),
        (
            wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5, "includeContext": "none"}),
            ("sampling",),
        ),
        (
            wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5, "includeContext": "thisServer"}),
            ("sampling", "sampling.context"),
        ),
        (
            wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5, "includeContext": "allServers"}),
            ("sampling", "sampling.context"),
        ),
        (
            wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5, "tools": [TOOL]}),
            ("sampling", "sampling.tools"),
        ),
        (
            wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5, "toolChoice": {"mode": "auto"}}),
            ("sampling", "sampling.tools"),
        ),
        (
            wire(
                "sampling/createMessage",
                {"messages": MESSAGES, "maxTokens": 5, "tools": [TOOL], "includeContext": "thisServer"},
            ),
            ("sampling", "sampling.tools", "sampling.context"),
        ),
        (wire("roots/list"), ("roots",)),
        (wire("ping"), ()),
    ],
)
def test_each_request_needs_its_capability(request_, needs):
    assert required_capabilities(request_) == needs


@pytest.mark.parametrize(
    ("spec", "declared"),
    [
        ("none", set()),
        ("elicitation.form", {"elicitation.form"}),
        ("elicitation.url", {"elicitation.url"}),
        ("elicitation", {"elicitation.form", "elicitation.url"}),
        ("sampling", {"sampling"}),
        ("sampling.tools", {"sampling", "sampling.tools"}),
        ("sampling.context", {"sampling", "sampling.context"}),
        ("roots", {"roots"}),
    ],
)
def test_declares_reads_the_client_declaration(spec, declared):
    names = ("elicitation.form", "elicitation.url", "sampling", "sampling.context", "sampling.tools", "roots")
    assert {name for name in names if declares(Capabilities.parse(spec), name)} == declared


def test_audit_keeps_every_request_and_flags_only_the_undeclared():
    audit = RequestAudit(Capabilities.parse("elicitation.form,sampling"))
    audit(wire("elicitation/create", FORM))
    audit(wire("ping"))
    audit(wire("elicitation/create", URL))
    audit(wire("sampling/createMessage", {"messages": MESSAGES, "maxTokens": 5, "tools": [TOOL]}))
    audit(wire("roots/list"))

    assert [seen.method for seen in audit.seen] == [
        "elicitation/create",
        "ping",
        "elicitation/create",
        "sampling/createMessage",
        "roots/list",
    ]
    assert [(seen.method, seen.missing) for seen in audit.violations] == [
        ("elicitation/create", ("elicitation.url",)),
        ("sampling/createMessage", ("sampling.tools",)),
        ("roots/list", ("roots",)),
    ]
    assert not audit.seen[0].violation and not audit.seen[1].violation


def test_since_returns_the_requests_after_a_mark():
    audit = RequestAudit(Capabilities.none())
    audit(wire("ping"))
    mark = len(audit.seen)
    audit(wire("roots/list"))
    assert [seen.method for seen in audit.since(mark)] == ["roots/list"]
    assert audit.since(len(audit.seen)) == []
