"""Owners of requests, and the AgentCore id rules that untrusted headers are checked against."""

from __future__ import annotations

import re

import boto3
import pytest
from harness import in_memory_client
from hypothesis import given
from hypothesis import strategies as st
from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from sdk_compat import SDKServer, is_error, text_of, to_wire

from toolkit import Context
from toolkit.errors import InvalidArgument
from toolkit.tasks import MemoryIds, OwnerPolicy, owner_of, parse_memory_ids
from toolkit.tasks.memory_ids import ACTOR_ID, MEMORY_ID, SESSION_ID
from toolkit.tasks.owners import actor_from_header

pytestmark = pytest.mark.anyio

HEADER = "X-Memory-Ids"
SERVICE_MODEL = boto3.client("bedrock-agentcore", region_name="us-east-1").meta.service_model


def owner_server(policy: OwnerPolicy | None = None) -> SDKServer:
    server = SDKServer("owners")

    @server.tool()
    async def who(ctx: Context) -> str:
        return repr(owner_of(ctx, policy))

    return server


async def call_who(session) -> str:
    result = await session.call_tool("who", {})
    assert not is_error(result), to_wire(result)
    return text_of(result)


async def test_without_a_user_or_actor_the_caller_is_anonymous_in_every_session():
    # The session is not an owner: a client that reconnects gets a new one.
    server = owner_server(OwnerPolicy(actor_header="X-Actor"))
    async with in_memory_client(server) as first, in_memory_client(server) as second:
        assert [await call_who(first), await call_who(second)] == ["None", "None"]


@pytest.mark.parametrize(("subject", "owner"), [("alice", "user:alice"), (None, "user:client-7")])
async def test_an_authenticated_user_owns_the_request(subject, owner):
    token = AccessToken(token="t", client_id="client-7", scopes=[], subject=subject)
    reset = auth_context_var.set(AuthenticatedUser(token))
    try:
        async with in_memory_client(owner_server(OwnerPolicy(actor_header="X-Actor"))) as session:
            assert await call_who(session) == repr(owner)
    finally:
        auth_context_var.reset(reset)


def test_the_service_models_rules_are_the_ones_we_check():
    members = SERVICE_MODEL.operation_model("CreateEvent").input_shape.members
    for member, rule in (("memoryId", MEMORY_ID), ("actorId", ACTOR_ID), ("sessionId", SESSION_ID)):
        metadata = members[member].metadata
        assert rule.pattern.pattern == metadata["pattern"], member
        assert rule.min_length == metadata["min"], member
        assert rule.max_length == metadata.get("max", rule.max_length), member


def test_a_packed_header_splits_into_validated_ids():
    ids = parse_memory_ids("sess-1@@@mem_x-0123456789@@@user:alice/team", HEADER)
    assert ids == MemoryIds(memory_id="mem_x-0123456789", actor_id="user:alice/team", session_id="sess-1")
    assert ids.as_metadata() == {"memory_id": "mem_x-0123456789", "actor_id": "user:alice/team", "session_id": "sess-1"}


def test_a_memory_arn_is_accepted():
    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/mem_x-0123456789"
    assert parse_memory_ids(f"s@@@{arn}@@@a").memory_id == arn


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "expected three ids"),
        ("a@@@b", "expected three ids"),
        ("a@@@b@@@c@@@d", "expected three ids"),
        ("s@@@mem-0123456789@@@", "actorId must be 1-255"),
        ("@@@mem-0123456789@@@a", "sessionId must be 1-100"),
        ("s@@@short@@@a", "memoryId must be"),
        ("s@@@mem-012345678@@@a", "memoryId 'mem-012345678' may only contain"),
        ("s@@@mem-0123456789@@@-leading", "actorId '-leading' may only contain"),
        ("s@@@mem-0123456789@@@a::b", "actorId 'a::b' may only contain"),
        ("s s@@@mem-0123456789@@@a", "sessionId 's s' may only contain"),
        ("s@@@mem-0123456789@@@a\r\nX-Evil: 1", "actorId"),
        ("s@@@mem-0123456789@@@" + "a" * 256, "actorId must be 1-255"),
        ("x" * 4097, "longer than 4096"),
    ],
)
def test_bad_packed_headers_are_refused_with_the_reason(value, problem):
    with pytest.raises(InvalidArgument, match=problem) as caught:
        parse_memory_ids(value, HEADER)
    assert caught.value.argument == HEADER
    assert len(str(caught.value)) < 300


def test_an_actor_header_may_be_plain_or_packed():
    assert actor_from_header("X-Actor", "alice") == "alice"
    assert actor_from_header("X-Actor", "s@@@mem-0123456789@@@bob") == "bob"
    with pytest.raises(InvalidArgument, match="actorId"):
        actor_from_header("X-Actor", "bob smith")


ID_PARTS = st.text(alphabet="abZ09-_:/ @\r\n\u00e9", max_size=12)
HEADER_VALUES = st.one_of(
    st.text(max_size=300),
    st.tuples(ID_PARTS, ID_PARTS.map(lambda name: f"m{name}-0123456789"), ID_PARTS).map("@@@".join),
)


@given(HEADER_VALUES)
def test_any_header_value_gives_ids_the_service_accepts_or_invalid_header(value):
    try:
        ids = parse_memory_ids(value, HEADER)
    except InvalidArgument:
        return
    members = SERVICE_MODEL.operation_model("CreateEvent").input_shape.members
    for member, part in (("memoryId", ids.memory_id), ("actorId", ids.actor_id), ("sessionId", ids.session_id)):
        metadata = members[member].metadata
        assert re.fullmatch(metadata["pattern"], part), (member, part)
        assert metadata["min"] <= len(part) <= metadata.get("max", 2048)
