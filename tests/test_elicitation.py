"""Elicitation over in-memory streams: one-question helpers, outcomes, flows, client errors, URL-mode bookkeeping."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from harness import in_memory_client
from mcp import types
from pydantic import BaseModel, Field
from sdk_compat import SDKServer, is_error, structured, text_of, to_wire

import toolkit
from toolkit import Accepted, Cancelled, ConfigurationError, Context, Declined, Flow, Form, Step
from toolkit.elicitation import CONFIGURED, DEFAULT_TIMEOUT, configured_timeout, resolve_timeout
from toolkit.elicitation.requests import TIMEOUT_ENV
from toolkit.errors import ElicitationFailed, InvalidDefinition

pytestmark = pytest.mark.anyio


@dataclass
class ScriptedUser:
    """An elicitation callback that answers from a script and records every request."""

    replies: list[types.ElicitResult | types.ErrorData] = field(default_factory=list)
    #: The requests' params in wire form.
    asked: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult | types.ErrorData:
        self.asked.append(to_wire(params))
        return self.replies.pop(0)


def accept(content: dict[str, Any] | None = None) -> types.ElicitResult:
    return types.ElicitResult(action="accept", content=content)


def describe(outcome: Any) -> str:
    match outcome:
        case Accepted(data=value):
            return f"accepted {value!r}"
        case Declined():
            return "declined"
        case Cancelled(reason=reason):
            return f"cancelled: {reason}"
    raise AssertionError(outcome)


class Confirmation(Form):
    confirmed: bool = Field(default=True, title="Confirm")


server = SDKServer("elicitation-unit")
links = toolkit.elicitation.UrlElicitations(max_age=60)


@server.tool()
async def question(ctx: Context, kind: str) -> str:
    if kind == "confirm":
        return describe(await toolkit.confirm(ctx, "Really?", label="Yes"))
    if kind == "choose":
        return describe(await toolkit.choose(ctx, "Which?", ["red", "green"]))
    if kind == "choose_titled":
        return describe(await toolkit.choose(ctx, "Which?", {"r": "Red", "g": "Green"}, default="g", label="Colour"))
    return describe(await toolkit.ask(ctx, "How much?", Decimal, gt=0, label="Amount", description="EUR"))


@server.tool()
async def bad_limits(ctx: Context, max_attempts: int, seconds: float | None = None) -> str:
    outcome = await toolkit.elicit(ctx, "x", Confirmation, max_attempts=max_attempts, timeout=seconds)
    return describe(outcome)


@server.tool()
async def url(ctx: Context, target: str) -> str:
    return describe(await toolkit.elicit_url(ctx, "Open the page.", target, elicitation_id="fixed-id"))


@server.tool()
async def required_url(ctx: Context) -> str:
    raise toolkit.url_elicitation_required(ctx, "Authorize first.", "https://example.com/connect")


@server.tool()
async def bookkeeping(ctx: Context) -> str:
    """Exercise the registry's refusals in one session."""
    results: dict[str, Any] = {}
    try:
        await links.complete("never-started", user=None)
    except toolkit.errors.UnknownElicitation as exc:
        results["unknown"] = str(exc)
    elicitation_id = links.start(ctx)
    try:
        await links.complete(elicitation_id, user="mallory")
    except toolkit.errors.UnknownElicitation:
        results["other_user"] = "refused"
    results["owner"] = links.owner(elicitation_id)
    results["waited_too_long"] = await links.wait(ctx, elicitation_id, timeout=0.05)
    try:
        await links.complete(elicitation_id, user=None)
    except toolkit.errors.UnknownElicitation:
        results["after_timeout"] = "refused"
    finished = links.start(ctx)
    await links.complete(finished, user=None)
    try:
        await links.complete(finished, user=None)
    except toolkit.errors.UnknownElicitation:
        results["twice"] = "refused"
    results["finished_before_wait"] = await links.wait(ctx, finished, timeout=0.05)
    return json.dumps(results)


@server.tool()
async def configured_wait(ctx: Context) -> str:
    return describe(await toolkit.elicit(ctx, "Still there?", Confirmation))


async def call(tool: str, user: ScriptedUser | None = None, **arguments: Any) -> types.CallToolResult:
    callbacks = {"elicitation_callback": user} if user is not None else {}
    async with in_memory_client(server, **callbacks) as session:
        return await session.call_tool(tool, arguments)


