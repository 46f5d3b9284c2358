"""The protocol values the client hands to its caller: tools, tool results, server info.

They are the client's own small types, built from the wire form, so code that uses the client
reads the same whichever MCP SDK line is installed. Results the client does not interpret
(prompts, resources, the server's capabilities) are returned in wire form: dicts with the
protocol's camelCase keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = ["LOG_LEVELS", "Implementation", "LoggingLevel", "Tool", "ToolResult"]

#: A log severity, as the protocol names them (RFC 5424).
LoggingLevel: TypeAlias = Literal["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
#: The severities in increasing order.
LOG_LEVELS: tuple[LoggingLevel, ...] = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")


@dataclass(frozen=True, slots=True)
class Implementation:
    """A name and a version: the server's `serverInfo`, or the `clientInfo` this client sends.

    Attributes:
        name: The program's name.
        version: Its version.
        title: A human-friendly name, if given.
    """

    name: str
    version: str
    title: str | None = None

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> Implementation:
        """Read an `Implementation` object of the protocol."""
        return cls(str(wire.get("name", "")), str(wire.get("version", "")), wire.get("title"))

    def to_wire(self) -> dict[str, Any]:
        """This value as the protocol's `Implementation` object."""
        wire: dict[str, Any] = {"name": self.name, "version": self.version}
        if self.title is not None:
            wire["title"] = self.title
        return wire


@dataclass(frozen=True, slots=True)
class Tool:
    """One tool a server offers.

    Attributes:
        name: The tool's name, used to call it.
        description: What it does, if the server says.
        input_schema: The JSON schema of its arguments.
        output_schema: The JSON schema of its structured result, if it declares one.
        title: A human-friendly name, if given.
        annotations: The server's hints (``readOnlyHint``, ``destructiveHint``, ...), in wire form.
    """

    name: str
    description: str | None = None
    input_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object"})
    output_schema: dict[str, Any] | None = None
    title: str | None = None
    annotations: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> Tool:
        """Read one entry of a `tools/list` result."""
        return cls(
            name=wire["name"],
            description=wire.get("description"),
            input_schema=dict(wire.get("inputSchema") or {"type": "object"}),
            output_schema=wire.get("outputSchema"),
            title=wire.get("title"),
            annotations=dict(wire.get("annotations") or {}),
        )

    @property
    def read_only(self) -> bool:
        """Whether the server says the tool changes nothing (``readOnlyHint: true``)."""
        return self.annotations.get("readOnlyHint") is True

    @property
    def destructive(self) -> bool:
        """Whether the server's annotations say the tool may delete or overwrite data.

        That is a tool with annotations that is not read-only and not ``destructiveHint:
        false`` (the protocol's default is destructive). A tool without annotations says
        nothing either way and does not count.
        """
        return bool(self.annotations) and not self.read_only and self.annotations.get("destructiveHint") is not False


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What a tool call returned. A tool's own failure is `is_error`, not an exception.

    Attributes:
        content: The content blocks in wire form, e.g. ``{"type": "text", "text": "..."}``.
        structured_content: The structured result, if the tool returned one.
        is_error: Whether the tool reported an error.
    """

    content: list[dict[str, Any]] = field(default_factory=list)
    structured_content: Any = None
    is_error: bool = False

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> ToolResult:
        """Read a `CallToolResult`."""
        return cls(
            content=[dict(block) for block in wire.get("content") or ()],
            structured_content=wire.get("structuredContent"),
            is_error=bool(wire.get("isError", False)),
        )

    @property
    def text(self) -> str:
        """The text blocks, joined with newlines ("" when there are none)."""
        return "\n".join(block["text"] for block in self.content if block.get("type") == "text")
