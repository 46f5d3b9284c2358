"""The capability negotiation lab: every selected tool, called under every client profile.

For each profile in `profiles.PROFILES` the lab opens its own session that declares exactly
that profile, lists the tools, and calls each selected one with arguments built from its
input schema (`example_arguments`). Elicitations are answered by `LabAnswers` (scripted,
then the form's defaults), sampling by the offline sampler, roots with the working
directory. A `RequestAudit` sees every request the server sends, so a request the profile
did not declare is caught even though the SDK refuses it silently. Each call is then
classified by the rules in `outcomes`.

The lab really calls the tools, 8 times each with the default profiles: a tool that writes
data writes it 8 times. `side_effect_tools` tells which tools may do so (all but those the
server annotates `readOnlyHint`), and `before_calls` sees the tools before the first call.

    matrix = await negotiate("http://127.0.0.1:8000/mcp", tools=["analyze_spending"])
    matrix.outcome("analyze_spending", "nothing").outcome  # Outcome.FELL_BACK

`negotiate` runs one protocol revision (`protocol`, 2025-11-25 by default). On 2025-11-25 a
profile is declared on `initialize`; on 2026-07-28 it is declared on every request, and the
server's questions arrive as input requests, which the same audit sees. `negotiate_revisions`
runs the matrix once per revision the server speaks (`spoken_revisions`), and `differences`
lists the cells whose outcome is not the same in all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from .._sdk import LEGACY_REVISION, MODERN_REVISION, sdk
from ..client.capabilities import Capabilities
from ..client.connection import Client, connect
from ..client.protocol import Tool
from ..errors import ClientError, ConfigurationError, ConnectionLost, RequestFailed, RequestTimeout
from ..handlers.samplers import OfflineSampler
from ..handlers.schema_examples import example_arguments
from .answers import LabAnswers
from .outcomes import CallOutcome, Outcome, classify_failure, classify_result
from .profiles import PROFILES, Profile
from .request_audit import RequestAudit, ServerRequestSeen

__all__ = [
    "DEFAULT_CALL_TIMEOUT",
    "CellDifference",
    "NegotiationMatrix",
    "ProfileRun",
    "differences",
    "is_destructive",
    "negotiate",
    "negotiate_revisions",
    "side_effect_tools",
    "spoken_revisions",
]

#: Seconds one tool call may take in the lab before it is cancelled and counted as an error.
DEFAULT_CALL_TIMEOUT = 30.0


@dataclass(slots=True)
class ProfileRun:
    """Everything that happened in the session of one profile.

    Attributes:
        profile: The declaration the session made.
        calls: The outcome of each tool call, by tool name.
        requests: Every request the server sent in the session, also outside tool calls.
    """

    profile: Profile
    calls: dict[str, CallOutcome] = field(default_factory=dict)
    requests: list[ServerRequestSeen] = field(default_factory=list)

    @property
    def violations(self) -> int:
        """How many requests the server sent that this profile did not declare."""
        return sum(1 for seen in self.requests if seen.violation)


@dataclass(slots=True)
class NegotiationMatrix:
    """Tools by profiles: the outcome of every call.

    Attributes:
        server: The server's name from `initialize` (or `server/discover`).
        server_version: The server's version from `initialize` (or `server/discover`).
        tools: The tools called, in the server's order.
        runs: One run per profile, in the lab's order.
        protocol: The protocol revision the sessions spoke.
    """

    server: str
    server_version: str
    tools: list[str]
    runs: list[ProfileRun]
    protocol: str = LEGACY_REVISION

    @property
    def profiles(self) -> list[Profile]:
        """The profiles, in column order."""
        return [run.profile for run in self.runs]

    @property
    def violations(self) -> int:
        """Undeclared requests the server sent, over all profiles."""
        return sum(run.violations for run in self.runs)

    def outcome(self, tool: str, profile: str) -> CallOutcome:
        """The outcome of calling `tool` under the profile named `profile`.

        Raises:
            KeyError: No such tool or profile in this matrix.
        """
        for run in self.runs:
            if run.profile.name == profile:
                return run.calls[tool]
        raise KeyError(profile)

    def counts(self) -> dict[Outcome, int]:
        """How many cells have each outcome."""
        tally = dict.fromkeys(Outcome, 0)
        for run in self.runs:
            for call in run.calls.values():
                tally[call.outcome] += 1
        return tally

    def to_json(self) -> dict[str, Any]:
        """The matrix as JSON-ready data (what `negotiate --json` prints)."""
        return {
            "server": {"name": self.server, "version": self.server_version},
            "protocol": self.protocol,
            "profiles": [
                {"name": p.name, "description": p.description, "declares": p.capabilities.describe()}
                for p in self.profiles
            ],
            "tools": self.tools,
            "matrix": {
                tool: {run.profile.name: _cell_json(run.calls[tool]) for run in self.runs} for tool in self.tools
            },
            "violations": {run.profile.name: run.violations for run in self.runs},
            "counts": {outcome.value: count for outcome, count in self.counts().items()},
        }


@dataclass(frozen=True, slots=True)
class CellDifference:
    """One tool under one profile whose outcome depends on the protocol revision.

    Attributes:
        tool: The tool.
        profile: The profile's name.
        outcomes: The outcome in each revision, by revision.
    """

    tool: str
    profile: str
    outcomes: dict[str, CallOutcome]


def differences(matrices: Sequence[NegotiationMatrix]) -> list[CellDifference]:
    """The cells (tool, profile) whose outcome or reason differs between `matrices`, in table order.

    Only the tools and profiles every matrix has are compared.
    """
    if len(matrices) < 2:
        return []
    first = matrices[0]
    found: list[CellDifference] = []
    for tool in first.tools:
        if not all(tool in matrix.tools for matrix in matrices):
            continue
        for profile in first.profiles:
            try:
                cells = {matrix.protocol: matrix.outcome(tool, profile.name) for matrix in matrices}
            except KeyError:
                continue
            if len({(cell.outcome, cell.detail) for cell in cells.values()}) > 1:
                found.append(CellDifference(tool, profile.name, cells))
    return found


def side_effect_tools(tools: Sequence[Tool]) -> list[Tool]:
    """The tools that may change something: every tool not annotated ``readOnlyHint: true``.

    Annotations are hints and the protocol's default is "not read-only", so a tool without
    them counts as one that writes.
    """
    return [tool for tool in tools if not tool.read_only]


def is_destructive(tool: Tool) -> bool:
    """Whether the server's annotations say the tool may delete or overwrite data.

    That is a tool with annotations that is not ``readOnlyHint`` and not ``destructiveHint:
    false`` (the protocol's default is destructive). A tool without annotations says nothing
    either way and is not counted.
    """
    return tool.destructive


def _cell_json(call: CallOutcome) -> dict[str, Any]:
    return {
        "outcome": call.outcome.value,
        "detail": call.detail,
        "requests": list(call.requests),
        "summary": call.summary,
    }


async def negotiate(
    url: str,
    *,
    tools: Sequence[str] | None = None,
    profiles: Sequence[Profile] = PROFILES,
    answers: LabAnswers | None = None,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    call_timeout: float = DEFAULT_CALL_TIMEOUT,
    before_calls: Callable[[list[Tool]], None] | None = None,
    protocol: str = LEGACY_REVISION,
) -> NegotiationMatrix:
    """Call the selected tools of the server at `url` once under each profile.

    Args:
        url: The streamable HTTP endpoint.
        tools: Names of the tools to call; all the server lists when None.
        profiles: The declarations to try, one session each.
        answers: Elicitation answers; default the form's defaults for every question.
        headers: Extra HTTP headers for every request.
        auth: An `httpx.Auth`, e.g. for AgentCore Runtime.
        call_timeout: Seconds per tool call before it is cancelled and counted as an error.
        before_calls: Called with the tools to call once they are listed, before the first
            call, e.g. to say which of them have side effects (`side_effect_tools`).
        protocol: The revision every session speaks, as for `connect` (`auto` lets the server choose).

    Raises:
        ConfigurationError: A name in `tools` is not one of the server's tools, or no profile.
        ClientError: The server could not be reached or refused a session.
    """
    if not profiles:
        raise ConfigurationError("Choose at least one profile.")
    lab = _Lab(url, answers or LabAnswers(), headers, auth, call_timeout, before_calls, protocol=protocol)
    runs = [await lab.run(profile, tools) for profile in profiles]
    selected = [tool.name for tool in lab.selected or []]
    return NegotiationMatrix(lab.server[0], lab.server[1], selected, runs, lab.spoken or protocol)


async def spoken_revisions(
    url: str, *, headers: Mapping[str, str] | None = None, auth: httpx.Auth | None = None
) -> list[str]:
    """The protocol revisions the server at `url` speaks with this client: 2025-11-25, 2026-07-28 or both.

    Each is tried with a session that declares nothing and calls nothing; mcp 1.x tries only
    2025-11-25, the one it speaks.

    Raises:
        ClientError: The server speaks neither, or could not be reached.
    """
    candidates = (LEGACY_REVISION, MODERN_REVISION) if sdk.MODERN_VERSIONS else (LEGACY_REVISION,)
    spoken: list[str] = []
    failure: ClientError | None = None
    for revision in candidates:
        try:
            async with connect(url, headers=headers, auth=auth, protocol=revision, capabilities=Capabilities.none()):
                spoken.append(revision)
        except ClientError as exc:
            failure = exc
    if not spoken:
        assert failure is not None
        raise failure
    return spoken


async def negotiate_revisions(
    url: str,
    *,
    protocols: Sequence[str] | None = None,
    tools: Sequence[str] | None = None,
    profiles: Sequence[Profile] = PROFILES,
    answers: LabAnswers | None = None,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    call_timeout: float = DEFAULT_CALL_TIMEOUT,
    before_calls: Callable[[list[Tool]], None] | None = None,
) -> list[NegotiationMatrix]:
    """`negotiate` once per revision: `protocols`, or every revision the server speaks.

    `before_calls` is called once, before the first revision's first call. Scripted answers
    start again at each call, so every revision sees the same script.
    """
    revisions = list(protocols) if protocols else await spoken_revisions(url, headers=headers, auth=auth)
    matrices: list[NegotiationMatrix] = []
    for index, revision in enumerate(revisions):
        matrices.append(
            await negotiate(
                url,
                tools=tools,
                profiles=profiles,
                answers=answers,
                headers=headers,
                auth=auth,
                call_timeout=call_timeout,
                before_calls=before_calls if index == 0 else None,
                protocol=revision,
            )
        )
    return matrices


@dataclass(slots=True)
class _Lab:
    """Opens one session per profile and calls the selected tools in it."""

    url: str
    answers: LabAnswers
    headers: Mapping[str, str] | None
    auth: httpx.Auth | None
    call_timeout: float
    before_calls: Callable[[list[Tool]], None] | None = None
    selected: list[Tool] | None = None
    server: tuple[str, str] = ("(unnamed server)", "")
    protocol: str = LEGACY_REVISION
    spoken: str | None = None

    async def run(self, profile: Profile, wanted: Sequence[str] | None) -> ProfileRun:
        """One session declaring `profile`: list the tools the first time, then call each once."""
        audit = RequestAudit(profile.capabilities)
        run = ProfileRun(profile)
        async with connect(
            self.url,
            headers=self.headers,
            auth=self.auth,
            capabilities=profile.capabilities,
            elicitation=self.answers,
            sampling=OfflineSampler(),
            on_server_request=audit,
            request_timeout=self.call_timeout,
            protocol=self.protocol,
        ) as client:
            self.spoken = client.protocol_version
            if self.selected is None:
                # The first session's listing decides the rows; every profile calls the same tools.
                self.selected = _chosen(await client.list_tools(), wanted)
                info = client.server_info
                self.server = (info.name, info.version) if info is not None else self.server
                if self.before_calls is not None:
                    self.before_calls(list(self.selected))
            for tool in self.selected:
                run.calls[tool.name] = await self._call(client, tool, audit)
        run.requests = list(audit.seen)
        return run

    async def _call(self, client: Client, tool: Tool, audit: RequestAudit) -> CallOutcome:
        self.answers.start(tool.name)
        mark = len(audit.seen)
        try:
            result = await client.call_tool(tool.name, example_arguments(tool.input_schema))
        except (RequestFailed, RequestTimeout, ConnectionLost) as exc:
            return classify_failure(exc, audit.declared, audit.since(mark))
        return classify_result(result, audit.declared, audit.since(mark))


def _chosen(listed: list[Tool], wanted: Sequence[str] | None) -> list[Tool]:
    if wanted is None:
        return listed
    available = [tool.name for tool in listed]
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise ConfigurationError(
            f"The server has no tool {', '.join(map(repr, unknown))}; it offers: {', '.join(available) or '(none)'}."
        )
    return [tool for tool in listed if tool.name in set(wanted)]