def text(result: types.CallToolResult) -> str:
    return text_of(result)


# --- one-question helpers ---------------------------------------------------------------------------


async def test_accepting_confirm_as_shown_means_yes():
    # A client that shows the form with its defaults and lets the user press accept.
    shown = ScriptedUser([])
    shown.replies.append(accept({}))
    assert text(await call("question", shown, kind="confirm")) == "accepted True"
    (asked,) = shown.asked
    properties = asked["requestedSchema"]["properties"]
    defaults = {key: prop["default"] for key, prop in properties.items() if "default" in prop}
    with_defaults = ScriptedUser([accept(defaults)])
    assert text(await call("question", with_defaults, kind="confirm")) == "accepted True"


async def test_confirm_sends_one_checkbox_and_returns_a_bool():
    user = ScriptedUser([accept({"value": False})])
    assert text(await call("question", user, kind="confirm")) == "accepted False"
    (asked,) = user.asked
    assert asked["requestedSchema"] == {
        "type": "object",
        "properties": {"value": {"type": "boolean", "title": "Yes", "default": True}},
        "required": [],
    }


async def test_choose_returns_the_value_and_reasks_for_an_unknown_option():
    user = ScriptedUser([accept({"value": "blue"}), accept({"value": "green"})])
    assert text(await call("question", user, kind="choose")) == "accepted 'green'"
    first, second = user.asked
    assert first["requestedSchema"]["properties"]["value"] == {
        "type": "string",
        "title": "Choice",
        "enum": ["red", "green"],
    }
    assert "- value: must be one of 'red', 'green', not 'blue'" in second["message"]


async def test_choose_with_titles_and_default():
    user = ScriptedUser([accept({"value": "g"})])
    assert text(await call("question", user, kind="choose_titled")) == "accepted 'g'"
    assert user.asked[0]["requestedSchema"]["properties"]["value"] == {
        "type": "string",
        "title": "Colour",
        "oneOf": [{"const": "r", "title": "Red"}, {"const": "g", "title": "Green"}],
        "default": "g",
    }


async def test_ask_for_one_value_with_constraints():
    user = ScriptedUser([accept({"value": 0}), accept({"value": 3.5})])
    assert text(await call("question", user, kind="ask")) == "accepted Decimal('3.5')"
    first, second = user.asked
    assert first["requestedSchema"]["properties"]["value"] == {
        "type": "number",
        "title": "Amount",
        "description": "EUR",
        "minimum": 0,
    }
    assert first["requestedSchema"]["required"] == ["value"]
    assert "- value: should be greater than 0 (you sent 0)" in second["message"]


async def test_declined_and_cancelled_pass_through_the_helpers():
    assert text(await call("question", ScriptedUser([types.ElicitResult(action="decline")]), kind="ask")) == "declined"
    cancelled = ScriptedUser([types.ElicitResult(action="cancel")])
    assert text(await call("question", cancelled, kind="confirm")) == "cancelled: the user cancelled"


# --- errors before and after sending -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "says"),
    [({"max_attempts": 0}, "max_attempts must be at least 1"), ({"max_attempts": 1, "seconds": 0}, "timeout must be")],
)
async def test_bad_limits_fail_before_anything_is_sent(arguments, says):
    user = ScriptedUser()
    result = await call("bad_limits", user, **arguments)
    assert is_error(result) and says in text(result)
    assert user.asked == []


async def test_a_client_error_reply_becomes_elicitation_failed():
    user = ScriptedUser([types.ErrorData(code=-32603, message="no display attached")])
    result = await call("question", user, kind="confirm")
    assert is_error(result)
    assert "The client answered the elicitation with error -32603: no display attached." in text(result)
    assert ElicitationFailed(-32603, "no display attached").code == -32603


# --- timeouts ----------------------------------------------------------------------------------------


