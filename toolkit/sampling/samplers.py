"""Samplers: anything that turns a `SamplingRequest` into a `SamplingResult`.

The protocol is transport-free on purpose. A server uses a sampler as its fallback when
the client cannot sample; a client can wrap the same sampler in its `sampling_callback`
with `SamplingRequest.from_mcp` and `SamplingResult.to_mcp`.

Messages, content blocks, model preferences and tool calls are plain data in wire form, the
shape they have in `sampling/createMessage` (`{"role": "user", "content": {"type": "text",
"text": "Hi"}}`), so samplers work the same whichever SDK line is installed.

Two samplers ship: `OfflineSampler`, a deterministic extractive summariser for local runs
and tests, and `BedrockSampler` (in `toolkit.aws`), which calls Amazon Bedrock's Converse API.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, runtime_checkable

from ..errors import InvalidArgument

__all__ = [
    "Message",
    "OfflineSampler",
    "Prompt",
    "Sampler",
    "SamplingRequest",
    "SamplingResult",
    "content_blocks",
    "prefer_models",
    "to_wire",
]

#: One message of a prompt: a message in wire form (`{"role": ..., "content": ...}`) or a
#: plain `(role, text)` pair.
Message: TypeAlias = Mapping[str, Any] | tuple[str, str]
#: A prompt: a single user message as a string, or a conversation.
Prompt: TypeAlias = str | Sequence[Message]
#: Why generation stopped: "endTurn", "stopSequence", "maxTokens", "toolUse" or a
#: provider-specific string.
StopReason: TypeAlias = str

_ROLES = ("user", "assistant")
_PRIORITIES = (("cost", "costPriority"), ("speed", "speedPriority"), ("intelligence", "intelligencePriority"))


def to_wire(value: Any) -> dict[str, Any]:
    """`value` in wire form: a mapping copied, or an SDK model rendered with its wire names.

    SDK models (from either line) are accepted so that code written against them keeps
    working; the toolkit itself only builds wire dicts.
    """
    if isinstance(value, Mapping):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dict(dump(by_alias=True, mode="json", exclude_none=True))
    raise TypeError(f"{type(value).__name__} is neither a mapping nor an SDK model")


def content_blocks(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The content blocks of a message in wire form, as a list (one block or several)."""
    content = message.get("content")
    if isinstance(content, Mapping):
        return [dict(content)]
    return [dict(block) for block in content or ()]


@dataclass(frozen=True, slots=True)
class SamplingRequest:
    """What a sampler is asked: the conversation and the generation options.

    Build one with `SamplingRequest.build`, which validates every field, or from an incoming
    `sampling/createMessage` with `SamplingRequest.from_mcp`.

    Attributes:
        messages: The conversation, oldest first, in wire form; never empty.
        max_tokens: Upper bound on the length of the answer, in tokens.
        system_prompt: Instructions for the model, or None.
        temperature: Sampling temperature, or None for the model's default.
        stop_sequences: Strings that end the answer when generated.
        model_preferences: Hints and priorities for choosing a model, in wire form; advisory.
    """

    messages: tuple[dict[str, Any], ...]
    max_tokens: int
    system_prompt: str | None = None
    temperature: float | None = None
    stop_sequences: tuple[str, ...] = ()
    model_preferences: dict[str, Any] | None = None

    @classmethod
    def build(
        cls,
        prompt: Prompt,
        *,
        max_tokens: int,
        system_prompt: str | None = None,
        temperature: float | None = None,
        stop_sequences: Sequence[str] | None = None,
        model_preferences: Mapping[str, Any] | Sequence[str] | None = None,
    ) -> SamplingRequest:
        """Validate the inputs and build a request.

        Args:
            prompt: A user message as a string, or a list of messages in wire form and
                `(role, text)` pairs with role "user" or "assistant".
            max_tokens: A positive token limit.
            system_prompt: Optional instructions for the model.
            temperature: Optional non-negative temperature.
            stop_sequences: Optional non-empty strings (a list, not a single string).
            model_preferences: Preferences in wire form (see `prefer_models`), or a list of
                model-name hints.

        Raises:
            InvalidArgument: An input cannot be sent; the message says which and why.
        """
        return cls(
            messages=to_messages(prompt),
            max_tokens=_check_max_tokens(max_tokens),
            system_prompt=system_prompt,
            temperature=_check_temperature(temperature),
            stop_sequences=_check_stop_sequences(stop_sequences),
            model_preferences=_to_preferences(model_preferences),
        )

    @classmethod
    def from_mcp(cls, params: Mapping[str, Any] | Any) -> SamplingRequest:
        """The params of a `sampling/createMessage` a client received, as a `SamplingRequest`.

        Args:
            params: The params in wire form, or the SDK's params model.

        Raises:
            InvalidArgument: The params are not a valid sampling request.
        """
        wire = to_wire(params)
        return cls.build(
            wire.get("messages") or (),
            max_tokens=wire.get("maxTokens"),  # type: ignore[arg-type]
            system_prompt=wire.get("systemPrompt"),
            temperature=wire.get("temperature"),
            stop_sequences=wire.get("stopSequences"),
            model_preferences=wire.get("modelPreferences"),
        )

    def texts(self, role: str = "user") -> list[str]:
        """The text blocks of all messages with `role`, in order."""
        return [
            block["text"]
            for message in self.messages
            if message["role"] == role
            for block in content_blocks(message)
            if block.get("type") == "text"
        ]


