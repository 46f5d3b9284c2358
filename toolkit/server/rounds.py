"""Questions to the client on both protocol revisions: one entry point, and replay on 2026-07-28.

Every question a tool asks the client (a form, a URL, a sampling request, the roots) goes
through `ask_client`:

- On a 2025-11-25 session it is a server-to-client request on the call's own stream, answered
  while the tool waits.
- A 2026-07-28 request has no channel back to the client. There the call is answered in
  *rounds*: the first question without an answer ends the round with an input-required
  result asking it, and the client calls again with the answer (`inputResponses`) and the
  sealed `requestState` of the round before. The tool body then runs again from the top
  (*replay*): every question already answered returns its recorded answer at once, and the
  body goes on to the next one.

The replay rule for tool authors: code before a question runs again on every round. Keep a
side effect or an expensive step from repeating with `once` (its JSON result is kept in the
state), and give a write an idempotency key with `flow_id`, because any round (the last one
too) can arrive twice, or on two replicas at once.

Questions are told apart by key: the one given (`key=`), else their order of asking in the
body ("q1", "q2", ...), which the replay keeps. Questions asked concurrently (in one task
group) go out in one round.

The state is this module's compact JSON, sealed by the SDK (see `toolkit.server.preset` for
the keys); it holds the flow's id, the answers so far (each with a fingerprint of its
question, so a body that asks something else on replay is caught), the questions pending and
the results of `once`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import inspect
import json
import secrets
import zlib
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from .._sdk import SESSIONLESS_REVISION, NoBackChannel, sdk
from ..errors import CapabilityError, ConfigurationError, ReplayError

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = [
    "STATE_VERSION",
    "InputNeeded",
    "ask_client",
    "attempt_key",
    "current_call",
    "flow_id",
    "is_replayed",
    "once",
    "replayable",
    "required_capabilities",
]

T = TypeVar("T")

#: The version of the state's JSON; a state of another version is refused by name.
STATE_VERSION = 1
#: An unanswered question yields to the event loop before it ends the round, so questions
#: asked concurrently (siblings in a task group) reach their own ask and go out in the same
#: round: until this many yields in a row brought no new question, and at most `_MOST_YIELDS`.
_QUIET_YIELDS = 2
_MOST_YIELDS = 16
#: States longer than this are compressed; shorter ones gain too little to pay for it.
_COMPRESS_FROM = 1024
# Made once: `json.dumps` with any option builds a new encoder on every call.
_COMPACT = json.JSONEncoder(separators=(",", ":"))
_FINGERPRINT = json.JSONEncoder(separators=(",", ":"), default=str)
#: Bytes of a question's fingerprint.
_DIGEST_BYTES = 6


class InputNeeded(BaseException):
    """Ends this round of a 2026-07-28 call: a question has no answer yet.

    A `BaseException`, like cancellation, so a tool's `except Exception` does not swallow it.
    The toolkit's wrapper around the tool turns it into an input-required result.
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(slots=True)
class _Question:
    method: str
    params: dict[str, Any]
    digest: str


