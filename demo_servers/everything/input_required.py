"""Tools and a prompt that ask the client mid-call, in the words of the `input-required-result-*` scenarios.

Each is written once with the toolkit's question helpers and runs unchanged on both
protocol revisions. On a 2025-11-25 session a question is a request to the client on the
call's stream. On a 2026-07-28 request the toolkit ends the round with an input-required
result (`resultType: "input_required"`, `inputRequests` keyed by the `key=` given here, and
a sealed `requestState`) and runs the body again from the top when the client calls back
with its answers; a question answered in an earlier round returns its recorded answer.

The keys are the ones the scenarios name (`user_name`, `capital_question`, `client_roots`,
...). The body before each question runs again on every round, which these tools can afford:
they compute nothing and store nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import anyio
from pydantic import Field

import toolkit
from toolkit import Accepted, Context
from toolkit.server import content

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["register_input_required"]

#: One prompt message, as `content.prompt_message` builds it.
Message = dict[str, Any]


class Name(toolkit.Form):
    """The user's name."""

    name: str = Field(description="Your name")


class Color(toolkit.Form):
    """The user's favourite colour."""

    color: str = Field(description="Your favorite color")


class Ok(toolkit.Form):
    """A required yes/no: the user must tick or untick it."""

    ok: bool = Field(description="Tick to confirm")


class PromptContext(toolkit.Form):
    """What a prompt should be about."""

    context: str = Field(description="Context for the prompt")


def _refused(outcome: toolkit.Declined | toolkit.Cancelled) -> str:
    return "The user declined." if isinstance(outcome, toolkit.Declined) else f"Cancelled: {outcome.reason}."


async def test_input_required_result_elicitation(ctx: Context) -> str:
    """Ask the user's name (key `user_name`) and greet them."""
    outcome = await toolkit.elicit(ctx, "What is your name?", Name, key="user_name")
    return f"Hello, {outcome.data.name}!" if isinstance(outcome, Accepted) else _refused(outcome)


async def test_input_required_result_sampling(ctx: Context) -> str:
    """Ask the client's LLM a question (key `capital_question`) and return its answer."""
    answer = await toolkit.sample_text(ctx, "What is the capital of France?", max_tokens=100, key="capital_question")
    return f"Model said: {answer}"


async def test_input_required_result_list_roots(ctx: Context) -> str:
    """Ask the client for its roots (key `client_roots`) and count them."""
    roots = await toolkit.server.list_roots(ctx, key="client_roots")
    listed = ", ".join(str(root.get("uri")) for root in roots)
    return f"Client exposed {len(roots)} root(s)" + (f": {listed}" if listed else ".")


async def test_input_required_result_request_state(ctx: Context) -> str:
    """Ask for a confirmation (key `confirm`); on 2026-07-28 the round carries a sealed request state."""
    outcome = await toolkit.elicit(ctx, "Please confirm", Ok, key="confirm")
    if not isinstance(outcome, Accepted):
        return _refused(outcome)
    return "state-ok: confirmation received" if outcome.data.ok else "state-ok: not confirmed"


async def test_input_required_result_multiple_inputs(ctx: Context) -> str:
    """Ask three things at once: a name, a greeting from the LLM and the client's roots, in one round."""
    answers: dict[str, Any] = {}

    async def name() -> None:
        answers["name"] = await toolkit.elicit(ctx, "What is your name?", Name, key="user_name")

    async def greeting() -> None:
        answers["greeting"] = await toolkit.sample_text(ctx, "Generate a greeting", max_tokens=50, key="greeting")

    async def roots() -> None:
        answers["roots"] = await toolkit.server.list_roots(ctx, key="client_roots")

    # Questions asked concurrently go to the client together: one round, three input requests.
    async with anyio.create_task_group() as group:
        for ask in (name, greeting, roots):
            group.start_soon(ask)
    who = answers["name"]
    person = who.data.name if isinstance(who, Accepted) else "someone who would not say"
    return f"{answers['greeting']} (to {person}; {len(answers['roots'])} root(s) exposed)"


async def test_input_required_result_multi_round(ctx: Context) -> str:
    """Ask two questions, one per round: the second is asked only once the first is answered."""
    name = await toolkit.elicit(ctx, "Step 1: What is your name?", Name, key="step1")
    if not isinstance(name, Accepted):
        return _refused(name)
    color = await toolkit.elicit(ctx, "Step 2: What is your favorite color?", Color, key="step2")
    if not isinstance(color, Accepted):
        return _refused(color)
    return f"{name.data.name} likes {color.data.color}."


async def test_input_required_result_tampered_state(ctx: Context) -> str:
    """Ask for a confirmation; a request state altered by the client is refused before this runs again."""
    outcome = await toolkit.elicit(ctx, "Please confirm", Ok, key="confirm")
    return "state-ok: the request state was intact" if isinstance(outcome, Accepted) else _refused(outcome)


async def test_input_required_result_capabilities(ctx: Context) -> str:
    """Ask only what this request's client declared it can answer: the LLM with sampling, the user with forms."""
    features = toolkit.client_features(ctx)
    answers: dict[str, str] = {}

    async def sample() -> None:
        answers["sample"] = await toolkit.sample_text(ctx, "Say hello", max_tokens=50, key="sample")

    async def ask() -> None:
        outcome = await toolkit.elicit(ctx, "What is your name?", Name, key="ask")
        answers["ask"] = outcome.data.name if isinstance(outcome, Accepted) else outcome.action

    async with anyio.create_task_group() as group:
        if features.sampling:
            group.start_soon(sample)
        if features.supports_elicitation("form"):
            group.start_soon(ask)
    if not answers:
        return "The client declared neither sampling nor form elicitation, so nothing was asked."
    return "; ".join(f"{key}: {value}" for key, value in sorted(answers.items()))


async def test_input_required_result_prompt(ctx: Context) -> list[Message]:
    """A prompt that first asks the user what context to use (key `user_context`)."""
    outcome = await toolkit.elicit(ctx, "What context should the prompt use?", PromptContext, key="user_context")
    context = outcome.data.context if isinstance(outcome, Accepted) else "none given"
    return [content.prompt_message(f"Answer with this context in mind: {context}")]


def register_input_required(server: StatefulServer) -> None:
    """Add the input-required tools and prompt to `server`."""
    for tool in (
        test_input_required_result_elicitation,
        test_input_required_result_sampling,
        test_input_required_result_list_roots,
        test_input_required_result_request_state,
        test_input_required_result_multiple_inputs,
        test_input_required_result_multi_round,
        test_input_required_result_tampered_state,
        test_input_required_result_capabilities,
    ):
        server.add_tool(tool, structured_output=False)
    server.prompt()(test_input_required_result_prompt)
