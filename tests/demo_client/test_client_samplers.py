"""Client-side samplers answering a real server's `sampling/createMessage`.

The Bedrock sampler runs against a real botocore client whose HTTP layer is replaced by
botocore's Stubber (AWS is not reachable from tests); everything else is the real path.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

import demo_client
from demo_client import BedrockSampler, ClientSampler, OfflineSampler
from toolkit.sampling import SamplingResult

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

PROMPT = "Summarize: Tides follow the moon."


@pytest.fixture
def plain_url(spawn_server, test_server_script) -> str:
    return spawn_server(test_server_script("plain_server")).url


@pytest.fixture
def bedrock():
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


async def summarize(url: str, sampler) -> tuple[bool, str]:
    """Whether the call failed, and its text (FastMCP reports a failed sampling as an error
    result, MCPServer as a JSON-RPC error)."""
    async with demo_client.connect(url, sampling=sampler) as client:
        try:
            result = await client.call_tool("summarize", {"text": "Tides follow the moon."})
        except demo_client.RequestFailed as exc:
            return True, exc.detail
    return result.is_error, result.text


async def test_bedrock_sampler_answers_through_converse(plain_url, bedrock):
    client, stubber = bedrock
    stubber.add_response(
        "converse",
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "The moon pulls the tides."}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 9, "outputTokens": 6, "totalTokens": 15},
            "metrics": {"latencyMs": 5},
        },
        expected_params={
            "modelId": "test-model",
            "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
            "inferenceConfig": {"maxTokens": 60},
        },
    )
    is_error, text = await summarize(plain_url, BedrockSampler("test-model", client=client))
    assert not is_error
    assert json.loads(text) == {"model": "test-model", "text": "The moon pulls the tides."}


async def test_bedrock_failure_reaches_the_server_as_an_error_with_the_fix(plain_url, bedrock):
    client, stubber = bedrock
    stubber.add_client_error("converse", service_error_code="AccessDeniedException", service_message="no access")
    is_error, text = await summarize(plain_url, BedrockSampler("test-model", client=client))
    assert is_error
    assert "AccessDeniedException" in text and "bedrock:InvokeModel" in text


async def test_offline_sampler_options(plain_url):
    is_error, text = await summarize(plain_url, OfflineSampler(model="local-test", max_sentences=1))
    assert not is_error
    assert json.loads(text)["model"] == "local-test"


async def test_any_toolkit_sampler_can_be_passed(plain_url):
    class Shouting:
        async def sample(self, request):
            return SamplingResult(text=request.texts()[0].upper(), model="shout")

    for sampler in (Shouting(), ClientSampler(Shouting())):
        is_error, text = await summarize(plain_url, sampler)
        assert not is_error
        assert json.loads(text) == {"model": "shout", "text": PROMPT.upper()}