async def test_a_malformed_configured_timeout_fails_before_anything_is_sent(monkeypatch):
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    user = ScriptedUser()
    result = await call("configured_wait", user)
    assert is_error(result)
    assert f"{TIMEOUT_ENV}='soon' is not valid: use a positive number of seconds" in text(result)
    assert user.asked == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, DEFAULT_TIMEOUT),
        ({TIMEOUT_ENV: ""}, DEFAULT_TIMEOUT),
        ({TIMEOUT_ENV: "12.5"}, 12.5),
        ({TIMEOUT_ENV: " 30 "}, 30.0),
        ({TIMEOUT_ENV: "none"}, None),
        ({TIMEOUT_ENV: "None"}, None),
    ],
)
def test_the_configured_timeout_is_read_from_the_environment(environ, expected):
    assert configured_timeout(environ) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "inf", "nan", "5s"])
def test_a_configured_timeout_must_be_positive_seconds_or_none(raw):
    with pytest.raises(ConfigurationError, match=f"{TIMEOUT_ENV}=.* use a positive number of seconds.*'none'"):
        configured_timeout({TIMEOUT_ENV: raw})


def test_the_default_timeout_is_bounded_and_an_explicit_value_wins(monkeypatch):
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    assert resolve_timeout(CONFIGURED) == DEFAULT_TIMEOUT == 300
    monkeypatch.setenv(TIMEOUT_ENV, "7")
    assert resolve_timeout(CONFIGURED) == 7
    assert resolve_timeout(2.5) == 2.5
    assert resolve_timeout(None) is None  # no limit, said explicitly
    assert Flow(Step(Name, "Name?")).timeout is CONFIGURED


async def _configured_wait_of(server: Any, timeout: Any = CONFIGURED) -> Any:  # noqa: ASYNC109 (an argument under test)
    """What `elicit` would wait in a tool of `server`, for a call's `timeout` argument."""

    @server.tool()
    async def wait_of(ctx: Context) -> dict[str, Any]:
        return {"seconds": resolve_timeout(timeout, ctx)}

    async with in_memory_client(server) as session:
        result = await session.call_tool("wait_of", {})
    return structured(result)["seconds"]


async def test_the_servers_elicitation_timeout_is_the_configured_wait(monkeypatch):
    monkeypatch.setenv(TIMEOUT_ENV, "3")
    assert await _configured_wait_of(toolkit.stateful_server("argument", elicitation_timeout=7)) == 7
    assert await _configured_wait_of(toolkit.stateful_server("environment")) == 3
    assert await _configured_wait_of(toolkit.stateful_server("no-limit", elicitation_timeout="none")) is None
    assert await _configured_wait_of(toolkit.stateful_server("explicit", elicitation_timeout=7), timeout=1.5) == 1.5
    monkeypatch.delenv(TIMEOUT_ENV)
    assert await _configured_wait_of(toolkit.stateful_server("default")) == DEFAULT_TIMEOUT


async def test_the_server_setting_is_read_when_the_server_is_built(monkeypatch):
    monkeypatch.setenv(TIMEOUT_ENV, "3")
    server = toolkit.stateful_server("built")
    monkeypatch.setenv(TIMEOUT_ENV, "9")
    assert await _configured_wait_of(server) == 3
    # A server not built by the preset reads the variable each time.
    assert await _configured_wait_of(SDKServer("plain")) == 9


@pytest.mark.parametrize("value", [0, -2, "soon", math.inf, True])
def test_a_bad_elicitation_timeout_setting_is_refused_at_startup(value, monkeypatch):
    with pytest.raises(ConfigurationError, match=r"elicitation_timeout=.* use a positive number of seconds"):
        toolkit.stateful_server("bad", elicitation_timeout=value)
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    with pytest.raises(ConfigurationError, match=re.escape(f"{TIMEOUT_ENV}='soon' is not valid")):
        toolkit.stateful_server("bad-env")


@pytest.mark.parametrize("timeout", [0, -1, math.nan, True, "5"])
def test_a_timeout_argument_must_be_positive_seconds(timeout):
    with pytest.raises(ConfigurationError, match="timeout must be a positive number of seconds"):
        Flow(Step(Name, "Name?"), timeout=timeout)


# --- outcomes ----------------------------------------------------------------------------------------


def test_outcomes_match_and_carry_their_action():
    assert [outcome.action for outcome in (Accepted(1), Declined(), Cancelled())] == ["accept", "decline", "cancel"]
    assert Declined().step is None and Cancelled().step is None, "no step outside a flow"
    assert describe(Accepted(Decimal(2))) == "accepted Decimal('2')"
    assert describe(Cancelled("no answer within 5 s", timed_out=True)) == "cancelled: no answer within 5 s"
    assert Accepted[int](3).data == 3  # subscripted construction works too
    match Accepted("x"):
        case Accepted("x"):
            pass
        case _:
            raise AssertionError("positional match on data")


