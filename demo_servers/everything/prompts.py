"""Prompts the conformance suite reads (`prompts-*`), and completion of their arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from mcp.server.fastmcp.prompts.base import Message, UserMessage
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    EmbeddedResource,
    ImageContent,
    PromptReference,
    ResourceTemplateReference,
    TextResourceContents,
)
from pydantic import Field

from .samples import PNG_BASE64

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP

__all__ = ["complete_argument", "register_prompts"]

#: Suggestions offered for any prompt argument; completion filters them by prefix.
SUGGESTIONS = ("paris", "park", "party", "test", "testing", "tested")


def test_simple_prompt() -> list[Message]:
    """A prompt without arguments."""
    return [UserMessage("This is a simple prompt for testing.")]


def test_prompt_with_arguments(
    arg1: Annotated[str, Field(description="First test argument")],
    arg2: Annotated[str, Field(description="Second test argument")],
) -> list[Message]:
    """A prompt that repeats its two required arguments."""
    return [UserMessage(f"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")]


def test_prompt_with_embedded_resource(
    resourceUri: Annotated[
        str, Field(description="URI of the resource to embed")
    ],  # camelCase: the suite names the argument so
) -> list[Message]:
    """A prompt that embeds the resource named by `resourceUri`, then asks to process it."""
    resource = TextResourceContents(
        uri=resourceUri, mimeType="text/plain", text="Embedded resource content for testing."
    )
    return [
        UserMessage(EmbeddedResource(type="resource", resource=resource)),
        UserMessage("Please process the embedded resource above."),
    ]


def test_prompt_with_image() -> list[Message]:
    """A prompt that shows an image, then asks to analyse it."""
    return [
        UserMessage(ImageContent(type="image", data=PNG_BASE64, mimeType="image/png")),
        UserMessage("Please analyze the image above."),
    ]


async def complete_argument(
    ref: PromptReference | ResourceTemplateReference,
    argument: CompletionArgument,
    context: CompletionContext | None,
) -> Completion:
    """Offer the known suggestions that start with what the user typed so far."""
    values = [value for value in SUGGESTIONS if value.startswith(argument.value.lower())]
    return Completion(values=values, total=len(values), hasMore=False)


def register_prompts(server: FastMCP) -> None:
    """Add the prompts and the completion handler to `server`."""
    for prompt in (
        test_simple_prompt,
        test_prompt_with_arguments,
        test_prompt_with_embedded_resource,
        test_prompt_with_image,
    ):
        server.prompt()(prompt)
    server.completion()(complete_argument)
