"""One tool body on both protocol revisions: questions as requests (2025-11-25) or as rounds (2026-07-28).

In memory, with the SDK's own client. On 2026-07-28 most tests drive the rounds by hand
(`sdk_compat.call_round`), to see each input-required result, its keys and its state; a few
let the SDK's client answer the rounds itself, as an application would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import anyio
import pytest
from harness import in_memory_client
from sdk_compat import (
    SESSIONLESS_REVISION,
    McpError,
    accept,
    call_round,
    error_of,
    prompt_round,
    read_round,
    structured,
    text_of,
    wire_callbacks,
)

import toolkit
from toolkit import Accepted, Context, Flow, Form, Step

pytestmark = [pytest.mark.anyio, pytest.mark.requires_revision(SESSIONLESS_REVISION)]

KEY = "k" * 32
OTHER_KEY = "o" * 32
NAME_FORM = {"type": "object", "properties": {"value": {"type": "string", "title": "Name"}}, "required": ["value"]}


class Amount(Form):
    amount: Decimal


class Words(Form):
    words: str


class Counters:
    """How often each step of the test server's tools ran, across rounds."""

    def __init__(self) -> None:
        self.runs: dict[str, int] = {}

    def bump(self, name: str) -> int:
        self.runs[name] = self.runs.get(name, 0) + 1
        return self.runs[name]


def build(counters: Counters, **settings: Any) -> toolkit.StatefulServer:
    settings.setdefault("request_state_keys", [KEY])
    server = toolkit.stateful_server("rounds", **settings)

    @server.tool()
    async def greet(ctx: Context, greeting: str = "Hello") -> str:
        """Two questions, the second built from the first answer."""
        counters.bump("greet")
        name = await toolkit.ask(ctx, "Your name?", str, label="Name")
        if not isinstance(name, Accepted):
            return f"stopped: {name.action}"
        sure = await toolkit.confirm(ctx, f"Greet {name.data}?")
        if not isinstance(sure, Accepted) or not sure.data:
            return "not greeted"
        return f"{greeting}, {name.data}!"

    @server.tool()
    async def expense(ctx: Context) -> str:
        """A flow: step names are the keys."""
        outcome = await Flow(
            Step(Amount, "How much?", name="amount"),
            Step(Words, lambda a: f"What were the {a[Amount].amount} for?", name="words"),
        ).run(ctx)
        if not isinstance(outcome, Accepted):
            return f"stopped at {outcome.step}"
        return f"{outcome.data[Amount].amount} for {outcome.data[Words].words}"

    @server.tool()
    async def both_at_once(ctx: Context) -> str:
        """Two questions asked concurrently go out in one round."""
        found: dict[str, Any] = {}

        async def ask(key: str) -> None:
            found[key] = await toolkit.ask(ctx, f"{key}?", str, key=key)

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask, "left")
            tg.start_soon(ask, "right")
        return " ".join(f"{key}={found[key].data}" for key in sorted(found))

    @server.tool()
    async def with_once(ctx: Context) -> str:
        """An expensive step kept in the state, and the flow's id."""

        def expensive() -> dict[str, Any]:
            return {"run": counters.bump("expensive")}

        kept = await toolkit.once(ctx, "expensive", expensive)
        flow = toolkit.flow_id(ctx)
        await toolkit.ask(ctx, "First?", str)
        await toolkit.ask(ctx, "Second?", str)
        return json.dumps({"kept": kept, "flow": flow, "again": toolkit.flow_id(ctx)})

    @server.tool()
    async def shifty(ctx: Context) -> str:
        """Asks something new every round: the replay rule broken."""
        await toolkit.ask(ctx, f"Round {counters.bump('shifty')}?", str)
        await toolkit.ask(ctx, "Next?", str)
        return "never"

    @server.tool()
    async def twice(ctx: Context) -> str:
        await toolkit.ask(ctx, "One?", str, key="same")
        await toolkit.ask(ctx, "Two?", str, key="same")
        return "never"

    @server.tool()
    async def needs_forms(ctx: Context) -> str:
        """The demo's pattern: a capability error wrapped in the tool's own, naming the alternative."""
        try:
            await toolkit.ask(ctx, "Amount?", Decimal)
        except toolkit.CapabilityError as exc:
            raise toolkit.ToolError(
                "needs_forms asks through form elicitation; use add_directly(amount) instead."
            ) from exc
        return "asked"

    @server.tool()
    async def plain_forms(ctx: Context) -> str:
        await toolkit.ask(ctx, "Amount?", Decimal)
        return "asked"

    @server.tool()
    async def haiku(ctx: Context, topic: str) -> str:
        counters.bump("haiku")
        return await toolkit.sample_text(ctx, f"A haiku about {topic}", max_tokens=60)

    @server.tool()
    async def roots(ctx: Context) -> list[str]:
        return [root["uri"] for root in await toolkit.server.list_roots(ctx)]

    @server.tool()
    async def ten_questions(ctx: Context) -> str:
        answers = [await toolkit.ask(ctx, f"Question {i + 1} of 10?", str, label=f"Answer {i + 1}") for i in range(10)]
        return ",".join(a.data for a in answers if isinstance(a, Accepted))

    @server.tool()
    async def counted(ctx: Context) -> str:
        counters.bump("counted")
        await toolkit.ask(ctx, "Anything?", str)
        return "done"

    @server.tool()
    async def swallowing(ctx: Context) -> str:
        try:
            await toolkit.ask(ctx, "Anything?", str)
        except Exception:
            return "swallowed"
        return "answered"

    @server.prompt()
    async def briefing(ctx: Context) -> str:
        topic = await toolkit.ask(ctx, "Which topic?", str, key="topic")
        return f"Brief me on {topic.data if isinstance(topic, Accepted) else 'anything'}."

    @server.resource("memo://{name}")
    async def memo(name: str, ctx: Context) -> str:
        sure = await toolkit.confirm(ctx, f"Show memo {name}?")
        return f"memo {name}" if isinstance(sure, Accepted) and sure.data else "hidden"

    return server