@dataclass(frozen=True, slots=True)
class SamplingResult:
    """What a sampler (or the client's LLM) answered.

    Attributes:
        text: The generated text.
        model: Name of the model that generated it.
        stop_reason: Why generation stopped: "endTurn", "stopSequence", "maxTokens",
            "toolUse", a provider-specific string, or None when unknown.
        via_fallback: True when the server's fallback sampler answered instead of the client.
        tool_uses: The tool calls the LLM asked for, when the request offered tools, as
            `tool_use` content blocks in wire form (`{"type": "tool_use", "id", "name", "input"}`).
    """

    text: str
    model: str
    stop_reason: StopReason | None = "endTurn"
    via_fallback: bool = False
    tool_uses: tuple[dict[str, Any], ...] = ()

    def to_mcp(self) -> dict[str, Any]:
        """This result as the `sampling/createMessage` result a client sends back, in wire form."""
        text = {"type": "text", "text": self.text}
        content: dict[str, Any] | list[dict[str, Any]] = text
        if self.tool_uses:
            content = [*([text] if self.text else []), *(dict(use) for use in self.tool_uses)]
        result: dict[str, Any] = {"role": "assistant", "content": content, "model": self.model}
        if self.stop_reason is not None:
            result["stopReason"] = self.stop_reason
        return result


@runtime_checkable
class Sampler(Protocol):
    """Turns a request into text. One method, so a plain class or a wrapper suffices."""

    async def sample(self, request: SamplingRequest) -> SamplingResult:
        """Generate an answer for `request`.

        Raises:
            SamplingError: A subclass naming what went wrong (e.g. `SamplingFailed`).
        """
        ...


def prefer_models(
    *hints: str, cost: float | None = None, speed: float | None = None, intelligence: float | None = None
) -> dict[str, Any]:
    """Model preferences (in wire form) from name hints (first match wins) and 0-1 priorities.

    Example:
        `prefer_models("claude-3-5-sonnet", "claude", intelligence=0.8, speed=0.3)`

    Raises:
        InvalidArgument: A priority is outside 0-1 or a hint is empty.
    """
    if any(not isinstance(hint, str) or not hint.strip() for hint in hints):
        raise InvalidArgument("Model hints must be non-empty strings such as 'claude'.")
    values = {"cost": cost, "speed": speed, "intelligence": intelligence}
    preferences: dict[str, Any] = {}
    if hints:
        preferences["hints"] = [{"name": hint} for hint in hints]
    for name, key in _PRIORITIES:
        value = values[name]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise InvalidArgument(f"The {name} priority must be between 0 and 1, got {value!r}.")
        preferences[key] = float(value)
    return preferences


def to_messages(prompt: Prompt) -> tuple[dict[str, Any], ...]:
    """Normalise a prompt to messages in wire form.

    Raises:
        InvalidArgument: The prompt is empty or a message is malformed.
    """
    if isinstance(prompt, str):
        if not prompt.strip():
            raise InvalidArgument("The prompt is empty; pass the text the LLM should answer.")
        return (_text_message("user", prompt),)
    messages = tuple(_to_message(index, item) for index, item in enumerate(prompt))
    if not messages:
        raise InvalidArgument("The prompt has no messages; pass a string or at least one message.")
    return messages


def _to_message(index: int, item: object) -> dict[str, Any]:
    if isinstance(item, tuple) and len(item) == 2 and all(isinstance(part, str) for part in item):
        role, text = item
        _check_role(index, role)
        return _text_message(role, text)
    try:
        message = to_wire(item)
    except TypeError:
        raise InvalidArgument(
            f"Message {index} is {type(item).__name__}; use a (role, text) pair of strings or a message "
            "such as {'role': 'user', 'content': {'type': 'text', 'text': 'Hi'}}."
        ) from None
    _check_role(index, message.get("role"))
    content = message.get("content")
    blocks = [content] if isinstance(content, Mapping) else content
    if not isinstance(blocks, list | tuple) or not blocks:
        raise InvalidArgument(
            f"Message {index} has no content block; give it one, e.g. {{'type': 'text', 'text': 'Hi'}}, "
            "or a list of them."
        )
    for block in blocks:
        if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
            raise InvalidArgument(
                f"Message {index} holds {block!r}, which is not a content block: each needs a 'type' such as 'text'."
            )
    return message


def _check_role(index: int, role: object) -> None:
    if role not in _ROLES:
        raise InvalidArgument(f"Message {index} has role {role!r}; use 'user' or 'assistant'.")


def _text_message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": {"type": "text", "text": text}}


def _check_max_tokens(max_tokens: object) -> int:
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise InvalidArgument(f"max_tokens must be a positive integer, got {max_tokens!r}.")
    return max_tokens


