"""AgentCore Runtime: invoke URL, bearer and SigV4 auth, against a server that checks them."""

from __future__ import annotations

import datetime
from pathlib import Path

import httpx
import pytest
from botocore.credentials import Credentials

from demo_client import AuthenticationFailed, ConfigurationError
from demo_client.client.agentcore import AgentRuntimeArn, BearerAuth, SigV4Auth, connect_agentcore, invoke_url

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/expenses_server-Ab12Cd34"
ENCODED = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fexpenses_server-Ab12Cd34"


def test_invoke_url_encodes_the_arn_and_adds_the_qualifier():
    assert invoke_url(ARN) == (
        f"https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/{ENCODED}/invocations?qualifier=DEFAULT"
    )
    assert invoke_url(ARN, "us-east-1", qualifier="beta v2").endswith("/invocations?qualifier=beta%20v2")


def test_invoke_url_in_the_china_partition():
    arn = "arn:aws-cn:bedrock-agentcore:cn-north-1:123456789012:runtime/r1"
    assert invoke_url(arn).startswith("https://bedrock-agentcore.cn-north-1.amazonaws.com.cn/runtimes/")


@pytest.mark.parametrize(
    ("arn", "region", "qualifier", "message"),
    [
        ("arn:aws:lambda:us-east-1:123456789012:function/x", None, "DEFAULT", "not an agent runtime ARN"),
        ("runtime/abc", None, "DEFAULT", "not an agent runtime ARN"),
        (ARN, "eu-west-1", "DEFAULT", "The runtime is in us-east-1"),
        (ARN, None, " ", "qualifier is empty"),
    ],
)
def test_invoke_url_rejects_bad_input(arn, region, qualifier, message):
    with pytest.raises(ConfigurationError, match=message):
        invoke_url(arn, region, qualifier=qualifier)


def test_arn_parts():
    parsed = AgentRuntimeArn.parse(ARN)
    assert (parsed.partition, parsed.region, parsed.account, parsed.runtime_id) == (
        "aws",
        "us-east-1",
        "123456789012",
        "expenses_server-Ab12Cd34",
    )


def test_bearer_auth_sets_the_header_from_a_string_or_a_function():
    request = httpx.Request("POST", "https://example.com/mcp")
    assert next(BearerAuth("abc.def").auth_flow(request)).headers["Authorization"] == "Bearer abc.def"
    tokens = iter(["t1", "t2"])
    auth = BearerAuth(lambda: next(tokens))
    assert next(auth.auth_flow(httpx.Request("GET", "https://example.com"))).headers["Authorization"] == "Bearer t1"
    assert next(auth.auth_flow(httpx.Request("GET", "https://example.com"))).headers["Authorization"] == "Bearer t2"


@pytest.mark.parametrize("token", ["", "Bearer abc", "abc\r\nX-Injected: 1"])
def test_bearer_auth_rejects_malformed_tokens(token):
    with pytest.raises(ConfigurationError, match="raw JWT"):
        BearerAuth(token)


def test_sigv4_matches_the_published_get_vanilla_test_vector(monkeypatch):
    # AWS's SigV4 test suite, "get-vanilla": only host and x-amz-date are signed, so the
    # headers httpx adds (user-agent, accept, ...) must be left out of the signature.
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: datetime.datetime(2015, 8, 30, 12, 36, 0))
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    auth = SigV4Auth("us-east-1", credentials=credentials, service="service")
    request = httpx.Request("GET", "https://example.amazonaws.com/", headers={"user-agent": "demo", "accept": "*/*"})
    signed = next(auth.auth_flow(request))
    assert signed.headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )
    assert signed.headers["X-Amz-Date"] == "20150830T123600Z"


def test_sigv4_sends_the_session_token_and_signs_mcp_headers():
    auth = SigV4Auth("us-east-1", credentials=Credentials("AKID", "secret", "session-token"))
    request = httpx.Request("POST", "https://example.com/mcp", json={}, headers={"mcp-session-id": "s1"})
    signed = next(auth.auth_flow(request))
    assert signed.headers["X-Amz-Security-Token"] == "session-token"
    assert "mcp-session-id" in signed.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "/us-east-1/bedrock-agentcore/aws4_request" in signed.headers["Authorization"]


def test_sigv4_without_credentials_says_what_to_configure(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ConfigurationError, match="No AWS credentials"):
        SigV4Auth("us-east-1")


def base(url: str) -> str:
    return url.removesuffix("/mcp")


def recorded(path: Path) -> list[str]:
    return path.read_text().splitlines()


@pytest.mark.anyio
@pytest.mark.e2e
async def test_bearer_token_on_the_agentcore_path(spawn_server, test_server_script, tmp_path):
    record = tmp_path / "record.txt"
    server = spawn_server(
        test_server_script("recording_server"), "--bearer", "s3cret", env={"RECORD_PATH": str(record)}
    )
    async with connect_agentcore(ARN, bearer_token="s3cret", endpoint=base(server.url), keepalive=None) as client:
        assert (await client.call_tool("noop")).text == "ok"
    assert f"PATH /runtimes/{ENCODED}/invocations" in recorded(record)
    with pytest.raises(AuthenticationFailed, match=r"HTTP 401.*bearer token"):
        async with connect_agentcore(ARN, bearer_token="wrong", endpoint=base(server.url)):
            pass


@pytest.mark.anyio
@pytest.mark.e2e
async def test_sigv4_signatures_verify_on_the_server(spawn_server, test_server_script, tmp_path):
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), "--sigv4", env={"RECORD_PATH": str(record)})
    good = Credentials("testing", "testing")
    async with connect_agentcore(ARN, credentials=good, endpoint=base(server.url)) as client:
        # Requests after initialize carry a session id header, which is signed too.
        assert (await client.call_tool("noop")).text == "ok"
        await client.ping()
    assert sum(line.startswith("POST tools/call") for line in recorded(record)) == 1
    with pytest.raises(AuthenticationFailed, match="HTTP 403"):
        async with connect_agentcore(ARN, credentials=Credentials("testing", "wrong"), endpoint=base(server.url)):
            pass
