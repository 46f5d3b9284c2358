"""Samplers without a server: request validation, the offline sampler, and the Bedrock mapping via Stubber."""

from __future__ import annotations

import base64

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st
from mcp.types import (
    AudioContent,
    CreateMessageRequestParams,
    CreateMessageResult,
    CreateMessageResultWithTools,
    ImageContent,
    ModelPreferences,
    SamplingMessage,
    TextContent,
)

import toolkit
from toolkit.aws.bedrock_sampler import DEFAULT_BEDROCK_MODEL

pytestmark = pytest.mark.anyio

EXPENSES = (
    "Please summarise this month. Rent for March was 900 EUR and was paid on time. "
    "Coffee at the station cost 4.50 EUR. Groceries cost 62 EUR, mostly vegetables and coffee. "
    "The coffee budget was exceeded again."
)


def build(prompt=EXPENSES, **options):
    return toolkit.sampling.SamplingRequest.build(prompt, **{"max_tokens": 200, **options})


# --- SamplingRequest -------------------------------------------------------------------------


def test_build_accepts_strings_pairs_and_wire_messages():
    wire = {"role": "assistant", "content": {"type": "text", "text": "Which month?"}}
    request = build([("user", "Summarise."), wire, ("user", "March.")])
    assert [m["role"] for m in request.messages] == ["user", "assistant", "user"]
    assert request.messages[1] == wire
    assert request.texts("user") == ["Summarise.", "March."]
    assert build("Hi").messages == ({"role": "user", "content": {"type": "text", "text": "Hi"}},)


def test_build_accepts_sdk_messages_in_their_wire_form():
    native = SamplingMessage(role="assistant", content=TextContent(type="text", text="Which month?"))
    request = build([("user", "Summarise."), native])
    assert request.messages[1] == {"role": "assistant", "content": {"type": "text", "text": "Which month?"}}


def test_build_turns_hints_into_model_preferences():
    request = build(model_preferences=["claude", "nova"])
    assert [hint["name"] for hint in request.model_preferences["hints"]] == ["claude", "nova"]


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"prompt": "   "}, "prompt is empty"),
        ({"prompt": []}, "no messages"),
        ({"prompt": [("system", "hi")]}, "role 'system'"),
        ({"prompt": [{"role": "user", "content": "hi"}]}, "Message 0 has no content block"),
        ({"prompt": [{"role": "user", "content": []}]}, "Message 0 has no content block"),
        ({"prompt": [{"role": "user", "content": ["hi"]}]}, "Message 0 holds 'hi', which is not a content block"),
        ({"prompt": [42]}, "Message 0 is int"),
        ({"max_tokens": 0}, "max_tokens must be a positive integer"),
        ({"max_tokens": True}, "max_tokens must be a positive integer"),
        ({"temperature": -0.1}, "temperature must not be negative"),
        ({"temperature": float("nan")}, "temperature must be a number"),
        ({"stop_sequences": "END"}, "stop_sequences must be a list of strings, e.g. ['END']"),
        ({"stop_sequences": ["END", ""]}, "non-empty string"),
        ({"model_preferences": "claude"}, "list of names"),
        ({"model_preferences": ModelPreferences(costPriority=1.5)}, "cost priority must be between 0 and 1"),
    ],
)
def test_build_rejects_bad_input_with_a_clear_message(options, fragment):
    with pytest.raises(toolkit.errors.InvalidArgument) as caught:
        build(**options)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_prefer_models_sets_hints_and_priorities():
    preferences = toolkit.sampling.prefer_models("claude-3-5-sonnet", "claude", cost=0.2, speed=0.4, intelligence=0.9)
    assert preferences == {
        "hints": [{"name": "claude-3-5-sonnet"}, {"name": "claude"}],
        "costPriority": 0.2,
        "speedPriority": 0.4,
        "intelligencePriority": 0.9,
    }


@pytest.mark.parametrize(("hints", "options"), [(("",), {}), ((), {"speed": -0.1}), ((), {"intelligence": 2})])
def test_prefer_models_rejects_bad_values(hints, options):
    with pytest.raises(toolkit.errors.InvalidArgument):
        toolkit.sampling.prefer_models(*hints, **options)


def test_from_mcp_and_to_mcp_serve_a_client_callback():
    params = CreateMessageRequestParams(
        messages=[SamplingMessage(role="user", content=TextContent(type="text", text=EXPENSES))],
        maxTokens=50,
        systemPrompt="Be brief.",
        stopSequences=["###"],
    )
    request = toolkit.sampling.SamplingRequest.from_mcp(params)
    assert (request.max_tokens, request.system_prompt, request.stop_sequences) == (50, "Be brief.", ("###",))
    assert toolkit.sampling.SamplingRequest.from_mcp(params.model_dump(by_alias=True, exclude_none=True)) == request
    answer = CreateMessageResult.model_validate(toolkit.OfflineSampler().reply(request).to_mcp())
    assert answer.role == "assistant" and answer.model == "offline-extractive"
    assert answer.content.text.startswith("Summary:")