def _check_temperature(temperature: float | None) -> float | None:
    if temperature is None:
        return None
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not math.isfinite(temperature):
        raise InvalidArgument(f"temperature must be a number, got {temperature!r}.")
    if temperature < 0:
        raise InvalidArgument(f"temperature must not be negative, got {temperature!r}.")
    return float(temperature)


def _check_stop_sequences(stop_sequences: Sequence[str] | None) -> tuple[str, ...]:
    if stop_sequences is None:
        return ()
    if isinstance(stop_sequences, str):
        # A bare string would silently become one stop sequence per character.
        raise InvalidArgument(f"stop_sequences must be a list of strings, e.g. [{stop_sequences!r}].")
    if any(not isinstance(stop, str) or not stop for stop in stop_sequences):
        raise InvalidArgument("Every stop sequence must be a non-empty string.")
    return tuple(stop_sequences)


def _to_preferences(preferences: Mapping[str, Any] | Sequence[str] | Any | None) -> dict[str, Any] | None:
    if preferences is None:
        return None
    if isinstance(preferences, str):
        raise InvalidArgument(f"Model hints must be a list of names, e.g. [{preferences!r}].")
    if isinstance(preferences, Sequence):
        return prefer_models(*preferences)
    try:
        wire = to_wire(preferences)
    except TypeError:
        raise InvalidArgument(
            f"model_preferences is {type(preferences).__name__}; use prefer_models(...) or a list of model names."
        ) from None
    hints = wire.get("hints") or []
    if not isinstance(hints, list) or not all(isinstance(hint, Mapping) for hint in hints):
        raise InvalidArgument("model_preferences hints must be a list of {'name': ...} objects.")
    # Checks the priorities; the hints' names are advisory and passed on as given.
    prefer_models(**{name: wire.get(key) for name, key in _PRIORITIES})
    return wire


# --- the offline sampler --------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+|\s*\n+\s*")
_WORD = re.compile(r"[a-z][a-z'-]+")
_TOKEN = re.compile(r"\S+")
# Common words that say little about what a text is about.
_STOPWORD_TEXT = (
    "a about above after again all also am an and any are as at be been before being below between both but by "
    "can could did do does doing down during each few for from further had has have having he her here hers him "
    "his how i if in into is it its just me more most my no nor not now of off on once only or other our out over "
    "own please same she should so some such than that the their them then there these they this those through "
    "to too under until up very was we were what when where which while who whom why will with would you your "
    "summarize summarise summary following given text below write give brief short"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class OfflineSampler:
    """A deterministic sampler for local runs and tests: an extractive summary of the prompt.

    It picks the sentences of the user messages that carry the most frequent content words,
    keeps their order, and adds the key terms. The same request always gives the same text.
    Answers are cut to about three words per four tokens of `max_tokens` and at the first
    stop sequence, with the matching stop reason.

    Attributes:
        model: The model name reported in results.
        max_sentences: How many sentences the summary keeps at most.
    """

    model: str = "offline-extractive"
    max_sentences: int = 3

    async def sample(self, request: SamplingRequest) -> SamplingResult:
        """Summarise the user messages of `request`; see the class docstring."""
        return self.reply(request)

    def reply(self, request: SamplingRequest) -> SamplingResult:
        """The synchronous core of `sample`, for callers without an event loop."""
        draft = summarize(" \n".join(request.texts("user")), self.max_sentences)
        text, reason = _apply_limits(draft, request.max_tokens, request.stop_sequences)
        return SamplingResult(text=text, model=self.model, stop_reason=reason)


def summarize(text: str, max_sentences: int = 3) -> str:
    """An extractive summary of `text`: its most representative sentences and key terms."""
    sentences = [s for s in (part.strip() for part in _SENTENCE_BREAK.split(text)) if s and not s.endswith(":")]
    weights = Counter(word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS)
    if not sentences:
        return "Summary: there is nothing to summarise."
    ranked = sorted(range(len(sentences)), key=lambda i: (-_sentence_score(sentences[i], weights), i))
    chosen = [_end_sentence(sentences[i]) for i in sorted(ranked[:max_sentences])]
    summary = "Summary: " + " ".join(chosen)
    terms = [word for word, _ in weights.most_common(5)]
    return summary + (f"\nKey terms: {', '.join(terms)}." if terms else "")


def _sentence_score(sentence: str, weights: Counter[str]) -> float:
    words = _WORD.findall(sentence.lower())
    if not words:
        return 0.0
    # Divide by sqrt(length) so long sentences do not win on length alone.
    return sum(weights[word] for word in words) / math.sqrt(len(words))


def _end_sentence(sentence: str) -> str:
    return sentence if sentence[-1] in ".!?" else sentence + "."


def _apply_limits(text: str, max_tokens: int, stop_sequences: Sequence[str]) -> tuple[str, StopReason]:
    reason: StopReason = "endTurn"
    cuts = [text.find(stop) for stop in stop_sequences if stop in text]
    if cuts:
        text, reason = text[: min(cuts)].rstrip(), "stopSequence"
    budget = max(1, max_tokens * 3 // 4)
    words = list(_TOKEN.finditer(text))
    if len(words) > budget:
        text, reason = text[: words[budget - 1].end()], "maxTokens"
    return text, reason