@pytest.fixture
def counters() -> Counters:
    return Counters()


@pytest.fixture
def server(counters: Counters) -> toolkit.StatefulServer:
    return build(counters)


def never_called(params: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError(f"rounds driven by hand never reach the client's callbacks: {params}")


def modern(server: Any, *, elicitation: bool = True, sampling: bool = False, roots: bool = False) -> Any:
    """A 2026-07-28 client declaring the capabilities asked for (through callbacks it never uses)."""
    callbacks = wire_callbacks(
        elicitation=never_called if elicitation else None,
        sampling=never_called if sampling else None,
        list_roots=(lambda: never_called({})) if roots else None,
    )
    return in_memory_client(server, revision=SESSIONLESS_REVISION, **callbacks)


def only_request(result: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    assert result.get("resultType") == "input_required", result
    ((key, request),) = result["inputRequests"].items()
    return key, request


def answer_value(value: Any) -> dict[str, Any]:
    return accept({"value": value})


# --- the same body on both revisions ------------------------------------------------------------------


async def test_one_tool_body_asks_by_request_on_2025_and_in_rounds_on_2026(server):
    def user(params: dict[str, Any]) -> dict[str, Any]:
        field = next(iter(params["requestedSchema"]["properties"]))
        return answer_value("Ada" if "name" in params["message"].lower() else True) if field else {}

    callbacks = wire_callbacks(elicitation=user)
    async with in_memory_client(server, **callbacks) as legacy:
        old = await legacy.call_tool("greet", {"greeting": "Hi"})
    async with in_memory_client(server, revision=SESSIONLESS_REVISION, **callbacks) as modern:
        new = await modern.call_tool("greet", {"greeting": "Hi"})

    assert text_of(old) == text_of(new) == "Hi, Ada!"


async def test_each_unanswered_question_ends_a_round_asking_it_by_its_order_of_asking(server, counters):
    async with modern(server) as client:
        first = await call_round(client, "greet", {})
        key, request = only_request(first)
        assert (key, request["method"]) == ("q1", "elicitation/create")
        assert request["params"]["message"] == "Your name?"
        assert request["params"]["mode"] == "form"

        second = await call_round(
            client, "greet", {}, responses={"q1": answer_value("Ada")}, state=first["requestState"]
        )
        key, request = only_request(second)
        assert key == "q2" and request["params"]["message"] == "Greet Ada?"
        assert second["requestState"] != first["requestState"]

        done = await call_round(client, "greet", {}, responses={"q2": answer_value(True)}, state=second["requestState"])

    assert done.get("resultType", "complete") == "complete"
    assert text_of_wire(done) == "Hello, Ada!"
    assert counters.runs["greet"] == 3, "the body replays from the top each round"


def text_of_wire(result: dict[str, Any]) -> str:
    return "\n".join(block["text"] for block in result["content"] if block["type"] == "text")


async def test_a_flow_asks_each_step_under_its_name(server):
    async with modern(server) as client:
        first = await call_round(client, "expense", {})
        assert only_request(first)[0] == "amount"
        second = await call_round(
            client, "expense", {}, responses={"amount": accept({"amount": 12.5})}, state=first["requestState"]
        )
        key, request = only_request(second)
        assert key == "words" and request["params"]["message"] == "What were the 12.5 for?"
        done = await call_round(
            client, "expense", {}, responses={"words": accept({"words": "lunch"})}, state=second["requestState"]
        )

    assert text_of_wire(done) == "12.5 for lunch"


@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_a_decline_or_cancel_in_any_round_is_the_outcome(server, action):
    async with modern(server) as client:
        first = await call_round(client, "expense", {})
        second = await call_round(
            client, "expense", {}, responses={"amount": accept({"amount": 3})}, state=first["requestState"]
        )
        done = await call_round(
            client, "expense", {}, responses={"words": {"action": action}}, state=second["requestState"]
        )

    assert text_of_wire(done) == "stopped at words"


async def test_questions_asked_concurrently_go_out_in_one_round(server):
    async with modern(server) as client:
        first = await call_round(client, "both_at_once", {})
        assert sorted(first["inputRequests"]) == ["left", "right"]
        done = await call_round(
            client,
            "both_at_once",
            {},
            responses={"left": answer_value("L"), "right": answer_value("R")},
            state=first["requestState"],
        )

    assert text_of_wire(done) == "left=L right=R"


# --- responses that do not match the questions --------------------------------------------------------


async def test_a_first_question_may_be_answered_without_state_and_extra_answers_are_ignored(server):
    async with modern(server) as client:
        result = await call_round(
            client, "plain_forms", {}, responses={"q1": accept({"value": 7}), "unknown": accept({"x": 1})}
        )

    assert text_of_wire(result) == "asked"


async def test_a_question_left_unanswered_is_asked_again(server):
    async with modern(server) as client:
        first = await call_round(client, "greet", {})
        again = await call_round(
            client, "greet", {}, responses={"wrong_key": answer_value("x")}, state=first["requestState"]
        )
        wrong_only = await call_round(client, "greet", {}, responses={"wrong_key": answer_value("x")})

    assert only_request(again)[0] == "q1"
    assert only_request(wrong_only)[0] == "q1"


async def test_a_bad_answer_is_asked_again_naming_the_problem_within_the_attempt_bound(server):
    async with modern(server) as client:
        first = await call_round(client, "plain_forms", {})
        retry = await call_round(
            client, "plain_forms", {}, responses={"q1": answer_value("lots")}, state=first["requestState"]
        )
        key, request = only_request(retry)
        assert key == "q2"
        assert "attempt 2 of 3" in request["params"]["message"] and "value" in request["params"]["message"]
        third = await call_round(
            client, "plain_forms", {}, responses={"q2": answer_value("more")}, state=retry["requestState"]
        )
        assert only_request(third)[0] == "q3"
        exhausted = await call_round(
            client, "plain_forms", {}, responses={"q3": answer_value("most")}, state=third["requestState"]
        )

    assert exhausted["isError"] is True
    assert "still invalid after 3 attempt(s)" in text_of_wire(exhausted)


async def test_an_answer_that_is_not_an_elicitation_result_is_asked_again(server):
    # A sampling result where a form answer belongs: the SDK lets it through as a result.
    wrong = {"role": "assistant", "content": {"type": "text", "text": "hi"}, "model": "m"}
    async with modern(server) as client:
        first = await call_round(client, "plain_forms", {})
        retry = await call_round(client, "plain_forms", {}, responses={"q1": wrong}, state=first["requestState"])

    key, request = only_request(retry)
    assert key == "q2" and "not an elicitation result" in request["params"]["message"]


async def test_a_question_that_changes_between_rounds_is_a_clear_error(server):
    async with modern(server) as client:
        first = await call_round(client, "shifty", {})
        result = await call_round(
            client, "shifty", {}, responses={"q1": answer_value("x")}, state=first["requestState"]
        )

    assert result["isError"] is True
    assert "differs from the one asked at that key in an earlier round" in text_of_wire(result)


async def test_two_questions_with_one_key_are_a_clear_error(server):
    async with modern(server) as client:
        result = await call_round(client, "twice", {}, responses={"same": answer_value("x")})

    assert result["isError"] is True and "use the key 'same'" in text_of_wire(result)


async def test_a_body_that_swallows_the_end_of_its_round_still_asks(server):
    async with modern(server) as client:
        first = await call_round(client, "swallowing", {})
        done = await call_round(
            client, "swallowing", {}, responses={"q1": answer_value("x")}, state=first["requestState"]
        )

    assert only_request(first)[0] == "q1"
    assert text_of_wire(done) == "answered"


# --- once and flow_id -----------------------------------------------------------------------------------


async def test_once_runs_once_per_flow_and_the_flow_id_is_kept_across_rounds(server, counters):
    async with modern(server) as client:
        first = await call_round(client, "with_once", {})
        second = await call_round(
            client, "with_once", {}, responses={"q1": answer_value("a")}, state=first["requestState"]
        )
        done = await call_round(
            client, "with_once", {}, responses={"q2": answer_value("b")}, state=second["requestState"]
        )
        other = await call_round(client, "with_once", {}, responses={"q1": answer_value("a"), "q2": answer_value("b")})

    found = json.loads(text_of_wire(done))
    assert found["kept"] == {"run": 1}
    assert counters.runs["expensive"] == 2, "once per flow: this flow, then the other"
    assert found["flow"] == found["again"] and len(found["flow"]) == 32
    assert json.loads(text_of_wire(other))["flow"] != found["flow"]


async def test_once_and_flow_id_work_on_2025_sessions_too(server, counters):
    async with in_memory_client(server, **wire_callbacks(elicitation=lambda p: answer_value("x"))) as client:
        result = await client.call_tool("with_once", {})

    found = json.loads(text_of_result(result))
    assert found["kept"] == {"run": 1} and found["flow"] == found["again"]


def text_of_result(result: Any) -> str:
    return text_of(result)


async def test_once_refuses_a_result_the_state_cannot_keep():
    server = toolkit.stateful_server("once-json", request_state_keys=[KEY])

    @server.tool()
    async def bad(ctx: Context) -> str:
        await toolkit.once(ctx, "when", lambda: Decimal("1.5"))
        return "never"

    async with modern(server) as client:
        result = await call_round(client, "bad", {})

    assert result["isError"] is True
    assert "once('when') returned Decimal" in text_of_wire(result)


# --- capabilities, per request ---------------------------------------------------------------------------


async def test_a_request_without_elicitation_gets_minus_32021_naming_the_capability(server):
    async with modern(server, elicitation=False) as client:
        with pytest.raises(McpError) as raised:
            await call_round(client, "plain_forms", {})

    error = error_of(raised.value)
    assert error["code"] == -32021
    assert error["data"] == {"requiredCapabilities": {"elicitation": {"form": {}}}}
    assert "elicitation.form" in error["message"]


async def test_minus_32021_keeps_the_tools_own_message_with_the_alternative(server, counters):
    async with modern(server, elicitation=False) as client:
        with pytest.raises(McpError) as raised:
            await call_round(client, "needs_forms", {})

    error = error_of(raised.value)
    assert error["code"] == -32021
    assert "'elicitation.form'" in error["message"] and "use add_directly(amount) instead" in error["message"]


async def test_without_elicitation_on_2025_the_tool_error_stays(server):
    async with in_memory_client(server) as client:
        result = await client.call_tool("needs_forms", {})

    assert "use add_directly(amount) instead" in text_of(result)


async def test_sampling_in_a_round_and_minus_32021_without_the_capability(server):
    async with modern(server, elicitation=False, sampling=True) as client:
        first = await call_round(client, "haiku", {"topic": "rain"})
        key, request = only_request(first)
        assert request["method"] == "sampling/createMessage"
        assert request["params"]["messages"][0]["content"]["text"] == "A haiku about rain"
        answer = {
            "role": "assistant",
            "content": {"type": "text", "text": "drops"},
            "model": "m",
            "stopReason": "endTurn",
        }
        done = await call_round(
            client, "haiku", {"topic": "rain"}, responses={key: answer}, state=first["requestState"]
        )
    assert text_of_wire(done) == "drops"

    async with modern(server, elicitation=False) as client:
        with pytest.raises(McpError) as raised:
            await call_round(client, "haiku", {"topic": "rain"})
    assert error_of(raised.value)["data"] == {"requiredCapabilities": {"sampling": {}}}


async def test_a_fallback_sampler_answers_in_the_round_without_the_capability(counters):
    server = build(counters)
    toolkit.use_fallback_sampler(server, toolkit.OfflineSampler())

    async with modern(server, elicitation=False) as client:
        result = await call_round(client, "haiku", {"topic": "rain"})

    assert result.get("resultType", "complete") == "complete" and text_of_wire(result)


async def test_roots_on_both_revisions(server):
    roots = {"roots": [{"uri": "file:///work/a", "name": "a"}]}
    callbacks = wire_callbacks(list_roots=lambda: roots)
    async with in_memory_client(server, **callbacks) as legacy:
        old = structured(await legacy.call_tool("roots", {}))
    async with modern(server, elicitation=False, roots=True) as client:
        first = await call_round(client, "roots", {})
        key, request = only_request(first)
        assert request["method"] == "roots/list"
        new = await call_round(client, "roots", {}, responses={key: roots}, state=first["requestState"])

    assert old == new["structuredContent"] == {"result": ["file:///work/a"]}


async def test_roots_need_the_capability(server):
    async with modern(server, elicitation=False) as client:
        with pytest.raises(McpError) as raised:
            await call_round(client, "roots", {})

    assert error_of(raised.value)["data"] == {"requiredCapabilities": {"roots": {}}}


# --- prompts and resource templates ----------------------------------------------------------------------


async def test_a_prompt_and_a_resource_template_ask_in_rounds(server):
    async with modern(server) as client:
        first = await prompt_round(client, "briefing")
        assert only_request(first)[0] == "topic"
        prompt = await prompt_round(
            client, "briefing", responses={"topic": answer_value("tides")}, state=first["requestState"]
        )

        opened = await read_round(client, "memo://q3")
        key, _ = only_request(opened)
        memo = await read_round(client, "memo://q3", responses={key: answer_value(True)}, state=opened["requestState"])

    assert prompt["messages"][0]["content"]["text"] == "Brief me on tides."
    assert memo["contents"][0]["text"] == "memo q3"


# --- the sealed state --------------------------------------------------------------------------------------


def tampered(state: str) -> str:
    body = state[-10:]
    flipped = "A" if body[0] != "A" else "B"
    return state[:-10] + flipped + body[1:]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda state, args: (tampered(state), args), id="tampered"),
        pytest.param(lambda state, args: (state + "-TAMPERED", args), id="edited"),
        pytest.param(lambda state, args: (state, {"greeting": "Bye"}), id="other-arguments"),
    ],
)
async def test_a_changed_state_is_refused_and_nothing_runs(server, counters, change: Callable[..., Any]):
    async with modern(server) as client:
        first = await call_round(client, "greet", {"greeting": "Hi"})
        runs = counters.runs["greet"]
        state, arguments = change(first["requestState"], {"greeting": "Hi"})
        with pytest.raises(McpError) as raised:
            await call_round(client, "greet", arguments, responses={"q1": answer_value("x")}, state=state)

    assert error_of(raised.value)["code"] == -32602
    assert error_of(raised.value)["message"] == "Invalid or expired requestState"
    assert counters.runs["greet"] == runs, "the tool did not run"


