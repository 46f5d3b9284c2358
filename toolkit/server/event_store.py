"""A bounded in-memory `EventStore`, so a dropped SSE stream resumes with `Last-Event-ID`.

The MCP SDK defines the `EventStore` interface but ships no implementation. This one keeps
the newest events of each stream, caps the total, and evicts the oldest event first when
either bound is reached. A client whose `Last-Event-ID` was already evicted gets nothing
replayed (the SDK then closes the resumed stream) rather than a wrong or partial history.

Stream ids inside one streamable-HTTP session are JSON-RPC request ids ("1", "2", ...),
which collide across sessions. `SessionEventStore` scopes a shared store to one session so a
client can never replay another session's events.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from dataclasses import dataclass

from mcp.server.streamable_http import EventCallback, EventId, EventMessage, EventStore, StreamId
from mcp.types import JSONRPCMessage

__all__ = ["BoundedEventStore", "SessionEventStore"]

DEFAULT_MAX_EVENTS_PER_STREAM = 1_000
DEFAULT_MAX_EVENTS = 50_000


@dataclass(slots=True)
class _Event:
    stream_id: StreamId
    message: JSONRPCMessage | None


class BoundedEventStore(EventStore):
    """Keeps at most `max_events_per_stream` per stream and `max_events` in total.

    Event ids are increasing integers rendered as strings, so "after" is a plain comparison.

    Args:
        max_events_per_stream: Events kept per stream; older ones are evicted first.
        max_events: Events kept across all streams; the globally oldest is evicted first.
    """

    def __init__(
        self,
        max_events_per_stream: int = DEFAULT_MAX_EVENTS_PER_STREAM,
        max_events: int = DEFAULT_MAX_EVENTS,
    ) -> None:
        if max_events_per_stream < 1 or max_events < 1:
            raise ValueError("event store bounds must be at least 1")
        self.max_events_per_stream = max_events_per_stream
        self.max_events = max_events
        self._counter = itertools.count(1)
        # Global insertion order doubles as the eviction order for the total bound.
        self._events: OrderedDict[int, _Event] = OrderedDict()
        self._streams: dict[StreamId, deque[int]] = {}

    def __len__(self) -> int:
        return len(self._events)

    def stream_length(self, stream_id: StreamId) -> int:
        """Number of events currently kept for `stream_id`."""
        return len(self._streams.get(stream_id, ()))

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        seq = next(self._counter)
        self._events[seq] = _Event(stream_id, message)
        ids = self._streams.setdefault(stream_id, deque())
        ids.append(seq)
        if len(ids) > self.max_events_per_stream:
            del self._events[ids.popleft()]
        while len(self._events) > self.max_events:
            self._evict_oldest()
        return str(seq)

    def _evict_oldest(self) -> None:
        _, event = self._events.popitem(last=False)
        ids = self._streams[event.stream_id]
        # A stream's ids are a subsequence of the global order, so its oldest is this one.
        ids.popleft()
        if not ids:
            del self._streams[event.stream_id]

    def stream_of(self, event_id: EventId) -> StreamId | None:
        """The stream that `event_id` belongs to, or None if it is unknown or evicted."""
        seq = _parse_event_id(event_id)
        event = self._events.get(seq) if seq is not None else None
        return event.stream_id if event is not None else None

    async def replay_events_after(self, last_event_id: EventId, send_callback: EventCallback) -> StreamId | None:
        seq = _parse_event_id(last_event_id)
        event = self._events.get(seq) if seq is not None else None
        if event is None:
            return None
        for later in list(self._streams.get(event.stream_id, ())):
            replayed = self._events.get(later)
            # Priming events (message None) mark a position only; they are never re-sent.
            if later > seq and replayed is not None and replayed.message is not None:
                await send_callback(EventMessage(replayed.message, str(later)))
        return event.stream_id


class SessionEventStore(EventStore):
    """A view of a shared store that only sees the events of one session.

    Args:
        store: The shared store that holds the events.
        session_id: The `Mcp-Session-Id` this view belongs to.
    """

    def __init__(self, store: BoundedEventStore, session_id: str) -> None:
        self._store = store
        self._prefix = f"{session_id}/"

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        return await self._store.store_event(self._prefix + stream_id, message)

    async def replay_events_after(self, last_event_id: EventId, send_callback: EventCallback) -> StreamId | None:
        stream_id = self._store.stream_of(last_event_id)
        if stream_id is None or not stream_id.startswith(self._prefix):
            return None
        await self._store.replay_events_after(last_event_id, send_callback)
        return stream_id.removeprefix(self._prefix)


def _parse_event_id(event_id: EventId) -> int | None:
    try:
        return int(event_id)
    except (TypeError, ValueError):
        return None
