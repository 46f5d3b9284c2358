"""Prompts the conformance suite reads (`prompts-*`), and completion of their arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from toolkit.server import content

from .samples import PNG_BASE64

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["complete_argument", "register_prompts"]

#: Suggestions offered for any prompt argument; completion filters them by prefix.
SUGGESTIONS = ("paris", "park", "party", "test", "testing", "tested")

#: One prompt message, as `content.prompt_message` builds it.
Message = dict[str, Any]


def test_simple_prompt() -> list[Message]:
    """A prompt without arguments."""
    return [content.prompt_message("This is a simple prompt for testing.")]


def test_prompt_with_arguments(
    arg1: Annotated[str, Field(description="First test argument")],
    arg2: Annotated[str, Field(description="Second test argument")],
) -> list[Message]:
    """A prompt that repeats its two required arguments."""
    return [content.prompt_message(f"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")]


def test_prompt_with_embedded_resource(
    resourceUri: Annotated[
        str, Field(description="URI of the resource to embed")
    ],  # camelCase: the suite names the argument so
) -> list[Message]:
    """A prompt that embeds the resource named by `resourceUri`, then asks to process it."""
    resource = content.embedded_text(resourceUri, "Embedded resource content for testing.", "text/plain")
    return [
        content.prompt_message(resource),
        content.prompt_message("Please process the embedded resource above."),
    ]


def test_prompt_with_image() -> list[Message]:
    """A prompt that shows an image, then asks to analyse it."""
    return [
        content.prompt_message(content.image(PNG_BASE64, "image/png")),
        content.prompt_message("Please analyze the image above."),
    ]


async def complete_argument(ref: Any, argument: Any, context: Any) -> dict[str, Any]:
    """Offer the known suggestions that start with what the user typed so far.

    The SDK passes the reference (prompt or resource template), the argument (its `name`
    and `value`) and the completion context; only the argument's value matters here.
    """
    values = [value for value in SUGGESTIONS if value.startswith(argument.value.lower())]
    return content.completion(values, total=len(values), has_more=False)


def register_prompts(server: StatefulServer) -> None:
    """Add the prompts and the completion handler to `server`."""
    for prompt in (
        test_simple_prompt,
        test_prompt_with_arguments,
        test_prompt_with_embedded_resource,
        test_prompt_with_image,
    ):
        server.prompt()(prompt)
    server.completion()(complete_argument)
