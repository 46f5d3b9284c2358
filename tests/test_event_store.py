"""Bounds, eviction and replay of the in-memory event store."""

from __future__ import annotations

import pytest
from mcp.types import JSONRPCMessage, JSONRPCNotification

from toolkit import BoundedEventStore, SessionEventStore

pytestmark = pytest.mark.anyio


def note(n: int) -> JSONRPCMessage:
    return JSONRPCMessage(JSONRPCNotification(jsonrpc="2.0", method="notifications/progress", params={"n": n}))


async def replay(store, last_id: str) -> tuple[str | None, list[int]]:
    got: list[int] = []

    async def collect(event) -> None:
        got.append(event.message.root.params["n"])

    stream = await store.replay_events_after(last_id, collect)
    return stream, got


async def test_replays_only_later_events_of_the_same_stream():
    store = BoundedEventStore()
    first = await store.store_event("a", note(1))
    await store.store_event("b", note(100))
    await store.store_event("a", note(2))
    await store.store_event("a", note(3))
    assert await replay(store, first) == ("a", [2, 3])


async def test_priming_events_mark_a_position_but_are_not_resent():
    store = BoundedEventStore()
    priming = await store.store_event("a", None)
    await store.store_event("a", note(1))
    await store.store_event("a", None)
    assert await replay(store, priming) == ("a", [1])


async def test_per_stream_bound_evicts_oldest_of_that_stream():
    store = BoundedEventStore(max_events_per_stream=2, max_events=100)
    ids = [await store.store_event("a", note(n)) for n in range(5)]
    await store.store_event("b", note(99))
    assert store.stream_length("a") == 2
    assert store.stream_length("b") == 1
    assert await replay(store, ids[0]) == (None, [])
    assert await replay(store, ids[3]) == ("a", [4])


async def test_total_bound_evicts_globally_oldest_first():
    store = BoundedEventStore(max_events_per_stream=100, max_events=3)
    a1 = await store.store_event("a", note(1))
    b1 = await store.store_event("b", note(2))
    await store.store_event("a", note(3))
    await store.store_event("b", note(4))
    assert len(store) == 3
    assert store.stream_of(a1) is None
    assert await replay(store, b1) == ("b", [4])


async def test_emptied_streams_are_forgotten():
    store = BoundedEventStore(max_events_per_stream=10, max_events=1)
    await store.store_event("a", note(1))
    await store.store_event("b", note(2))
    assert store.stream_length("a") == 0
    assert "a" not in store._streams


@pytest.mark.parametrize("bad", ["", "abc", "-", "999999"])
async def test_unknown_or_malformed_ids_replay_nothing(bad):
    store = BoundedEventStore()
    await store.store_event("a", note(1))
    assert await replay(store, bad) == (None, [])


def test_bounds_must_be_positive():
    with pytest.raises(ValueError):
        BoundedEventStore(max_events_per_stream=0)


async def test_session_views_do_not_see_each_other():
    shared = BoundedEventStore()
    alice = SessionEventStore(shared, "alice")
    bob = SessionEventStore(shared, "bob")
    a_first = await alice.store_event("1", note(1))
    await bob.store_event("1", note(50))
    await alice.store_event("1", note(2))
    assert await replay(alice, a_first) == ("1", [2])
    assert await replay(bob, a_first) == (None, [])
