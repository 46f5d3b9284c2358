"""`toolkit.server.freshness`: caching hints on 2026-07-28 results, and list-change notices."""

from __future__ import annotations

import anyio
import pytest
from harness import asgi_http, in_memory_client
from sdk_compat import SESSIONLESS_REVISION, is_error, text_of, wire_callbacks

import toolkit
from toolkit import Context
from toolkit.server import CacheHint, notify_list_changed

ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": SESSIONLESS_REVISION,
    "io.modelcontextprotocol/clientCapabilities": {},
}


def test_a_hint_is_a_whole_number_of_milliseconds_and_a_known_scope():
    assert CacheHint() == CacheHint(0, "private")
    for ttl_ms in (-1, 1.5, True):
        with pytest.raises(toolkit.ConfigurationError, match="ttl_ms"):
            CacheHint(ttl_ms)  # type: ignore[arg-type]
    with pytest.raises(toolkit.ConfigurationError, match="'public' or 'private'"):
        CacheHint(10, "shared")  # type: ignore[arg-type]


def test_hints_only_for_cacheable_methods_and_only_as_cache_hints():
    with pytest.raises(toolkit.ConfigurationError, match=r"tools/call.*use the methods tools/list"):
        toolkit.stateful_server("hints", cache_hints={"tools/call": CacheHint()})
    with pytest.raises(toolkit.ConfigurationError, match=r"cache_hints\['tools/list'\] is a tuple"):
        toolkit.stateful_server("hints", cache_hints={"tools/list": (10, "public")})  # type: ignore[dict-item]


async def _post(http, method: str, id: int) -> dict:
    headers = {
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
        "MCP-Protocol-Version": SESSIONLESS_REVISION,
        "Mcp-Method": method,
    }
    body = {"jsonrpc": "2.0", "id": id, "method": method, "params": {"_meta": ENVELOPE}}
    response = await http.post("/mcp", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["result"]


@pytest.mark.anyio
@pytest.mark.requires_revision(SESSIONLESS_REVISION)
async def test_hinted_methods_carry_their_hint_and_the_others_the_default():
    server = toolkit.stateful_server("hints", cache_hints={"tools/list": CacheHint(60_000, "public")})

    @server.tool()
    def nothing() -> str:
        """Do nothing."""
        return "nothing"

    async with asgi_http(server) as http:
        tools = await _post(http, "tools/list", 1)
        prompts = await _post(http, "prompts/list", 2)
    assert (tools["ttlMs"], tools["cacheScope"]) == (60_000, "public")
    assert (prompts["ttlMs"], prompts["cacheScope"]) == (0, "private")


@pytest.mark.only_mcp1("mcp 1.x serves no 2026-07-28, the revision whose results carry hints")
def test_hints_are_accepted_and_have_nothing_to_stamp_on_mcp1():
    server = toolkit.stateful_server("hints", cache_hints={"resources/list": CacheHint(1000, "public")})
    assert server.name == "hints"


def _changing_server() -> toolkit.StatefulServer:
    server = toolkit.stateful_server("changes")

    @server.tool()
    async def change(kind: str, ctx: Context) -> str:
        """Announce that the `kind` list changed."""
        await notify_list_changed(ctx, kind)  # type: ignore[arg-type]
        return f"{kind} changed"

    return server


@pytest.mark.anyio
async def test_the_calling_session_hears_that_a_list_changed():
    heard: list[str] = []
    told = anyio.Event()

    def on_notification(message: dict) -> None:
        if message["method"].endswith("/list_changed"):
            heard.append(message["method"])
            if len(heard) == 3:
                told.set()

    async with in_memory_client(_changing_server(), **wire_callbacks(notification=on_notification)) as client:
        for kind in ("tools", "prompts", "resources"):
            result = await client.call_tool("change", {"kind": kind})
            assert not is_error(result), text_of(result)
        with anyio.fail_after(5):
            await told.wait()
    assert heard == [
        "notifications/tools/list_changed",
        "notifications/prompts/list_changed",
        "notifications/resources/list_changed",
    ]


@pytest.mark.anyio
async def test_an_unknown_list_is_refused_by_name():
    async with in_memory_client(_changing_server()) as client:
        result = await client.call_tool("change", {"kind": "widgets"})
    assert is_error(result)
    assert "'widgets' is not a list; use tools, prompts or resources" in text_of(result)
