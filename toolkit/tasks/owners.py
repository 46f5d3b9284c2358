"""Who owns a request's tasks: the authenticated user, a configured actor header, or nobody.

An owner is a string with a kind prefix, so ids from different sources never collide:

| owner | when | who may read the task |
| --- | --- | --- |
| `user:<subject or client id>` | the server authenticates requests (the server's `auth=`) | that user |
| `actor:<actor id>` | `OwnerPolicy(actor_header=...)` and the header is present | that actor |
| None (anonymous) | otherwise | anyone holding the task id |

An anonymous task is recorded as owned by itself (`task:<task id>`): its random 128-bit id is
the capability, like a bearer token, so the client can come back for it from any session,
also after a server restart. The MCP session is deliberately not an owner: a client gets a
new session id whenever it initializes again, which would lock it out of its own tasks.

An actor header is what the client claims, so only configure one where something in front of
the server authenticates callers (an AgentCore Runtime JWT authorizer, a gateway); anyone who
can send the header can read that actor's tasks. Its value is validated before use: a plain
AgentCore actor id, or the seed's `session@@@memory@@@actor` packing whose actor part is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._sdk import sdk
from ..errors import InvalidArgument
from ..server.context import request_header
from .memory_ids import ACTOR_ID, MAX_HEADER_LENGTH, PACKED_SEPARATOR, parse_memory_ids

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["OwnerPolicy", "authenticated_user", "owner_of", "request_header"]


@dataclass(frozen=True, slots=True)
class OwnerPolicy:
    """How to find the owner of a request when no user is authenticated.

    Attributes:
        actor_header: A header holding the caller's actor id (or the packed
            `session@@@memory@@@actor` form). None means only authenticated users own
            tasks; everyone else starts anonymous tasks.
    """

    actor_header: str | None = None

    def owner_of(self, ctx: Context) -> str | None:
        """The owner of the request in `ctx`, or None for an anonymous caller.

        Raises:
            InvalidArgument: The actor header is present but not a valid actor id.
        """
        user = authenticated_user()
        if user is not None:
            return f"user:{user}"
        if self.actor_header is not None:
            raw = request_header(ctx, self.actor_header)
            if raw is not None:
                return f"actor:{actor_from_header(self.actor_header, raw)}"
        return None


def owner_of(ctx: Context, policy: OwnerPolicy | None = None) -> str | None:
    """The owner of the request in `ctx` under `policy` (by default: the user), None if anonymous."""
    return (policy or OwnerPolicy()).owner_of(ctx)


def authenticated_user() -> str | None:
    """The user the SDK's auth middleware authenticated for this request, if any.

    The token's subject (`sub`) names the user; a token without one (a client-credentials
    grant) is owned by its OAuth client id.
    """
    principal = sdk.access_token_claims()
    if principal is None:
        return None
    return principal["subject"] or principal["client_id"]


def actor_from_header(header: str, raw: str) -> str:
    """The validated actor id in a header value, plain or packed."""
    if len(raw) > MAX_HEADER_LENGTH:
        raise InvalidArgument.for_header(header, f"the value is longer than {MAX_HEADER_LENGTH} characters")
    if PACKED_SEPARATOR in raw:
        return parse_memory_ids(raw, header).actor_id
    return ACTOR_ID.check(raw.strip(), header)