@dataclass(eq=False, slots=True)
class _Call:
    """What the toolkit keeps for one call (one round of a flow on 2026-07-28).

    `replaying` is True for a 2026-07-28 call whose function the toolkit wrapped: its
    questions become input-required results. The state is read on first use, so a tool
    that writes its own input-required results keeps its own state untouched.
    """

    ctx: Any
    replaying: bool
    state_text: str | None = None
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    loaded: bool = False
    flow: str | None = None
    answers: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    asked_before: dict[str, str] = field(default_factory=dict)
    once_results: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, _Question] = field(default_factory=dict)
    keys_used: set[str] = field(default_factory=set)
    counter: int = 0
    #: What the client of this call declared, read once (`client_features`).
    features: Any = None

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        if not self.replaying:
            return
        # Read on first use: a call that asks nothing never pays for it.
        self.state_text = sdk.request_state(self.ctx)
        self.responses = sdk.input_responses(self.ctx) or {}
        if self.state_text is None:
            return
        doc = _parse_state(self.state_text)
        self.flow = doc["id"]
        self.answers = {key: (entry[0], entry[1]) for key, entry in doc["a"].items()}
        self.asked_before = dict(doc["p"])
        self.once_results = dict(doc["o"])

    def flow_id(self) -> str:
        self.load()
        if self.flow is None:
            self.flow = secrets.token_hex(16)
        return self.flow

    def claim(self, key: str | None) -> str:
        """The key of the next question: `key` itself, or the next one by order of asking."""
        if key is None:
            self.counter += 1
            key = f"q{self.counter}"
        elif not isinstance(key, str) or not key:
            raise ConfigurationError(f"A question's key must be a non-empty string, not {key!r}.")
        if key in self.keys_used:
            raise ConfigurationError(
                f"Two questions of one call use the key {key!r}; give each question its own key= "
                "(or none, to number them by order of asking)."
            )
        self.keys_used.add(key)
        return key

    async def ask(self, key: str, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The recorded answer to the question at `key`, or end the round asking it."""
        self.load()
        digest = _digest(method, params)
        recorded = self.answers.get(key)
        if recorded is not None:
            if recorded[0] != digest:
                raise _mismatch(key, method)
            return recorded[1]
        response = self.responses.get(key)
        if response is not None:
            asked = self.asked_before.get(key)
            if asked is not None and asked != digest:
                raise _mismatch(key, method)
            # What later rounds will replay, so this round sees the same answer they will.
            kept = self.answers[key] = (digest, _kept(response))
            return kept[1]
        self.pending[key] = _Question(method, params, digest)
        # Let concurrent siblings reach their own questions first, so they go out together.
        quiet = 0
        for _ in range(_MOST_YIELDS):
            asked = len(self.pending)
            await anyio.lowlevel.checkpoint()
            quiet = quiet + 1 if len(self.pending) == asked else 0
            if quiet == _QUIET_YIELDS:
                break
        raise InputNeeded(key)

    def input_required(self) -> Any:
        requests = {key: {"method": q.method, "params": q.params} for key, q in self.pending.items()}
        return sdk.input_required(requests, self.dump())

    def dump(self) -> str:
        """The state of this round, as the plaintext the SDK seals."""
        doc = {
            "v": STATE_VERSION,
            "id": self.flow_id(),
            "a": {key: [digest, answer] for key, (digest, answer) in self.answers.items()},
            "p": {key: question.digest for key, question in self.pending.items()},
            "o": self.once_results,
        }
        text = _COMPACT.encode(doc)
        if self.once_results or len(text) < _COMPRESS_FROM:
            # A length that shrinks with what the client typed would hint at what `once`
            # kept next to it; without `once` results there is nothing to hint at.
            return text
        packed = "z" + base64.urlsafe_b64encode(zlib.compress(text.encode())).decode().rstrip("=")
        # The SDK embeds the state as a JSON string, which escapes each quote and backslash
        # of plain JSON (ASCII only, so nothing else grows).
        embedded = len(text) + text.count('"') + text.count("\\")
        return packed if len(packed) < embedded else text


_CALL: ContextVar[_Call | None] = ContextVar("toolkit_call", default=None)


def _digest(method: str, params: Mapping[str, Any]) -> str:
    # Unsorted: a replayed body builds its params in the same order, and sorting costs.
    data = _FINGERPRINT.encode([method, params])
    raw = hashlib.sha256(data.encode()).digest()[:_DIGEST_BYTES]
    return base64.urlsafe_b64encode(raw).decode()


def _kept(response: Mapping[str, Any]) -> dict[str, Any]:
    # What the toolkit reads of an answer; `_meta` and `resultType` only make the state bigger.
    return {key: value for key, value in response.items() if key not in ("_meta", "resultType")}


def _mismatch(key: str, method: str) -> ReplayError:
    return ReplayError(
        f"The question {key!r} ({method}) differs from the one asked at that key in an earlier round, "
        "so its answer cannot be reused. A tool must ask the same questions in the same order on every "
        "round: keep what decides a question out of the clock and randomness (or compute it with "
        "toolkit.once), and give questions asked concurrently their own key=."
    )


def _parse_state(text: str) -> dict[str, Any]:
    try:
        if text.startswith("z"):
            data = zlib.decompress(base64.urlsafe_b64decode(text[1:] + "=" * (-len(text[1:]) % 4))).decode()
        else:
            data = text
        doc = json.loads(data)
    except (ValueError, zlib.error) as exc:
        raise ReplayError(
            "The call's requestState was not made by the toolkit, so its questions cannot be replayed. "
            "A tool that writes its own input-required results must not also use the toolkit's questions."
        ) from exc
    if not isinstance(doc, dict) or doc.get("v") != STATE_VERSION:
        raise ReplayError(
            f"The call's requestState has version {doc.get('v') if isinstance(doc, dict) else None!r}, "
            f"not {STATE_VERSION}: it was made by another version of the toolkit. Start the call again."
        )
    valid = (
        isinstance(doc.get("id"), str)
        and isinstance(doc.get("a"), dict)
        and all(isinstance(entry, list) and len(entry) == 2 for entry in doc["a"].values())
        and isinstance(doc.get("p"), dict)
        and isinstance(doc.get("o"), dict)
    )
    if not valid:
        raise ReplayError("The call's requestState is malformed; start the call again.")
    return doc


def current_call(ctx: Context) -> _Call | None:
    """What the toolkit keeps for the call of `ctx` while it runs, or None (not a call it wrapped)."""
    call = _CALL.get()
    return call if call is not None and call.ctx is ctx else None



def _call_of(ctx: Context) -> _Call:
    """The call of `ctx`; for a function the toolkit did not wrap, one made for this call now."""
    call = current_call(ctx)
    if call is None:
        call = _Call(ctx, replaying=False)
        # Set inside the running request, so it lasts exactly as long as the call's task.
        _CALL.set(call)
    return call


def is_replayed(ctx: Context) -> bool:
    """Whether the call of `ctx` is answered in rounds (2026-07-28, through a toolkit server)."""
    call = current_call(ctx)
    return call is not None and call.replaying


def attempt_key(key: str | None, attempt: int) -> str | None:
    """The key of attempt `attempt` (from 1) of a question re-asked under `key`."""
    if key is None or attempt == 1:
        return key
    return f"{key}.{attempt}"


async def ask_client(
    ctx: Context,
    method: str,
    params: dict[str, Any],
    *,
    seconds: float | None,
    timeout_reason: str,
    key: str | None = None,
) -> dict[str, Any]:
    """Ask the client (`elicitation/create`, `sampling/createMessage`, `roots/list`) and return its result.

    2025-11-25: a request on the call's stream, waiting `seconds` (None: as long as the call
    lives). 2026-07-28: the answer recorded under `key` in the flow, else the round ends
    asking this question (the tool must have been registered through a toolkit server).

    Args:
        ctx: The tool's context.
        method: The request's method.
        params: Its params in wire form.
        seconds: How long to wait for the answer on 2025-11-25.
        timeout_reason: Why the request was given up, for the timeout error.
        key: The question's key in the flow; by default its order of asking.

    Returns:
        The client's result in wire form (not yet validated beyond being an object).

    Raises:
        ValueError: `params` are not valid params of `method`; nothing was sent.
        ClientRequestTimeout: No answer within `seconds` (2025-11-25).
        ClientRequestError: The client answered with a JSON-RPC error, or not with an object;
            `NoBackChannel` for a 2026-07-28 call the toolkit cannot answer in rounds.
        ReplayError: The question differs from the one answered at its key in an earlier round.
        ConfigurationError: Two questions of the call use the same key.
    """
    call = current_call(ctx)
    if call is not None:
        chosen = call.claim(key)
        if call.replaying:
            return await call.ask(chosen, method, params)
    elif sdk.in_request(ctx) and sdk.protocol_version(ctx) == SESSIONLESS_REVISION:
        raise NoBackChannel(
            f"Cannot ask {method!r} on a {SESSIONLESS_REVISION} request from a function the toolkit did not "
            "register: register the tool, prompt or resource template on a toolkit server "
            "(toolkit.stateful_server) so its questions are answered in rounds."
        )
    return await sdk.request_client(ctx, method, params, seconds=seconds, timeout_reason=timeout_reason)


def flow_id(ctx: Context) -> str:
    """The id of the flow the call of `ctx` belongs to: 128 random bits, as 32 hex digits.

    On 2026-07-28 it is made on the first round and kept in the request state, so every
    round of one flow (on any replica) sees the same id; on 2025-11-25 a flow is one call.
    Use it as the idempotency key of a write, so a round that arrives twice stores once.
    """
    return _call_of(ctx).flow_id()


async def once(ctx: Context, name: str, fn: Callable[[], Awaitable[T] | T]) -> Any:
    """Run `fn` once per flow and return its result; later rounds get the kept result.

    On 2026-07-28 the body of a tool runs again on every round; `once` keeps an expensive
    step or a side effect from running again once a round has recorded it. The result is
    kept in the request state as JSON, so it must be JSON (dicts, lists, strings, numbers,
    booleans, None) and small; what comes back is its JSON copy, on the first round too.
    A round that arrives twice (a retry, two replicas) may still run `fn` twice before the
    state records it: make the side effect idempotent as well, e.g. with `flow_id`.

    Args:
        ctx: The tool's context.
        name: The step's name, unique in the tool.
        fn: A function without arguments, returning the result or an awaitable of it.

    Raises:
        ConfigurationError: `name` is empty, or the result is not JSON.
    """
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"once() needs a non-empty name for its step, not {name!r}.")
    call = _call_of(ctx)
    call.load()
    if name in call.once_results:
        return json.loads(json.dumps(call.once_results[name]))
    value = fn()
    if inspect.isawaitable(value):
        value = await value
    try:
        kept = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"once({name!r}) returned {type(value).__name__}, which the request state cannot keep: "
            "return JSON (dicts, lists, strings, finite numbers, booleans, None)."
        ) from exc
    call.once_results[name] = kept
    return json.loads(json.dumps(kept))


def required_capabilities(capability: str) -> dict[str, Any]:
    """A capability path (`"elicitation.form"`) as a `ClientCapabilities` object in wire form."""
    required: dict[str, Any] = {}
    cursor = required
    for part in capability.split("."):
        cursor[part] = {}
        cursor = cursor[part]
    return required


def _missing_capability(exc: BaseException) -> tuple[BaseException, CapabilityError] | None:
    """The `CapabilityError` behind `exc` (itself, what it was raised from, or in its group), if any.

    Returns the error that ended the tool (a group's member, when questions ran
    concurrently) and the capability error behind it.
    """
    if isinstance(exc, BaseExceptionGroup):
        for member in exc.exceptions:
            found = _missing_capability(member)
            if found is not None:
                return found
        return None
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, CapabilityError):
            return exc, current
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return None


def _only_input_needed(exc: BaseException) -> bool:
    if isinstance(exc, InputNeeded):
        return True
    if isinstance(exc, BaseExceptionGroup):
        _, rest = exc.split(InputNeeded)
        return rest is None
    return False


def _capability_error(exc: BaseException, missing: CapabilityError) -> Exception:
    required = required_capabilities(missing.capability)
    message = str(missing) if exc is missing else f"Missing client capability {missing.capability!r}: {exc}"
    return sdk.missing_capability(message, required)


def replayable(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`fn` answered in rounds on 2026-07-28; the SDK still sees its signature and context parameter.

    Only a coroutine function with a context parameter can ask anything; anything else is
    returned unchanged. On 2025-11-25 the wrapper only marks the call, for `flow_id` and
    `once`. On 2026-07-28: the first unanswered question ends the round with an
    input-required result; a tool failing because the request lacks a client capability
    answers -32021 naming it.
    """
    context_parameter = sdk.context_parameter(fn)
    if context_parameter is None or not inspect.iscoroutinefunction(fn):
        return fn
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    async def run_in_rounds(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get(context_parameter)
        if ctx is None and args:
            ctx = signature.bind_partial(*args, **kwargs).arguments.get(context_parameter)
        if ctx is None or not sdk.in_request(ctx):
            return await fn(*args, **kwargs)
        replaying = sdk.protocol_version(ctx) == SESSIONLESS_REVISION
        call = _Call(ctx, replaying=replaying)
        token = _CALL.set(call)
        try:
            if not replaying:
                return await fn(*args, **kwargs)
            try:
                result = await fn(*args, **kwargs)
            except BaseException as exc:
                if _only_input_needed(exc):
                    return call.input_required()
                missing = _missing_capability(exc)
                if missing is not None:
                    raise _capability_error(*missing) from exc
                raise
            # A body that swallowed the end of its round still has a question without an answer.
            return call.input_required() if call.pending else result
        finally:
            _CALL.reset(token)

    return run_in_rounds
