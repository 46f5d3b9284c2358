"""Bounds, eviction and replay of the in-memory event store."""

from __future__ import annotations

from typing import Any

import pytest
from sdk_compat import jsonrpc_message, message_wire

from toolkit.server import BoundedEventStore, SessionEventStore

pytestmark = pytest.mark.anyio


def note(n: int) -> Any:
    return jsonrpc_message({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"n": n}})


async def replay(store, last_id: str) -> tuple[str | None, list[int]]:
    got: list[int] = []

    async def collect(event) -> None:
        got.append(message_wire(event.message)["params"]["n"])

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


def big(n: int, chars: int) -> Any:
    params = {"n": n, "pad": "x" * chars}
    return jsonrpc_message({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})


def wire_size(message: Any) -> int:
    return len(message.model_dump_json(by_alias=True, exclude_none=True).encode())


async def test_bytes_are_the_json_of_the_kept_messages_and_priming_events_count_none():
    store = BoundedEventStore()
    await store.store_event("a", None)
    await store.store_event("a", note(1))
    await store.store_event("b", big(2, 100))
    assert store.nbytes == wire_size(note(1)) + wire_size(big(2, 100))


async def test_replayed_messages_equal_the_stored_ones():
    store = BoundedEventStore()
    first = await store.store_event("a", None)
    sent = [big(1, 10), note(2)]
    for message in sent:
        await store.store_event("a", message)
    got = []

    async def collect(event) -> None:
        got.append(event.message)

    assert await store.replay_events_after(first, collect) == "a"
    assert got == sent


async def test_per_stream_byte_bound_evicts_oldest_of_that_stream():
    size = wire_size(big(0, 1_000))
    store = BoundedEventStore(max_bytes_per_stream=3 * size, max_bytes=100 * size)
    ids = [await store.store_event("a", big(n, 1_000)) for n in range(5)]
    await store.store_event("b", big(9, 1_000))
    assert store.stream_length("a") == 3
    assert store.nbytes == 4 * size
    assert await replay(store, ids[1]) == (None, [])
    assert await replay(store, ids[2]) == ("a", [3, 4])


async def test_total_byte_bound_evicts_globally_oldest_first():
    size = wire_size(big(0, 1_000))
    store = BoundedEventStore(max_bytes_per_stream=100 * size, max_bytes=3 * size)
    a1 = await store.store_event("a", big(1, 1_000))
    b1 = await store.store_event("b", big(2, 1_000))
    await store.store_event("a", big(3, 1_000))
    await store.store_event("b", big(4, 1_000))
    assert store.nbytes == 3 * size
    assert store.stream_of(a1) is None
    assert await replay(store, b1) == ("b", [4])


async def test_an_event_over_the_stream_bound_is_not_kept_and_neither_is_its_history():
    store = BoundedEventStore(max_bytes_per_stream=2_000)
    first = await store.store_event("a", note(1))
    await store.store_event("a", note(2))
    oversized = await store.store_event("a", big(3, 5_000))
    later = await store.store_event("a", note(4))
    await store.store_event("a", note(5))
    # Replaying from before the oversized event would skip it: nothing is replayed instead.
    assert await replay(store, first) == (None, [])
    assert await replay(store, oversized) == (None, [])
    assert await replay(store, later) == ("a", [5])
    assert store.nbytes == wire_size(note(4)) + wire_size(note(5))


async def test_discarding_a_session_returns_its_bytes_and_keeps_the_others():
    shared = BoundedEventStore()
    alice = SessionEventStore(shared, "alice")
    bob = SessionEventStore(shared, "bob")
    for stream in ("1", "2", "3"):
        await alice.store_event(stream, None)
        await alice.store_event(stream, big(1, 10_000))
    bob_first = await bob.store_event("1", None)
    await bob.store_event("1", note(7))
    assert alice.nbytes == 3 * wire_size(big(1, 10_000))

    alice.close()

    assert alice.nbytes == 0
    assert shared.nbytes == bob.nbytes == wire_size(note(7))
    assert len(shared) == 2
    assert await replay(bob, bob_first) == ("1", [7])


async def test_a_closed_session_view_keeps_nothing_more():
    shared = BoundedEventStore()
    view = SessionEventStore(shared, "gone")
    view.close()
    late = await view.store_event("1", note(1))
    assert shared.nbytes == 0
    assert len(shared) == 0
    assert await replay(view, late) == (None, [])


@pytest.mark.parametrize("bound", ["max_events", "max_bytes_per_stream", "max_bytes"])
def test_every_bound_must_be_positive(bound):
    with pytest.raises(ValueError, match="at least 1"):
        BoundedEventStore(**{bound: 0})
