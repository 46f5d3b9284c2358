"""Connecting to an MCP server hosted on Amazon Bedrock AgentCore Runtime.

AgentCore serves a runtime at
``https://bedrock-agentcore.{region}.amazonaws.com/runtimes/{url-encoded ARN}/invocations?qualifier=DEFAULT``
and accepts either a bearer token (a custom JWT authorizer such as Cognito) or SigV4 for
`bedrock-agentcore:InvokeAgentRuntime`. It ends sessions idle for 15 minutes, so
`connect_agentcore` pings every 5 minutes by default.

Both auth classes follow httpx's `Auth.auth_flow` generator shape: no I/O, one
implementation for sync and async clients, testable with `next()`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from toolkit.optional import import_extra

from ..errors import ConfigurationError
from .connection import Client, connect

if TYPE_CHECKING:
    from botocore.credentials import Credentials

__all__ = [
    "DEFAULT_KEEPALIVE",
    "AgentRuntimeArn",
    "BearerAuth",
    "SigV4Auth",
    "connect_agentcore",
    "invoke_url",
]

#: Seconds between keepalive pings: well under AgentCore's 900 s idle timeout.
DEFAULT_KEEPALIVE = 300.0
SERVICE = "bedrock-agentcore"

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):bedrock-agentcore:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):runtime/(?P<runtime>[A-Za-z0-9_-]+)"
)
_DOMAINS = {"aws-cn": "amazonaws.com.cn"}
# Headers worth signing: the ones AgentCore reads and no proxy rewrites. httpx adds others
# (user-agent, accept-encoding, connection) that a proxy may change, which would break the signature.
_SIGNED = ("host", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id")


@dataclass(frozen=True, slots=True)
class AgentRuntimeArn:
    """A parsed agent runtime ARN, e.g. ``arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my_server-Ab12``.

    Attributes:
        arn: The ARN as given.
        partition: ``aws``, ``aws-cn`` or ``aws-us-gov``.
        region: The region in the ARN.
        account: The 12-digit account id.
        runtime_id: The runtime's id.
    """

    arn: str
    partition: str
    region: str
    account: str
    runtime_id: str

    @classmethod
    def parse(cls, arn: str) -> AgentRuntimeArn:
        """Parse and check an agent runtime ARN.

        Raises:
            ConfigurationError: The text is not an agent runtime ARN.
        """
        match = _ARN.fullmatch(arn.strip())
        if match is None:
            raise ConfigurationError(
                f"{arn!r} is not an agent runtime ARN; expected "
                "arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id> (see `agentcore status`)."
            )
        return cls(arn.strip(), match["partition"], match["region"], match["account"], match["runtime"])


def invoke_url(arn: str, region: str | None = None, *, qualifier: str = "DEFAULT", endpoint: str | None = None) -> str:
    """The MCP endpoint of an agent runtime.

    Args:
        arn: The agent runtime ARN.
        region: The region to call; default the ARN's. It must match the ARN's region.
        qualifier: The runtime endpoint name (``DEFAULT`` unless you created another).
        endpoint: Another base URL instead of the regional AgentCore endpoint (e.g. a proxy).

    Raises:
        ConfigurationError: The ARN is malformed, the regions differ, or the qualifier is empty.
    """
    parsed = AgentRuntimeArn.parse(arn)
    if region is not None and region != parsed.region:
        raise ConfigurationError(
            f"The runtime is in {parsed.region} but region {region!r} was given; "
            f"drop the region or use {parsed.region}."
        )
    if not qualifier.strip():
        raise ConfigurationError("The qualifier is empty; use DEFAULT or the name of a runtime endpoint.")
    domain = _DOMAINS.get(parsed.partition, "amazonaws.com")
    base = (endpoint or f"https://{SERVICE}.{parsed.region}.{domain}").rstrip("/")
    return f"{base}/runtimes/{quote(parsed.arn, safe='')}/invocations?qualifier={quote(qualifier, safe='')}"


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request.

    Args:
        token: The token, or a function returning a fresh one for each request.

    Raises:
        ConfigurationError: The token is empty or contains whitespace.
    """

    def __init__(self, token: str | Callable[[], str]) -> None:
        self._token = token
        if isinstance(token, str):
            _check_token(token)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header."""
        token = self._token if isinstance(self._token, str) else _check_token(self._token())
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


def _check_token(token: str) -> str:
    if not token or any(char.isspace() for char in token):
        raise ConfigurationError("The bearer token is empty or contains whitespace; pass the raw JWT (no 'Bearer ').")
    return token


class SigV4Auth(httpx.Auth):
    """AWS Signature Version 4 with botocore's signer (service ``bedrock-agentcore``).

    Args:
        region: The region of the runtime.
        credentials: botocore credentials; default the boto3 credential chain (environment,
            profile, role). Refreshable credentials are re-read for every request.
        service: The signing name.

    Raises:
        ConfigurationError: No credentials could be found.
        toolkit.MissingExtra: boto3 is not installed (the `aws` extra).
    """

    requires_request_body = True

    def __init__(self, region: str, *, credentials: Credentials | None = None, service: str = SERVICE) -> None:
        # botocore comes with the `aws` extra; only SigV4 needs it, bearer tokens do not.
        self._signer = import_extra("botocore.auth", feature="SigV4Auth").SigV4Auth
        self._request = import_extra("botocore.awsrequest", feature="SigV4Auth").AWSRequest
        if credentials is None:
            credentials = import_extra("boto3", feature="SigV4Auth").Session().get_credentials()
        if credentials is None:
            raise ConfigurationError(
                "No AWS credentials found for SigV4; configure a profile, role or AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY, or use a bearer token instead."
            )
        self.region = region
        self.service = service
        self._credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request's method, URL, chosen headers and body."""
        signed = self._request(
            method=request.method,
            url=str(request.url),
            data=request.content,
            headers={name: value for name, value in request.headers.items() if name.lower() in _SIGNED},
        )
        self._signer(self._credentials.get_frozen_credentials(), self.service, self.region).add_auth(signed)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in signed.headers:
                request.headers[name] = signed.headers[name]
        yield request


@asynccontextmanager
async def connect_agentcore(
    arn: str,
    *,
    region: str | None = None,
    qualifier: str = "DEFAULT",
    bearer_token: str | Callable[[], str] | None = None,
    credentials: Credentials | None = None,
    keepalive: float | None = DEFAULT_KEEPALIVE,
    endpoint: str | None = None,
    **options: Any,
) -> AsyncIterator[Client]:
    """`connect()` to an MCP server on AgentCore Runtime.

    Args:
        arn: The agent runtime ARN.
        region: The region; default the ARN's.
        qualifier: The runtime endpoint name.
        bearer_token: Use bearer auth with this token (or token function); without it,
            requests are SigV4-signed.
        credentials: botocore credentials for SigV4; default the boto3 chain.
        keepalive: Seconds between pings; None for none.
        endpoint: Another base URL instead of the regional endpoint.
        **options: Passed to `connect()` (elicitation, sampling, on_progress, ...).
    """
    url = invoke_url(arn, region, qualifier=qualifier, endpoint=endpoint)
    parsed = AgentRuntimeArn.parse(arn)
    auth: httpx.Auth = (
        BearerAuth(bearer_token) if bearer_token is not None else SigV4Auth(parsed.region, credentials=credentials)
    )
    async with connect(url, auth=auth, keepalive=keepalive, **options) as client:
        yield client