def test_to_mcp_carries_tool_uses():
    use = {"type": "tool_use", "id": "t1", "name": "convert", "input": {"amount": 4.5}}
    answer = toolkit.sampling.SamplingResult(text="", model="m", stop_reason="toolUse", tool_uses=(use,)).to_mcp()
    assert answer["content"] == [use]
    assert CreateMessageResultWithTools.model_validate(answer).content[0].name == "convert"


# --- OfflineSampler --------------------------------------------------------------------------


def test_offline_sampler_summarises_the_prompt():
    result = toolkit.OfflineSampler().reply(build())
    assert result.model == "offline-extractive" and result.stop_reason == "endTurn"
    assert result.text == (
        "Summary: Rent for March was 900 EUR and was paid on time. Coffee at the station cost 4.50 EUR. "
        "Groceries cost 62 EUR, mostly vegetables and coffee.\n"
        "Key terms: eur, coffee, cost, month, rent."
    )


async def test_offline_sampler_is_deterministic_across_instances():
    request = build([("user", EXPENSES), ("assistant", "Noted."), ("user", "Rent matters most.")])
    first = await toolkit.OfflineSampler().sample(request)
    second = await toolkit.OfflineSampler().sample(request)
    assert first == second
    assert "Noted" not in first.text, "only user messages are summarised"


def test_offline_sampler_stops_at_max_tokens():
    result = toolkit.OfflineSampler().reply(build(max_tokens=8))
    assert result.text == "Summary: Rent for March was 900"
    assert result.stop_reason == "maxTokens"


def test_offline_sampler_stops_at_the_first_stop_sequence():
    result = toolkit.OfflineSampler().reply(build(stop_sequences=["Groceries", "EUR and"]))
    assert result.text == "Summary: Rent for March was 900"
    assert result.stop_reason == "stopSequence"


def test_offline_sampler_with_nothing_to_summarise():
    result = toolkit.OfflineSampler(model="local").reply(build([("user", "...")]))
    assert result.model == "local"
    assert result.text.startswith("Summary:")


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1).filter(str.strip),
    max_tokens=st.integers(min_value=1, max_value=400),
    stops=st.lists(st.text(alphabet="abcde .", min_size=1, max_size=3), max_size=3),
)
def test_offline_sampler_respects_limits_and_repeats_itself(text, max_tokens, stops):
    request = toolkit.sampling.SamplingRequest.build(text, max_tokens=max_tokens, stop_sequences=stops)
    result = toolkit.OfflineSampler().reply(request)
    assert len(result.text.split()) <= max(1, max_tokens * 3 // 4)
    assert not any(stop in result.text for stop in stops)
    assert toolkit.OfflineSampler().reply(request) == result


def test_offline_sampler_satisfies_the_protocol():
    assert isinstance(toolkit.OfflineSampler(), toolkit.Sampler)
    assert isinstance(toolkit.aws.BedrockSampler(client=object()), toolkit.Sampler)


# --- BedrockSampler --------------------------------------------------------------------------


@pytest.fixture
def bedrock():
    client = boto3.client(
        "bedrock-runtime", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def converse_response(*blocks, stop="end_turn"):
    return {
        "output": {"message": {"role": "assistant", "content": list(blocks)}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 42},
    }


async def test_bedrock_request_and_response_mapping(bedrock):
    client, stubber = bedrock
    png = b"\x89PNG\r\n\x1a\n fake image"
    image = ImageContent(type="image", data=base64.b64encode(png).decode(), mimeType="image/png")
    prompt = [
        SamplingMessage(role="user", content=[TextContent(type="text", text="What is on this receipt?"), image]),
        ("user", "Only the total, please."),
        ("assistant", "Which currency?"),
        ("user", "EUR."),
    ]
    expected = {
        "modelId": "amazon.nova-lite-v1:0",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"text": "What is on this receipt?"},
                    {"image": {"format": "png", "source": {"bytes": png}}},
                    {"text": "Only the total, please."},
                ],
            },
            {"role": "assistant", "content": [{"text": "Which currency?"}]},
            {"role": "user", "content": [{"text": "EUR."}]},
        ],
        "system": [{"text": "Answer with a number."}],
        "inferenceConfig": {"maxTokens": 64, "temperature": 0.2, "stopSequences": ["\n\n"]},
    }
    stubber.add_response("converse", converse_response({"text": "Total: "}, {"text": "23.40 EUR"}), expected)
    sampler = toolkit.aws.BedrockSampler("amazon.nova-lite-v1:0", client=client)
    request = toolkit.sampling.SamplingRequest.build(
        prompt,
        max_tokens=64,
        system_prompt="Answer with a number.",
        temperature=0.2,
        stop_sequences=["\n\n"],
        model_preferences=["claude"],
    )
    result = await sampler.sample(request)
    assert result == toolkit.sampling.SamplingResult(
        text="Total: 23.40 EUR", model="amazon.nova-lite-v1:0", stop_reason="endTurn"
    )


