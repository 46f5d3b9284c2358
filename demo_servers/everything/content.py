"""Tools that answer with fixed content of every kind: text, image, audio, resources, errors.

Each tool is the one a conformance scenario calls by name (`tools-call-*`), and each returns
exactly the content blocks that scenario describes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.types import AudioContent, ContentBlock, EmbeddedResource, ImageContent, TextContent, TextResourceContents

from .samples import PNG_BASE64, WAV_BASE64

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP

__all__ = ["register_content_tools"]

SIMPLE_TEXT = "This is a simple text response for testing."
ERROR_TEXT = "This tool intentionally returns an error for testing"


class IntentionalToolError(RuntimeError):
    """Raised by `test_error_handling`; FastMCP turns it into a result with `isError: true`."""


def _image() -> ImageContent:
    return ImageContent(type="image", data=PNG_BASE64, mimeType="image/png")


def _text_resource(uri: str, mime_type: str, text: str) -> EmbeddedResource:
    return EmbeddedResource(type="resource", resource=TextResourceContents(uri=uri, mimeType=mime_type, text=text))


def test_simple_text() -> str:
    """Answer with one fixed text block."""
    return SIMPLE_TEXT


def test_image_content() -> list[ContentBlock]:
    """Answer with a 1x1 red PNG."""
    return [_image()]


def test_audio_content() -> list[ContentBlock]:
    """Answer with a short silent WAV clip."""
    return [AudioContent(type="audio", data=WAV_BASE64, mimeType="audio/wav")]


def test_embedded_resource() -> list[ContentBlock]:
    """Answer with a text resource embedded in the result."""
    return [_text_resource("test://embedded-resource", "text/plain", "This is an embedded resource content.")]


def test_multiple_content_types() -> list[ContentBlock]:
    """Answer with text, an image and an embedded JSON resource in one result."""
    return [
        TextContent(type="text", text="Multiple content types test:"),
        _image(),
        _text_resource("test://mixed-content-resource", "application/json", '{"test":"data","value":123}'),
    ]


def test_error_handling() -> str:
    """Always fail, so the client sees a tool result with `isError: true`."""
    raise IntentionalToolError(ERROR_TEXT)


def register_content_tools(server: FastMCP) -> None:
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