async def test_a_state_for_another_tool_is_refused(server, counters):
    async with modern(server) as client:
        first = await call_round(client, "counted", {})
        with pytest.raises(McpError) as raised:
            await call_round(client, "greet", {}, responses={"q1": answer_value("x")}, state=first["requestState"])

    assert error_of(raised.value)["code"] == -32602
    assert "greet" not in counters.runs


async def test_an_expired_state_is_refused(counters):
    server = build(counters, request_state_ttl=0.2)
    async with modern(server) as client:
        first = await call_round(client, "counted", {})
        # The state was sealed before the first round returned; its 0.2 s are over after this.
        await anyio.sleep(0.3)
        with pytest.raises(McpError) as raised:
            await call_round(client, "counted", {}, responses={"q1": answer_value("x")}, state=first["requestState"])

    assert error_of(raised.value)["code"] == -32602
    assert counters.runs["counted"] == 1


async def test_keys_rotate_the_first_seals_and_every_one_opens(counters):
    old = build(counters, request_state_keys=[OTHER_KEY])
    rotating = build(counters, request_state_keys=[KEY, OTHER_KEY])
    rotated = build(counters, request_state_keys=[KEY])

    async with modern(old) as client:
        sealed_old = (await call_round(client, "greet", {}))["requestState"]
    async with modern(rotating) as client:
        opened = await call_round(client, "greet", {}, responses={"q1": answer_value("Ada")}, state=sealed_old)
    async with modern(rotated) as client:
        done = await call_round(client, "greet", {}, responses={"q2": answer_value(True)}, state=opened["requestState"])
        with pytest.raises(McpError) as raised:
            await call_round(client, "greet", {}, responses={"q1": answer_value("Ada")}, state=sealed_old)

    assert text_of_wire(done) == "Hello, Ada!"
    assert error_of(raised.value)["code"] == -32602