@pytest.mark.parametrize(
    ("bedrock_reason", "mcp_reason"),
    [("max_tokens", "maxTokens"), ("stop_sequence", "stopSequence"), ("guardrail_intervened", "guardrail_intervened")],
)
async def test_bedrock_stop_reasons_map_to_mcp_names(bedrock, bedrock_reason, mcp_reason):
    client, stubber = bedrock
    stubber.add_response("converse", converse_response({"text": "cut"}, stop=bedrock_reason))
    result = await toolkit.aws.BedrockSampler(client=client).sample(build("Hi", max_tokens=5))
    assert result.stop_reason == mcp_reason
    assert result.model == DEFAULT_BEDROCK_MODEL


async def test_bedrock_minimal_request_omits_unset_options(bedrock, monkeypatch):
    client, stubber = bedrock
    monkeypatch.setenv("BEDROCK_MODEL_ID", "anthropic.claude-3-5-haiku-20241022-v1:0")
    expected = {
        "modelId": "anthropic.claude-3-5-haiku-20241022-v1:0",
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "inferenceConfig": {"maxTokens": 10},
    }
    stubber.add_response("converse", converse_response({"text": "Hello"}), expected)
    assert (await toolkit.aws.BedrockSampler(client=client).sample(build("Hi", max_tokens=10))).text == "Hello"


async def test_bedrock_answer_without_text_is_non_text_content(bedrock):
    client, stubber = bedrock
    tool_use = {"toolUse": {"toolUseId": "t1", "name": "lookup", "input": {}}}
    stubber.add_response("converse", converse_response(tool_use, stop="tool_use"))
    with pytest.raises(toolkit.errors.SamplingFailed, match="'toolUse' content"):
        await toolkit.aws.BedrockSampler(client=client).sample(build("Hi"))


@pytest.mark.parametrize(
    ("code", "status", "hint"),
    [
        ("AccessDeniedException", 403, "allow bedrock:InvokeModel"),
        ("ValidationException", 400, "check the model id (BEDROCK_MODEL_ID)"),
        ("ThrottlingException", 429, "try again"),
        ("InternalServerException", 500, "check the AWS configuration"),
    ],
)
async def test_bedrock_service_errors_become_sampler_failed(bedrock, code, status, hint):
    client, stubber = bedrock
    stubber.add_client_error("converse", service_error_code=code, service_message="nope", http_status_code=status)
    with pytest.raises(toolkit.errors.SamplingFailed) as caught:
        await toolkit.aws.BedrockSampler("m-1", client=client).sample(build("Hi"))
    message = str(caught.value)
    assert f"model 'm-1' ({code}: nope)" in message and hint in message
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(
    ("message", "fragment"),
    [
        (
            SamplingMessage(role="user", content=AudioContent(type="audio", data="AAAA", mimeType="audio/wav")),
            "'audio'",
        ),
        (SamplingMessage(role="user", content=ImageContent(type="image", data="AAAA", mimeType="image/tiff")), "TIFF"),
        (
            SamplingMessage(role="user", content=ImageContent(type="image", data="*not*", mimeType="image/png")),
            "base64",
        ),
        (SamplingMessage(role="assistant", content=TextContent(type="text", text="Hi")), "start with a user"),
    ],
)
async def test_bedrock_rejects_content_converse_cannot_take(message, fragment):
    sampler = toolkit.aws.BedrockSampler(client=object())  # never called: the request fails first
    with pytest.raises(toolkit.errors.InvalidArgument) as caught:
        await sampler.sample(build([message]))
    assert fragment.lower() in str(caught.value).lower()


@pytest.fixture
def no_aws_settings(monkeypatch, tmp_path):
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


async def test_bedrock_without_region_says_how_to_set_one(no_aws_settings):
    with pytest.raises(toolkit.errors.SamplingFailed, match="set AWS_REGION or pass region="):
        await toolkit.aws.BedrockSampler().sample(build("Hi"))


async def test_bedrock_without_credentials_says_what_to_configure(no_aws_settings):
    with pytest.raises(toolkit.errors.SamplingFailed, match="No AWS credentials were found"):
        await toolkit.aws.BedrockSampler(region="us-east-1").sample(build("Hi"))
