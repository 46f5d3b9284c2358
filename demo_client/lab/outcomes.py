"""What happened to one tool call under one client declaration, by fixed rules.

The rules, applied in this order:

1. **violation**: during the call the server sent a request the client never declared
   (see `request_audit`). This wins over whatever the call returned, because the server
   broke the protocol whether or not the tool then failed.
2. **refused**: the call failed (an error result or a JSON-RPC error) and its text names
   a capability family the client left out, in whole or in part: ``elicitation``,
   ``sampling`` or ``roots``. A missing form *or* URL mode counts for ``elicitation``; a
   missing ``sampling.tools`` or ``sampling.context`` counts for ``sampling``.
3. **error**: the call failed for any other reason (bad arguments, a timeout, a bug).
4. **fell back**: the call succeeded and its structured content carries a fallback marker:
   a top-level ``fallback`` or ``via_fallback`` that is ``true``, or a top-level ``source``
   that does not start with ``client`` (the demo servers answer ``client_llm`` when the
   client's LLM wrote the text, ``server_llm`` or ``computed`` when the server did).
5. **ok**: the call succeeded without a fallback marker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..client.capabilities import Capabilities
from ..client.protocol import ToolResult
from ..errors import ClientError, RequestFailed
from .exercise import summarize_result
from .request_audit import ServerRequestSeen, declares

__all__ = [
    "CallOutcome",
    "Outcome",
    "classify_failure",
    "classify_result",
    "fallback_marker",
    "named_missing_capability",
]

# Each family a refusal may name, and the capabilities that make it fully declared.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "elicitation": ("elicitation.form", "elicitation.url"),
    "sampling": ("sampling", "sampling.tools", "sampling.context"),
    "roots": ("roots",),
}
_FAMILY_WORDS = re.compile(r"\b(elicitation|sampling|roots)", re.IGNORECASE)
_FALLBACK_FLAGS = ("fallback", "via_fallback")


class Outcome(StrEnum):
    """The five outcomes of a call, as they appear in the matrix and its JSON."""

    OK = "ok"
    FELL_BACK = "fell back"
    REFUSED = "refused"
    VIOLATION = "violation"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """One classified call.

    Attributes:
        outcome: Which rule applied.
        detail: Why: the undeclared capability (violation), the capability family the
            error names (refused), the fallback marker (fell back), or None.
        summary: The start of the call's text, or of the error message.
        requests: The methods of the requests the server sent during the call.
    """

    outcome: Outcome
    detail: str | None
    summary: str
    requests: tuple[str, ...] = ()


def classify_result(
    result: ToolResult, declared: Capabilities, requests: Sequence[ServerRequestSeen]
) -> CallOutcome:
    """Classify a call that returned a result (possibly an error result)."""
    text = " ".join(block["text"] for block in result.content if block.get("type") == "text")
    return _classify(result.is_error, text, result.structured_content, summarize_result(result), declared, requests)


def classify_failure(error: ClientError, declared: Capabilities, requests: Sequence[ServerRequestSeen]) -> CallOutcome:
    """Classify a call that raised instead: a JSON-RPC error, a timeout, a lost connection."""
    text = error.detail if isinstance(error, RequestFailed) else str(error)
    return _classify(True, text, None, " ".join(text.split()), declared, requests)


def named_missing_capability(text: str, declared: Capabilities) -> str | None:
    """The first capability family `text` names that `declared` leaves out (wholly or partly)."""
    for match in _FAMILY_WORDS.finditer(text):
        family = match.group(1).lower()
        if not all(declares(declared, name) for name in _FAMILIES[family]):
            return family
    return None


def fallback_marker(structured: Any) -> str | None:
    """The fallback marker in a result's structured content: the flag's name, or the `source`."""
    if not isinstance(structured, Mapping):
        return None
    for flag in _FALLBACK_FLAGS:
        if structured.get(flag) is True:
            return flag
    source = structured.get("source")
    if isinstance(source, str) and not source.startswith("client"):
        return source
    return None


def _classify(
    failed: bool,
    text: str,
    structured: Any,
    summary: str,
    declared: Capabilities,
    requests: Sequence[ServerRequestSeen],
) -> CallOutcome:
    methods = tuple(seen.method for seen in requests)
    missing = list(dict.fromkeys(name for seen in requests for name in seen.missing))
    if missing:
        return CallOutcome(Outcome.VIOLATION, ", ".join(missing), summary, methods)
    if failed:
        family = named_missing_capability(text, declared)
        outcome = Outcome.REFUSED if family is not None else Outcome.ERROR
        return CallOutcome(outcome, family, summary, methods)
    marker = fallback_marker(structured)
    outcome = Outcome.FELL_BACK if marker is not None else Outcome.OK
    return CallOutcome(outcome, marker, summary, methods)