async def test_a_server_with_other_keys_refuses_the_state(counters):
    ours = build(counters)
    theirs = build(counters, request_state_keys=[OTHER_KEY])
    async with modern(ours) as client:
        state = (await call_round(client, "greet", {}))["requestState"]
    async with modern(theirs) as client:
        with pytest.raises(McpError) as raised:
            await call_round(client, "greet", {}, responses={"q1": answer_value("x")}, state=state)

    assert error_of(raised.value)["code"] == -32602


async def test_a_ten_question_flow_keeps_its_sealed_state_under_8_kb(server):
    sizes: list[int] = []
    async with modern(server) as client:
        result = await call_round(client, "ten_questions", {})
        for round_number in range(1, 11):
            key, _ = only_request(result)
            sizes.append(len(result["requestState"]))
            answer = answer_value(f"answer number {round_number}, a sentence of ordinary length")
            result = await call_round(
                client, "ten_questions", {}, responses={key: answer}, state=result["requestState"]
            )

    assert text_of_wire(result).count("answer number") == 10
    assert max(sizes) < 8 * 1024, sizes
    assert sizes[-1] > sizes[0], "the state holds the answers"


async def test_a_long_state_is_compressed_and_still_replays(server):
    long_answer = "a long answer that repeats itself " * 30
    async with modern(server) as client:
        result = await call_round(client, "ten_questions", {})
        sizes = []
        for _ in range(4):
            key, _ = only_request(result)
            result = await call_round(
                client, "ten_questions", {}, responses={key: answer_value(long_answer)}, state=result["requestState"]
            )
            sizes.append(len(result["requestState"]))

    # Four answers of about a kilobyte each: compressed, the state stays a fraction of them.
    assert only_request(result)[0] == "q5"
    assert sizes[-1] < 2 * len(long_answer), sizes