# --- flows -------------------------------------------------------------------------------------------


class Name(Form):
    name: str = Field(min_length=1)


class Age(Form):
    age: int = Field(ge=0)


def test_a_flow_checks_every_form_when_defined():
    class Loose(BaseModel):
        extra: dict[str, str]

    with pytest.raises(InvalidDefinition, match=r"Loose\.extra"):
        Flow(Step(Name, "Name?"), Step(Loose, "More?"))


@pytest.mark.parametrize(
    ("steps", "says"),
    [
        ((), "at least one Step"),
        ((Step(Name, "a"), Step(Name, "b", name="again")), "only one step"),
        ((Step(Name, "a", name="same"), Step(Age, "b", name="same")), "['same'] repeat"),
    ],
)
def test_flow_definition_errors(steps, says):
    with pytest.raises(ConfigurationError, match=None) as caught:
        Flow(*steps)
    assert says in str(caught.value)


ASK_NAME_AND_AGE = Flow(Step(Name, "Name?", name="name"), Step(Age, "Age?", name="age"))


@server.tool()
async def name_and_age(ctx: Context) -> str:
    match await ASK_NAME_AND_AGE.run(ctx):
        case Accepted(data=answers):
            return f"accepted {answers[Name].name}, {answers[Age].age}"
        case Declined(step=step):
            return f"declined at {step}"
        case Cancelled(step=step, timed_out=timed_out):
            return f"cancelled at {step} (timed out: {timed_out})"
    raise AssertionError("unreachable")


async def test_a_flow_returns_the_same_outcomes_as_one_form():
    user = ScriptedUser([accept({"name": "Ana"}), accept({"age": 30})])
    assert text(await call("name_and_age", user)) == "accepted Ana, 30"


async def test_a_flow_refusal_names_the_step_that_ended_it():
    declined = ScriptedUser([accept({"name": "Ana"}), types.ElicitResult(action="decline")])
    assert text(await call("name_and_age", declined)) == "declined at age"
    cancelled = ScriptedUser([types.ElicitResult(action="cancel")])
    assert text(await call("name_and_age", cancelled)) == "cancelled at name (timed out: False)"
    assert len(cancelled.asked) == 1, "the flow stops at the first refusal"


def test_answers_are_typed_by_form_and_named_by_step():
    answers = toolkit.elicitation.FlowAnswers()
    answers.record(Step(Name, "Name?"), Name(name="Ana"))
    assert answers[Name].name == "Ana"
    assert answers.step("Name") == Name(name="Ana")
    assert list(answers) == ["Name"] and len(answers) == 1 and Name in answers
    with pytest.raises(KeyError, match="no answer for Age yet"):
        answers[Age]


# --- URL mode ----------------------------------------------------------------------------------------


async def test_url_mode_sends_the_id_and_returns_it():
    user = ScriptedUser([accept()])
    assert text(await call("url", user, target="https://example.com/link")) == "accepted 'fixed-id'"
    (asked,) = user.asked
    assert (asked["mode"], asked["url"], asked["elicitationId"]) == ("url", "https://example.com/link", "fixed-id")


async def test_url_mode_refuses_a_relative_url_before_sending():
    user = ScriptedUser()
    result = await call("url", user, target="/link")
    assert is_error(result) and "needs an absolute URL" in text(result)
    assert user.asked == []


async def test_url_elicitation_required_needs_a_client_that_can_act_on_it():
    result = await call("required_url")
    assert is_error(result) and "'elicitation.url'" in text(result)


async def test_registry_refuses_unknown_foreign_expired_and_repeated_ids():
    results = json.loads(text(await call("bookkeeping")))
    assert results == {
        "unknown": (
            "No pending URL elicitation 'never-started' belongs to this user. "
            "Start a new one; ids are single-use and bound to the user who started them."
        ),
        "other_user": "refused",
        "owner": None,
        "waited_too_long": False,
        "after_timeout": "refused",
        "twice": "refused",
        "finished_before_wait": True,
    }
