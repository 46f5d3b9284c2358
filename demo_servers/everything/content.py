"""Tools that answer with fixed content of every kind: text, image, audio, resources, errors.

Each tool is the one a conformance scenario calls by name (`tools-call-*`), and each returns
exactly the content blocks that scenario describes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.server import content

from .samples import PNG_BASE64, WAV_BASE64

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["register_content_tools"]

SIMPLE_TEXT = "This is a simple text response for testing."
ERROR_TEXT = "This tool intentionally returns an error for testing"


class IntentionalToolError(RuntimeError):
    """Raised by `test_error_handling`; the SDK turns it into a result with `isError: true`."""


# The blocks are the SDK's own objects, built by the toolkit; to this module they are opaque.
ContentBlock = Any


def _image() -> ContentBlock:
    return content.image(PNG_BASE64, "image/png")


def test_simple_text() -> str:
    """Answer with one fixed text block."""
    return SIMPLE_TEXT


def test_image_content() -> list[ContentBlock]:
    """Answer with a 1x1 red PNG."""
    return [_image()]


def test_audio_content() -> list[ContentBlock]:
    """Answer with a short silent WAV clip."""
    return [content.audio(WAV_BASE64, "audio/wav")]


def test_embedded_resource() -> list[ContentBlock]:
    """Answer with a text resource embedded in the result."""
    return [content.embedded_text("test://embedded-resource", "This is an embedded resource content.", "text/plain")]


def test_multiple_content_types() -> list[ContentBlock]:
    """Answer with text, an image and an embedded JSON resource in one result."""
    return [
        content.text("Multiple content types test:"),
        _image(),
        content.embedded_text("test://mixed-content-resource", '{"test":"data","value":123}', "application/json"),
    ]


def test_error_handling() -> str:
    """Always fail, so the client sees a tool result with `isError: true`."""
    raise IntentionalToolError(ERROR_TEXT)


def register_content_tools(server: StatefulServer) -> None:
    """Add the fixed-content tools to `server`."""
    for tool in (
        test_simple_text,
        test_image_content,
        test_audio_content,
        test_embedded_resource,
        test_multiple_content_types,
        test_error_handling,
    ):
        server.add_tool(tool, structured_output=False)
