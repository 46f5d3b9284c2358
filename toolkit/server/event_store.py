"""A bounded in-memory `EventStore`, so a dropped SSE stream resumes with `Last-Event-ID`.

The MCP SDK defines the `EventStore` interface but ships no implementation. This one keeps
the newest events of each stream and evicts the oldest event first when a bound is reached:
a number of events and a number of bytes, per stream and in total. A client whose
`Last-Event-ID` was already evicted gets nothing replayed (the SDK then closes the resumed
stream) rather than a wrong or partial history.

Events are kept as the JSON text the SDK sends on the wire, so a byte bound is exact and
the store holds compact bytes rather than the message objects a client's input was parsed
into. Replaying parses them back.

Stream ids inside one streamable-HTTP session are JSON-RPC request ids ("1", "2", ...),
which collide across sessions. `SessionEventStore` scopes a shared store to one session so a
client can never replay another session's events, and `BoundedEventStore.discard_session`
drops a session's events once the session has ended.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .._sdk import sdk

__all__ = ["BoundedEventStore", "SessionEventStore"]

# The SDK's names for these, which are plain strings and callbacks on both lines.
StreamId = str
EventId = str
#: Receives each replayed event (the SDK's `EventMessage`).
EventCallback = Callable[[Any], Awaitable[None]]

DEFAULT_MAX_EVENTS_PER_STREAM = 1_000
DEFAULT_MAX_EVENTS = 50_000
#: Twice the SDK's largest request body, so an answer echoing a whole request still resumes.
DEFAULT_MAX_BYTES_PER_STREAM = 8 * 1024 * 1024
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class _Event:
    stream_id: StreamId
    # The message as sent on the wire; None for a priming event, which marks a position only.
    data: bytes | None

    @property
    def nbytes(self) -> int:
        return len(self.data) if self.data is not None else 0


@dataclass(slots=True)
class _Stream:
    session_id: str | None
    ids: deque[int] = field(default_factory=deque)
    nbytes: int = 0


class BoundedEventStore(sdk.EventStoreBase):  # type: ignore[misc,name-defined]
    """Keeps the newest events per stream and in total, within event and byte bounds.

    Event ids are increasing integers rendered as strings, so "after" is a plain comparison.
    The events a stream keeps are always the newest ones sent on it, without gaps: an event
    larger than `max_bytes_per_stream` is not kept, and neither is anything before it.

    Args:
        max_events_per_stream: Events kept per stream; older ones are evicted first.
        max_events: Events kept across all streams; the globally oldest is evicted first.
        max_bytes_per_stream: Bytes of message JSON kept per stream.
        max_bytes: Bytes of message JSON kept across all streams.

    Raises:
        ValueError: A bound is below 1.
    """

    def __init__(
        self,
        max_events_per_stream: int = DEFAULT_MAX_EVENTS_PER_STREAM,
        max_events: int = DEFAULT_MAX_EVENTS,
        max_bytes_per_stream: int = DEFAULT_MAX_BYTES_PER_STREAM,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        if min(max_events_per_stream, max_events, max_bytes_per_stream, max_bytes) < 1:
            raise ValueError("event store bounds must be at least 1")
        self.max_events_per_stream = max_events_per_stream
        self.max_events = max_events
        self.max_bytes_per_stream = max_bytes_per_stream
        self.max_bytes = max_bytes
        self._counter = itertools.count(1)
        # Global insertion order doubles as the eviction order for the total bounds.
        self._events: OrderedDict[int, _Event] = OrderedDict()
        self._streams: dict[StreamId, _Stream] = {}
        self._sessions: dict[str, set[StreamId]] = {}
        self._nbytes = 0

    def __len__(self) -> int:
        return len(self._events)

    @property
    def nbytes(self) -> int:
        """Bytes of message JSON kept now, across all streams."""
        return self._nbytes

    def stream_length(self, stream_id: StreamId) -> int:
        """Number of events currently kept for `stream_id`."""
        stream = self._streams.get(stream_id)
        return len(stream.ids) if stream is not None else 0

    def session_nbytes(self, session_id: str) -> int:
        """Bytes of message JSON kept now for the session `session_id`."""
        return sum(self._streams[stream_id].nbytes for stream_id in self._sessions.get(session_id, ()))

    async def store_event(self, stream_id: StreamId, message: Any) -> EventId:
        return self._store(stream_id, message, None)

    def _store(self, stream_id: StreamId, message: Any, session_id: str | None) -> EventId:
        seq = next(self._counter)
        # The SDK's message models (either line) render their wire JSON the same way.
        data = message.model_dump_json(by_alias=True, exclude_none=True).encode() if message is not None else None
        event = _Event(stream_id, data)
        if event.nbytes > min(self.max_bytes_per_stream, self.max_bytes):
            # Keeping older events without this one would replay a history with a hole.
            self._drop_stream(stream_id)
            return str(seq)
        stream = self._streams.get(stream_id)
        if stream is None:
            stream = self._streams[stream_id] = _Stream(session_id)
            if session_id is not None:
                self._sessions.setdefault(session_id, set()).add(stream_id)
        self._events[seq] = event
        stream.ids.append(seq)
        stream.nbytes += event.nbytes
        self._nbytes += event.nbytes
        while len(stream.ids) > self.max_events_per_stream or stream.nbytes > self.max_bytes_per_stream:
            self._evict(stream.ids[0])
        while len(self._events) > self.max_events or self._nbytes > self.max_bytes:
            self._evict(next(iter(self._events)))
        return str(seq)

    def _unkept_event_id(self) -> EventId:
        # An id that was never kept replays nothing, as an evicted one does.
        return str(next(self._counter))

    def _evict(self, seq: int) -> None:
        """Remove event `seq`, which is the oldest of its stream."""
        event = self._events.pop(seq)
        stream = self._streams[event.stream_id]
        # A stream's ids are a subsequence of the global order, so its oldest is this one.
        stream.ids.popleft()
        stream.nbytes -= event.nbytes
        self._nbytes -= event.nbytes
        if not stream.ids:
            self._forget_stream(event.stream_id, stream)

    def _drop_stream(self, stream_id: StreamId) -> None:
        stream = self._streams.get(stream_id)
        if stream is None:
            return
        for seq in stream.ids:
            del self._events[seq]
        self._nbytes -= stream.nbytes
        self._forget_stream(stream_id, stream)

    def _forget_stream(self, stream_id: StreamId, stream: _Stream) -> None:
        del self._streams[stream_id]
        if stream.session_id is not None:
            streams = self._sessions[stream.session_id]
            streams.discard(stream_id)
            if not streams:
                del self._sessions[stream.session_id]

    def discard_session(self, session_id: str) -> None:
        """Drop every event stored through the `SessionEventStore` of `session_id`."""
        for stream_id in list(self._sessions.get(session_id, ())):
            self._drop_stream(stream_id)

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
        stream = self._streams[event.stream_id]
        for later in list(stream.ids):
            replayed = self._events.get(later)
            # Priming events (no data) mark a position only; they are never re-sent.
            if later > seq and replayed is not None and replayed.data is not None:
                await send_callback(sdk.replayed_event(str(later), replayed.data))
        return event.stream_id


class SessionEventStore(sdk.EventStoreBase):  # type: ignore[misc,name-defined]
    """A view of a shared store that only sees the events of one session.

    The preset closes the view when its session ends (DELETE, idle timeout or crash), which
    drops the session's events from the shared store; nothing stored after that is kept.

    Args:
        store: The shared store that holds the events.
        session_id: The `Mcp-Session-Id` this view belongs to.
    """

    def __init__(self, store: BoundedEventStore, session_id: str) -> None:
        self._store = store
        self._session_id = session_id
        self._prefix = f"{session_id}/"
        self._closed = False

    @property
    def nbytes(self) -> int:
        """Bytes of message JSON the shared store keeps for this session now."""
        return self._store.session_nbytes(self._session_id)

    def close(self) -> None:
        """Drop this session's events from the shared store and keep none from now on."""
        self._closed = True
        self._store.discard_session(self._session_id)

    async def store_event(self, stream_id: StreamId, message: Any) -> EventId:
        if self._closed:
            return self._store._unkept_event_id()
        return self._store._store(self._prefix + stream_id, message, self._session_id)

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
