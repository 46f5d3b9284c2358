"""Elicitation tools: forms declared as `toolkit.Form` models, asked with `toolkit.elicit`.

These are the `tools-call-elicitation`, `elicitation-sep1034-defaults` and
`elicitation-sep1330-enums` scenarios. The toolkit renders every schema; the one thing it
does not render is the deprecated `enumNames` form of a titled enum, which SEP-1330 still
lists and the scenario asks for, so `choices_schema` adds it to the toolkit's schema.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import ConfigDict, EmailStr, Field

import toolkit
from toolkit import Context
from toolkit.elicitation import (
    CONFIGURED,
    check_requested_schema,
    parse_form_content,
    requested_schema,
    resolve_timeout,
    send_elicitation,
)
from toolkit.server import require_elicitation

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["Choices", "Contact", "Profile", "choices_schema", "register_elicitation_tools"]

Option = Literal["option1", "option2", "option3"]
Value = Annotated[
    Literal["value1", "value2", "value3"],
    toolkit.Titles(value1="First Option", value2="Second Option", value3="Third Option"),
]
LegacyOption = Literal["opt1", "opt2", "opt3"]
LEGACY_TITLES = ("Option One", "Option Two", "Option Three")


class Contact(toolkit.Form):
    """Who the user is: `test_elicitation` asks for this."""

    username: str = Field(description="User's response")
    email: EmailStr = Field(description="User's email address")


class Profile(toolkit.Form):
    """A profile whose every field has a default (SEP-1034)."""

    name: str = Field("John Doe", description="User name")
    age: int = Field(30, description="User age")
    score: float = Field(95.5, description="User score")
    status: Literal["active", "inactive", "pending"] = Field("active", description="User status")
    verified: bool = Field(True, description="Verification status")


class Choices(toolkit.Form):
    """One field in each enum form of SEP-1330; wire names are the scenario's camelCase ones."""

    model_config = ConfigDict(populate_by_name=True)

    untitled_single: Option = Field(alias="untitledSingle", description="Untitled single-select")
    titled_single: Value = Field(alias="titledSingle", description="Titled single-select")
    legacy_enum: LegacyOption = Field(alias="legacyEnum", description="Legacy titled single-select")
    untitled_multi: list[Option] = Field(alias="untitledMulti", description="Untitled multi-select")
    titled_multi: list[Value] = Field(alias="titledMulti", description="Titled multi-select")


def choices_schema() -> dict[str, Any]:
    """The toolkit's schema for `Choices`, with the legacy `enumNames` titles on `legacyEnum`."""
    schema = requested_schema(Choices)
    schema["properties"]["legacyEnum"]["enumNames"] = list(LEGACY_TITLES)
    check_requested_schema(schema)
    return schema


def describe(outcome: toolkit.ElicitationOutcome[Any]) -> str:
    """`action=<action>, content=<JSON>`: what the user did, as the scenarios print it."""
    content = outcome.data.model_dump(mode="json", by_alias=True) if isinstance(outcome, toolkit.Accepted) else {}
    return f"action={outcome.action}, content={json.dumps(content)}"


async def test_elicitation(message: str, ctx: Context) -> str:
    """Ask the user for a username and an email address, showing `message`."""
    return f"User response: {describe(await toolkit.elicit(ctx, message, Contact))}"


async def test_elicitation_sep1034_defaults(ctx: Context) -> str:
    """Ask for a profile whose every field has a default (SEP-1034)."""
    outcome = await toolkit.elicit(ctx, "Please review your profile; every field has a default.", Profile)
    return f"Elicitation completed: {describe(outcome)}"


async def test_elicitation_sep1330_enums(ctx: Context) -> str:
    """Ask for one choice in each of the five enum forms (SEP-1330)."""
    require_elicitation(ctx, "form")
    params = {"mode": "form", "message": "Please choose an option in each field.", "requestedSchema": choices_schema()}
    outcome: toolkit.ElicitationOutcome[Any] = await send_elicitation(ctx, params, resolve_timeout(CONFIGURED, ctx))
    if isinstance(outcome, toolkit.Accepted):
        outcome = toolkit.Accepted(parse_form_content(Choices, outcome.data))
    return f"Elicitation completed: {describe(outcome)}"


def register_elicitation_tools(server: StatefulServer) -> None:
    """Add the elicitation tools to `server`."""
    for tool in (test_elicitation, test_elicitation_sep1034_defaults, test_elicitation_sep1330_enums):
        server.add_tool(tool, structured_output=False)
