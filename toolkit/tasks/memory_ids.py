"""AgentCore Memory identifiers: their rules, and the seed's `session@@@memory@@@actor` packing.

The rules are the `CreateEvent` constraints of botocore's `bedrock-agentcore` service model
(length and pattern of `memoryId`, `actorId` and `sessionId`). Values from request headers
are untrusted: each part is checked against these rules before anything uses it, and a
failure raises `InvalidArgument` without echoing more than a short prefix of the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InvalidArgument

__all__ = [
    "ACTOR_ID",
    "MEMORY_ID",
    "MEMORY_IDS_HEADER",
    "PACKED_SEPARATOR",
    "SESSION_ID",
    "IdRule",
    "MemoryIds",
    "parse_memory_ids",
]

#: The default header for packed ids. AgentCore Runtime forwards headers with this prefix.
MEMORY_IDS_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Memory-Ids"
PACKED_SEPARATOR = "@@@"
# AgentCore Runtime forwards header values of up to 4 KB.
MAX_HEADER_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class IdRule:
    """Length bounds and pattern of one AgentCore identifier."""

    name: str
    min_length: int
    max_length: int
    pattern: re.Pattern[str]
    allowed: str

    def problem(self, value: str) -> str | None:
        """What is wrong with `value`, or None if it obeys the rule."""
        if not self.min_length <= len(value) <= self.max_length:
            return f"{self.name} must be {self.min_length}-{self.max_length} characters long"
        if not self.pattern.fullmatch(value):
            return f"{self.name} {_shown(value)} may only contain {self.allowed}"
        return None

    def check(self, value: str, header: str) -> str:
        """Return `value` if it obeys the rule, else raise `InvalidArgument` naming `header`."""
        problem = self.problem(value)
        if problem is not None:
            raise InvalidArgument.for_header(header, problem)
        return value


MEMORY_ID = IdRule(
    "memoryId",
    12,
    2048,
    re.compile(
        r"(arn:(aws|aws-cn|aws-us-gov):bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:memory/)?"
        r"[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}"
    ),
    "a name of letters, digits, '-' and '_' followed by '-' and a 10-character suffix (or its ARN)",
)
ACTOR_ID = IdRule(
    "actorId",
    1,
    255,
    re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-_/]*(?::[a-zA-Z0-9-_/]+)*[a-zA-Z0-9-_/]*"),
    "letters, digits, '-', '_', '/' and single ':' separators, starting with a letter or digit",
)
SESSION_ID = IdRule(
    "sessionId",
    1,
    100,
    re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-_]*"),
    "letters, digits, '-' and '_', starting with a letter or digit",
)


@dataclass(frozen=True, slots=True)
class MemoryIds:
    """Where an AgentCore Memory event goes: memory, actor and session ids, all validated."""

    memory_id: str
    actor_id: str
    session_id: str

    def as_metadata(self) -> dict[str, str]:
        """The ids as task metadata, under the keys the memory sink reads."""
        return {"memory_id": self.memory_id, "actor_id": self.actor_id, "session_id": self.session_id}


def parse_memory_ids(value: str, header: str = MEMORY_IDS_HEADER) -> MemoryIds:
    """Split and validate a `session@@@memory@@@actor` header value.

    Args:
        value: The raw header value.
        header: The header's name, for the error message.

    Raises:
        InvalidArgument: The value is too long, has the wrong number of parts, or a part
            breaks its AgentCore rule.
    """
    if len(value) > MAX_HEADER_LENGTH:
        raise InvalidArgument.for_header(header, f"the value is longer than {MAX_HEADER_LENGTH} characters")
    parts = value.split(PACKED_SEPARATOR)
    if len(parts) != 3:
        raise InvalidArgument.for_header(
            header, f"expected three ids as session{PACKED_SEPARATOR}memory{PACKED_SEPARATOR}actor, got {len(parts)}"
        )
    session_id, memory_id, actor_id = (part.strip() for part in parts)
    return MemoryIds(
        memory_id=MEMORY_ID.check(memory_id, header),
        actor_id=ACTOR_ID.check(actor_id, header),
        session_id=SESSION_ID.check(session_id, header),
    )


def _shown(value: str) -> str:
    # Enough to recognise the value, not enough to smuggle a payload into logs.
    return repr(value[:24] + ("..." if len(value) > 24 else ""))