# --- the function the toolkit did not register ----------------------------------------------------------


async def test_a_tool_registered_on_a_bare_sdk_server_says_how_to_answer_in_rounds():
    from sdk_compat import SDKServer

    bare = SDKServer("bare")

    @bare.tool()
    async def unwrapped(ctx: Context) -> str:
        await toolkit.ask(ctx, "Anything?", str)
        return "never"

    async with in_memory_client(
        bare, revision=SESSIONLESS_REVISION, **wire_callbacks(elicitation=lambda p: {})
    ) as client:
        result = await call_round(client, "unwrapped", {})

    assert result["isError"] is True
    assert "register the tool, prompt or resource template on a toolkit server" in text_of_wire(result)


# --- logging follows the request's level -------------------------------------------------------------------


async def test_log_notifications_follow_the_level_each_request_asks_for():
    server = toolkit.stateful_server("logs", request_state_keys=[KEY])

    @server.tool()
    async def chatty(ctx: Context) -> str:
        sent = [await toolkit.send_log(ctx, level, level) for level in ("debug", "info", "error")]
        return json.dumps({"sent": sent, "level": toolkit.server.client_log_level(ctx)})

    seen: list[str] = []
    callbacks = wire_callbacks(logging=lambda params: seen.append(params["data"]))
    async with in_memory_client(server, revision=SESSIONLESS_REVISION, **callbacks) as client:
        quiet = json.loads(text_of_wire(await call_round(client, "chatty", {})))
        info = json.loads(
            text_of_wire(await call_round(client, "chatty", {}, meta={"io.modelcontextprotocol/logLevel": "info"}))
        )

    assert quiet == {"sent": [False, False, False], "level": None}
    assert info == {"sent": [False, True, True], "level": "info"}
    assert seen == ["info", "error"]
