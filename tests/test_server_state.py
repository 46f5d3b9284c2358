"""Per-server state lives on the server (`server.toolkit`), per-session state goes with its session."""

from __future__ import annotations

import pytest
from harness import in_memory_client
from sdk_compat import quietly, structured

import toolkit
from toolkit.server.state import ServerState, session_state, state_of

pytestmark = pytest.mark.anyio


def test_each_server_keeps_its_own_state():
    quiet = toolkit.stateful_server("quiet", default_log_level="warning")
    chatty = toolkit.stateful_server("chatty")
    toolkit.use_fallback_sampler(quiet, toolkit.OfflineSampler())
    assert isinstance(quiet.toolkit, ServerState) and state_of(quiet) is quiet.toolkit
    assert (quiet.toolkit.default_log_level, chatty.toolkit.default_log_level) == ("warning", "debug")
    assert quiet.toolkit.fallback_sampler is not None and chatty.toolkit.fallback_sampler is None
    assert toolkit.server.enable_resource_subscriptions(quiet) is quiet.toolkit.subscriptions
    assert toolkit.server.enable_resource_subscriptions(quiet) is quiet.toolkit.subscriptions, "once per server"
    assert chatty.toolkit.subscriptions is None


async def test_a_sessions_log_level_stays_with_that_session_and_goes_with_it():
    server = toolkit.stateful_server("levels")

    @server.tool()
    async def level(ctx: toolkit.Context) -> str:
        return toolkit.server.client_log_level(ctx)

    async with in_memory_client(server) as first, in_memory_client(server) as second:
        await quietly(first.set_logging_level, "error")
        assert structured(await first.call_tool("level", {})) == {"result": "error"}
        assert structured(await second.call_tool("level", {})) == {"result": "debug"}
        assert len(server.toolkit.sessions) == 2
    assert len(server.toolkit.sessions) == 0, "dropped when the sessions ended"


async def test_progress_channels_are_kept_per_session_and_pruned_per_call():
    server = toolkit.stateful_server("channels")

    @server.tool()
    async def report(ctx: toolkit.Context) -> int:
        async with toolkit.Progress(ctx, total=2, min_interval=0) as progress:
            await progress.advance()
        state = session_state(ctx)
        assert state is not None
        return len(state.progress)

    async with in_memory_client(server) as session:
        for _ in range(3):
            result = await session.call_tool("report", {}, meta={"progressToken": "t"})
            # The finished calls' channels are pruned when the next call asks for one.
            assert structured(result) == {"result": 1}
